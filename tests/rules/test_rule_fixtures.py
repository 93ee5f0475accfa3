"""Every rule against its fixtures: resources named ``Bad*`` must be flagged, all others not.

Fixtures live in ``fixtures/<RuleId>/*.yaml``. A fixture may set the region and rule settings in
its top-level ``Metadata.Fixture`` (``{Region: eu-north-1, Settings: {carbon_intensity_ratio: 3}}``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from green_constructs.lint.decode import decode_file
from green_constructs.rules import RuleSettings, all_rules, evaluate, get_rule

FIXTURES = Path(__file__).parent / "fixtures"
RULE_IDS = [r.id for r in all_rules()]


def _fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("*/*.yaml"))


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture(path: Path) -> None:
    rule = get_rule(path.parent.name)
    decoded = decode_file(path)
    options = decoded.template.get("Metadata", {}).get("Fixture", {})
    findings = evaluate(
        decoded.template,
        [rule],
        region=options.get("Region"),
        settings=RuleSettings(**options.get("Settings", {})),
    )
    flagged = sorted(f.resource for f in findings)
    expected = sorted(r for r in decoded.template["Resources"] if r.startswith("Bad"))
    assert flagged == expected
    for finding in findings:
        assert finding.message.strip()


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_every_rule_has_positive_and_negative_fixtures(rule_id: str) -> None:
    rule = get_rule(rule_id)
    names: list[str] = []
    for path in sorted((FIXTURES / rule_id).glob("*.yaml")):
        resources = decode_file(path).template["Resources"]
        names += [n for n, body in resources.items() if rule.applies_to(body["Type"])]
    assert any(n.startswith("Bad") for n in names), f"{rule_id} has no must-trigger fixture"
    assert any(not n.startswith("Bad") for n in names), f"{rule_id} has no must-not-trigger fixture"
