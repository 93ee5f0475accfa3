"""docs/RULES.md is generated from the rules and must match them."""

from __future__ import annotations

from pathlib import Path

from green_constructs.rules.listing import REGENERATE

RULES_MD = Path(__file__).parents[2] / "docs" / "RULES.md"


def test_rules_md_is_up_to_date(cli) -> None:
    generated = cli("rules", "--format", "markdown").out
    committed = RULES_MD.read_text(encoding="utf-8") if RULES_MD.exists() else ""
    assert committed == generated, f"docs/RULES.md is out of date; regenerate it: {REGENERATE}"
