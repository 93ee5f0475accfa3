"""Properties of the rule engine: on templates of any values (intrinsics included), and on the
rule fixtures with one value replaced by anything, every rule runs to the end (no rule-crash
finding), findings name resources of the template, and the result does not depend on the
run. Every case has a time limit."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import templates, values
from time_limits import time_limit

from green_constructs.lint.decode import decode_file
from green_constructs.rules import all_rules, evaluate

SECONDS = 5
CASES = settings(max_examples=150, deadline=None, derandomize=True)
RULES = all_rules()
FIXTURES = sorted((Path(__file__).parent.parent / "rules" / "fixtures").glob("*/*.*"))


def _findings(template: dict[str, Any]) -> list[tuple[str, str, str]]:
    with time_limit(SECONDS):
        found = evaluate(template, RULES, region="us-east-1")
    crashes = [f.message for f in found if "please report" in f.message]
    assert crashes == []
    return [(f.rule.id, f.resource, f.message) for f in found]


@CASES
@given(template=templates)
def test_rules_run_to_the_end_on_templates_of_any_values(template: dict) -> None:
    found = _findings(template)
    assert {resource for _, resource, _ in found} <= set(template["Resources"])
    assert _findings(copy.deepcopy(template)) == found


@pytest.fixture(scope="module")
def fixtures() -> list[dict[str, Any]]:
    return [decode_file(path).template for path in FIXTURES]


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside ``value`` (keys and list indexes)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@CASES
@given(data=st.data(), replacement=values)
def test_rules_run_to_the_end_on_fixtures_with_a_value_replaced(
    fixtures: list[dict[str, Any]], data: st.DataObject, replacement: Any
) -> None:
    template = copy.deepcopy(data.draw(st.sampled_from(fixtures)))
    logical_id = data.draw(st.sampled_from(sorted(template["Resources"])))
    path = data.draw(st.sampled_from(_paths(template["Resources"][logical_id])[1:] or [("Type",)]))
    parent: Any = template["Resources"][logical_id]
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = replacement
    found = _findings(template)
    assert {resource for _, resource, _ in found} <= set(template["Resources"])


def test_there_are_fixtures_to_mutate() -> None:
    assert len(FIXTURES) >= 40
