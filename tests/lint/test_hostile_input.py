"""Hostile files given to ``lint`` and ``estimate``: each is answered within a time limit, in
one line naming the file and the limit (exit 2), or linted; never a hang, an "internal error"
or a rule-crash finding. The files live in ``data/hostile`` or are built in ``tmp_path``."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from template_helpers import write_assembly
from time_limits import time_limit

HOSTILE = Path(__file__).parent / "data" / "hostile"
LIMIT_SECONDS = 10


@pytest.fixture
def run(cli) -> Callable:
    def limited(*argv: str | Path):
        with time_limit(LIMIT_SECONDS):
            return cli(*argv)

    return limited


def refused(result, *words: str) -> bool:
    """Exit 2 with one line on stderr naming each of ``words``."""
    lines = result.err.splitlines()
    return (
        result.code == 2
        and len(lines) == 1
        and lines[0].startswith("green-constructs: error: ")
        and "internal error" not in lines[0]
        and all(word in lines[0] for word in words)
    )


@pytest.mark.parametrize("command", ["lint", "estimate"])
def test_an_alias_bomb_template_is_refused_at_the_alias_limit(run, command: str) -> None:
    path = HOSTILE / "alias-bomb.yaml"
    assert path.stat().st_size < 1024
    assert refused(run(command, path), "alias-bomb.yaml", "aliases expand to more than")


@pytest.mark.parametrize("option", ["--workload", "--coefficients"])
def test_an_alias_bomb_workload_or_coefficients_file_is_refused(run, option: str) -> None:
    path = HOSTILE / "alias-bomb-values.yaml"
    result = run("estimate", HOSTILE / "flow-style.yaml", option, path)
    assert refused(result, "alias-bomb-values.yaml", "aliases expand to more than")


def test_aliases_within_the_limit_are_read(run) -> None:
    result = run("lint", HOSTILE / "shared-aliases.yaml", "--format", "json")
    assert result.code == 0, result.err
    assert {f["rule_id"] for f in json.loads(result.out)["findings"]} == {
        "Sustainability-LogGroupRetention"
    }


def test_flow_style_yaml_is_yaml_not_invalid_json(run) -> None:
    result = run("lint", HOSTILE / "flow-style.yaml", "--format", "json")
    assert result.code == 0, result.err
    [finding] = json.loads(result.out)["findings"]
    assert (finding["rule_id"], finding["line"]) == ("Sustainability-LogGroupRetention", 1)


def test_yaml_in_a_file_named_json_is_read_as_cloudformation_would(run, tmp_path: Path) -> None:
    path = tmp_path / "template.json"
    path.write_text("Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n")
    result = run("lint", path, "--format", "json")
    assert result.code == 0, result.err
    [finding] = json.loads(result.out)["findings"]
    assert (finding["rule_id"], finding["line"]) == ("Sustainability-LogGroupRetention", 2)


def test_broken_json_is_still_reported_as_json(run, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"Resources": {"A": {"Type": "AWS::Logs::LogGroup"}}')
    assert refused(run("lint", path), "broken.json:1: invalid JSON")


def test_a_lone_surrogate_in_a_logical_id_is_printed_escaped(run) -> None:
    result = run("lint", HOSTILE / "lone-surrogate.json")
    assert result.code == 0, result.err
    assert "\\ud800" in result.out and "internal error" not in result.err


def test_a_fifo_is_refused_not_waited_on(run, tmp_path: Path) -> None:
    fifo = tmp_path / "template.yaml"
    os.mkfifo(fifo)
    assert refused(run("lint", fifo), "template.yaml", "not a regular file")


@pytest.mark.parametrize("option", ["--workload", "--coefficients"])
def test_a_fifo_workload_or_coefficients_file_is_refused(run, tmp_path: Path, option: str) -> None:
    fifo = tmp_path / "values.yaml"
    os.mkfifo(fifo)
    result = run("estimate", HOSTILE / "flow-style.yaml", option, fifo)
    assert refused(result, "values.yaml", "not a regular file")


def test_a_fifo_asset_manifest_in_the_assembly_is_refused(run, tmp_path: Path) -> None:
    write_assembly(tmp_path, {"Resources": {}}, region="us-west-2")
    os.mkfifo(tmp_path / "S.assets.json")
    _with_asset_manifest(tmp_path, "S.assets.json")
    assert refused(run("lint", tmp_path), "S.assets.json", "not a regular file")


def test_a_fifo_named_in_a_manifest_is_refused(run, tmp_path: Path) -> None:
    write_assembly(tmp_path, {"Resources": {}}, region="us-west-2")
    (tmp_path / "S.template.json").unlink()
    os.mkfifo(tmp_path / "S.template.json")
    assert refused(run("lint", tmp_path), "S.template.json", "not a regular file")


@pytest.mark.parametrize("command", ["lint", "estimate"])
def test_a_manifest_that_never_ends_is_refused(run, tmp_path: Path, command: str) -> None:
    write_assembly(tmp_path, {"Resources": {}}, region="us-west-2")
    (tmp_path / "manifest.json").unlink()
    (tmp_path / "manifest.json").symlink_to("/dev/zero")
    assert refused(run(command, tmp_path), "manifest.json", "not a regular file")


def test_a_manifest_over_the_size_limit_is_refused_unread(run, tmp_path: Path) -> None:
    from green_constructs.lint.limits import MAX_MANIFEST_BYTES

    write_assembly(tmp_path, {"Resources": {}}, region="us-west-2")
    with open(tmp_path / "manifest.json", "r+b") as manifest:
        manifest.truncate(MAX_MANIFEST_BYTES + 1)  # sparse: no disk used
    assert refused(run("lint", tmp_path), "manifest.json", "MiB")


def _with_asset_manifest(directory: Path, path: str) -> None:
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["artifacts"]["S.assets"] = {
        "type": "cdk:asset-manifest",
        "properties": {"file": path},
    }
    manifest["artifacts"]["S"]["dependencies"] = ["S.assets"]
    (directory / "manifest.json").write_text(json.dumps(manifest))


def test_an_asset_manifest_that_never_ends_is_refused(run, tmp_path: Path) -> None:
    write_assembly(tmp_path, {"Resources": {}}, region="us-west-2")
    (tmp_path / "S.assets.json").symlink_to("/dev/zero")
    _with_asset_manifest(tmp_path, "S.assets.json")
    assert refused(run("lint", tmp_path), "S.assets.json", "outside the assembly")


def test_an_additional_metadata_file_that_never_ends_is_refused(run, tmp_path: Path) -> None:
    write_assembly(tmp_path, {"Resources": {}}, region="us-west-2")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["artifacts"]["S"]["additionalMetadataFile"] = "S.metadata.json"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "S.metadata.json").symlink_to("/dev/zero")
    assert refused(run("estimate", tmp_path), "S.metadata.json", "outside the assembly")


@pytest.mark.parametrize(
    "template_file", ["/etc/hostname", "../outside.template.json", "S.template.json\x00x"]
)
def test_a_template_file_outside_the_assembly_or_unnamable_is_refused(
    run, tmp_path: Path, template_file: str
) -> None:
    assembly = write_assembly(tmp_path / "cdk.out", {"Resources": {}}, region="us-west-2")
    (tmp_path / "outside.template.json").write_text('{"Resources": {}}')
    manifest = json.loads((assembly / "manifest.json").read_text())
    manifest["artifacts"]["S"]["properties"]["templateFile"] = template_file
    (assembly / "manifest.json").write_text(json.dumps(manifest))
    result = run("lint", assembly)
    assert refused(result, "manifest.json"), result.err
    assert "outside the assembly" in result.err or "null byte" in result.err


def test_a_stage_directory_in_a_symlink_loop_is_refused(run, tmp_path: Path) -> None:
    write_assembly(tmp_path, {"Resources": {}}, region="us-west-2")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["artifacts"]["Stage"] = {
        "type": "cdk:cloud-assembly",
        "properties": {"directoryName": "loop"},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert refused(run("lint", tmp_path), "loop")


@pytest.mark.parametrize("metadata", [["not", "a", "mapping"], "text", 7])
def test_artifact_metadata_that_is_not_a_mapping_is_ignored(
    run, tmp_path: Path, metadata: object
) -> None:
    write_assembly(tmp_path, {"Resources": {}}, region="us-west-2")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["artifacts"]["S"]["metadata"] = metadata
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    result = run("estimate", tmp_path, "--format", "json")
    assert result.code == 0, result.err


def test_a_deeply_nested_metadata_file_is_refused(run, tmp_path: Path) -> None:
    write_assembly(tmp_path, {"Resources": {}}, region="us-west-2")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["artifacts"]["S"]["additionalMetadataFile"] = "S.metadata.json"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "S.metadata.json").write_text("[" * 100_000 + "]" * 100_000)
    assert refused(run("estimate", tmp_path), "S.metadata.json", "levels deep")


def test_a_state_machine_definition_nested_2000_levels_is_not_a_rule_crash(
    run, tmp_path: Path
) -> None:
    definition = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "X": ' + (
        "[" * 2000 + "]" * 2000 + "}}}"
    )
    template = {
        "Resources": {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"RoleArn": "arn", "DefinitionString": definition},
            }
        }
    }
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(template))
    result = run("lint", path, "--format", "json")
    assert result.code in (0, 1), result.err
    assert "please report" not in result.out and "RecursionError" not in result.out


def test_the_readme_states_the_limits_the_code_applies() -> None:
    from green_constructs.lint import limits

    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    assert f"JSON templates up to {limits.size(limits.MAX_TEMPLATE_BYTES)}" in readme
    assert f"coefficients up to {limits.size(limits.MAX_YAML_BYTES)}" in readme
    assert f"metadata files up to {limits.size(limits.MAX_MANIFEST_BYTES)}" in readme
    assert f"nesting up to {limits.MAX_DEPTH} levels" in readme
    assert f"at most {limits.MAX_ALIAS_NODES:,} nodes once expanded" in readme
