"""Odd input the property test may not reach: deep nesting, huge numbers, self-references,
and a rule that raises (reported as a finding; the other rules still run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from green_constructs.lint.decode import MAX_DEPTH, TemplateDecodeError, decode_text
from green_constructs.rules import Resource, Rule, Severity, evaluate, get_rule

LOG_GROUP = '{"Resources": {"A": {"Type": "AWS::Logs::LogGroup", "Properties": %s}}}'


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 600, 5000])
def test_deep_nesting_is_a_decode_error(depth: int) -> None:
    with pytest.raises(TemplateDecodeError, match="nested|deep"):
        decode_text(LOG_GROUP % ("[" * depth + "]" * depth))


def test_nesting_within_the_limit_is_evaluated() -> None:
    depth = MAX_DEPTH - 5
    decoded = decode_text(LOG_GROUP % ("{\"X\": " + "[" * depth + "]" * depth + "}"))
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
