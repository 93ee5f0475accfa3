"""Templates of a cdk.out directory: stacks, stages, nested stacks, regions and names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from template_helpers import write_assembly

from green_constructs.lint.assembly import read_assembly
from green_constructs.lint.decode import TemplateDecodeError

ASSEMBLY = Path(__file__).parent / "data" / "assembly"
NESTED = "ProdApiInferenceNestedStackInferenceNestedStackResourceA1B2C3D4.nested"


def test_stacks_stages_and_nested_stacks_with_regions() -> None:
    found = [
        (Path(t.path).relative_to(ASSEMBLY).as_posix(), t.name, t.region)
        for t in read_assembly(ASSEMBLY)
    ]
    assert found == [
        ("AppStack.template.json", "AppStack", None),
        ("assembly-Prod/ProdApi.template.json", "Prod/Api", "eu-north-1"),
        (f"assembly-Prod/{NESTED}.template.json", f"Prod/Api/{NESTED}", "eu-north-1"),
    ]


def test_resource_lines_are_kept() -> None:
    app = read_assembly(ASSEMBLY)[0]
    assert app.lines == {"AppLogs": 3}


def test_display_name_falls_back_to_artifact_id(tmp_path: Path) -> None:
    write_assembly(tmp_path, {"Resources": {}}, region="us-west-2")
    [stack] = read_assembly(tmp_path)
    assert (stack.name, stack.region) == ("S", "us-west-2")


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        (None, "manifest.json: not found"),
        ("{", "manifest.json:1: invalid JSON"),
        ('{"version": "36.0.0"}', "not a cloud assembly manifest"),
    ],
)
def test_bad_assembly_is_one_line_error(
    tmp_path: Path, manifest: str | None, expected: str
) -> None:
    if manifest is not None:
        (tmp_path / "manifest.json").write_text(manifest)
    with pytest.raises(TemplateDecodeError) as error:
        read_assembly(tmp_path)
    assert expected in str(error.value)
    assert "\n" not in str(error.value)


def test_stage_pointing_at_itself_is_read_once(tmp_path: Path) -> None:
    stage = {"type": "cdk:cloud-assembly", "properties": {"directoryName": "."}}
    manifest = {"artifacts": {"Loop": stage}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert read_assembly(tmp_path) == []
