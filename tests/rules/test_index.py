"""The rule index (what the lint imports per resource type) matches the rule modules."""

from __future__ import annotations

from green_constructs.rules import all_rules
from green_constructs.rules.index import RULES
from green_constructs.rules.registry import build_index, selection


def test_index_is_current() -> None:
    assert RULES == build_index(), "run: make docs (writes green_constructs/rules/index.py)"


def test_selection_loads_only_rules_for_the_types() -> None:
    chosen = selection().load(["AWS::Logs::LogGroup"])
    assert [r.id for r in chosen] == ["Sustainability-LogGroupRetention"]
    assert selection().load() == all_rules()
    assert selection(packs=["GenAI"], exclude=["GenAI-ShadowVariants"]).ids == tuple(
        r.id for r in all_rules() if r.pack == "GenAI" and r.id != "GenAI-ShadowVariants"
    )
