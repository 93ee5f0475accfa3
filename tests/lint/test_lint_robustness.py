"""Odd input the property test may not reach: deep nesting, huge numbers, self-references,
endless files, closed output, and a rule that raises (reported as a finding; the other rules
still run)."""

from __future__ import annotations

import errno
import io
from pathlib import Path

import pytest
from template_helpers import write_assembly

from green_constructs.lint.decode import MAX_DEPTH, TemplateDecodeError, decode_text
from green_constructs.rules import Resource, Rule, Severity, evaluate, get_rule

LOG_GROUP = '{"Resources": {"A": {"Type": "AWS::Logs::LogGroup", "Properties": %s}}}'


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 600, 5000])
def test_deep_nesting_is_a_decode_error(depth: int) -> None:
    with pytest.raises(TemplateDecodeError, match="nested|deep"):
        decode_text(LOG_GROUP % ("[" * depth + "]" * depth))


def test_nesting_within_the_limit_is_evaluated() -> None:
    depth = MAX_DEPTH - 5
    decoded = decode_text(LOG_GROUP % ('{"X": ' + "[" * depth + "]" * depth + "}"))
    [finding] = evaluate(decoded.template, [get_rule("Sustainability-LogGroupRetention")])
    assert finding.resource == "A"


def test_self_referencing_yaml_anchor_is_a_decode_error() -> None:
    text = "Resources:\n  A:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      X: &a [*a]\n"
    with pytest.raises(TemplateDecodeError, match="nested more than"):
        decode_text(text)


def test_huge_integer_is_a_decode_error() -> None:
    with pytest.raises(TemplateDecodeError, match="invalid JSON"):
        decode_text(LOG_GROUP % ('{"RetentionInDays": ' + "9" * 5000 + "}"))


def _raises(resource: Resource, context: object) -> str | None:
    raise KeyError("boom")


def test_a_rule_that_raises_becomes_a_finding_and_others_still_run() -> None:
    broken = Rule(
        id="GenAI-Broken",
        pack="GenAI",
        severity=Severity.ERROR,
        title="t",
        explanation="e",
        remediation="r",
        best_practices=(),
        resource_types=("AWS::Logs::LogGroup",),
        check=_raises,
    )
    retention = get_rule("Sustainability-LogGroupRetention")
    template = decode_text(LOG_GROUP % "{}").template
    findings = {f.rule.id: f.message for f in evaluate(template, [broken, retention])}
    assert findings["GenAI-Broken"] == (
        "Rule GenAI-Broken failed on A (KeyError: 'boom'); please report this."
    )
    assert "RetentionInDays" in findings["Sustainability-LogGroupRetention"]


def test_non_utf8_file_is_unreadable_input(cli, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("Resources: {A: {Type: caf\xe9}}".encode("latin-1"))
    run = cli("lint", path)
    assert run.code == 2 and "cannot read" in run.err and run.err.count("\n") == 1


def test_endless_input_is_refused_unread(cli) -> None:
    run = cli("lint", "/dev/zero")
    assert run.code == 2 and run.err.count("\n") == 1
    assert "/dev/zero: not a regular file" in run.err


def test_a_template_over_the_size_limit_is_refused_unread(cli, tmp_path) -> None:
    from green_constructs.lint.limits import MAX_TEMPLATE_BYTES

    path = tmp_path / "huge.json"
    with open(path, "wb") as template:
        template.truncate(MAX_TEMPLATE_BYTES + 1)  # sparse: no disk used
    run = cli("lint", path)
    assert run.code == 2 and run.err.count("\n") == 1
    assert "huge.json: more than 16 MiB, the limit for this file" in run.err


def test_a_name_too_long_for_the_file_system_is_unreadable_input(cli) -> None:
    run = cli("lint", "x" * 5000)
    assert run.code == 2 and run.err.count("\n") == 1 and "cannot read" in run.err


def test_a_selection_without_rules_is_bad_usage(cli) -> None:
    rule = "Sustainability-LogGroupRetention"
    run = cli("lint", "/dev/null", "--rule", rule, "--exclude", rule)
    assert run.code == 2
    assert run.err == "green-constructs: error: --pack, --rule and --exclude leave no rule to run\n"


def test_a_region_the_catalog_does_not_know_is_warned_about(cli, tmp_path: Path) -> None:
    assembly = write_assembly(tmp_path / "cdk.out", {"Resources": {}}, region="mars-9")
    run = cli("lint", assembly)
    assert run.code == 0
    assert run.err == (
        "green-constructs: warning: region 'mars-9' is not in the catalog: "
        "GenAI-RegionCarbonIntensity cannot judge it\n"
    )


class _FullDevice(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_closed_or_failing_standard_output_is_one_line(cli, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdout", None)
    run = cli("rules")
    assert (run.code, run.err) == (2, "green-constructs: error: standard output is closed\n")
    monkeypatch.setattr("sys.stdout", _FullDevice())
    run = cli("rules")
    assert run.code == 2
    assert run.err == (
        "green-constructs: error: cannot write to standard output: No space left on device\n"
    )


def test_version(cli) -> None:
    run = cli("--version")
    assert run.code == 0 and run.out.startswith("green-constructs ")


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
def test_json_depth_bound_is_exact(depth: int) -> None:
    """The JSON decoder's bound (the recursion limit trick) is exactly MAX_DEPTH levels."""
    text = '{"Resources": {}, "X": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"
    if depth > MAX_DEPTH:
        with pytest.raises(TemplateDecodeError, match="nested more than"):
            decode_text(text)
    else:
        assert "X" in decode_text(text).template
