"""The scale benchmark's generated inputs are what it says they are (no timing, no peers)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from green_constructs.lint.assembly import read_assembly
from green_constructs.lint.runner import lint
from green_constructs.rules import evaluate, get_rule

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def scale():
    sys.path.insert(0, str(BENCHMARKS))  # scale.py imports its sibling modules
    try:
        spec = importlib.util.spec_from_file_location("scale", BENCHMARKS / "scale.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_endpoint_template_reports_every_fourth_endpoint(scale) -> None:
    template = scale.endpoint_template(400)
    resources = template["Resources"]
    assert len(resources) == 400
    kinds = [body["Type"] for body in resources.values()]
    assert kinds.count("AWS::SageMaker::Endpoint") == 200
    assert kinds.count("AWS::CloudWatch::Alarm") == 199
    flagged = {f.resource for f in evaluate(template, [get_rule("GenAI-EndpointMonitoring")])}
    expected = {f"Endpoint{i}" for i in range(0, 200, 4)} | {"Endpoint199"}  # no alarm of its own
    assert flagged == expected
    assert scale.endpoint_template(400) == template


@pytest.mark.parametrize("resources", [0, 3, 7])
def test_endpoint_template_refuses_odd_sizes(scale, resources: int) -> None:
    with pytest.raises(ValueError, match="even number >= 4"):
        scale.endpoint_template(resources)


def test_assembly_has_one_template_per_stack(scale, tmp_path: Path) -> None:
    directory = scale.write_assembly(tmp_path / "cdk.out", 12)
    manifest = json.loads((directory / "manifest.json").read_text())
    assert len(manifest["artifacts"]) == 12
    templates = read_assembly(directory)
    assert [Path(t.path).name for t in templates] == [
        f"Stack{i:04d}.template.json" for i in range(12)
    ]
    assert all(len(t.template["Resources"]) == 25 for t in templates)
    assert len({json.dumps(t.template["Resources"]) for t in templates}) == 12
    result = lint([directory], ())
    assert result.summary["templates"] == 12 and result.summary["resources"] == 300
