"""Conditions: which the template decides, which assignments are judged, how findings say when."""

from __future__ import annotations

from green_constructs.rules import evaluate, get_rule
from green_constructs.rules.conditions import (
    assignments,
    choose,
    known_conditions,
    qualifier,
    template_conditions,
)

RETENTION = get_rule("Sustainability-LogGroupRetention")


def _template(conditions: dict, resources: dict) -> dict:
    return {"Parameters": {"P": {"Type": "String"}}, "Conditions": conditions, "Resources": resources}


def test_conditions_the_template_decides() -> None:
    template = _template(
        {
            "Literal": {"Fn::Equals": ["a", "a"]},
            "Region": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-north-1"]},
            "Parameter": {"Fn::Equals": [{"Ref": "P"}, "x"]},
            "NotLiteral": {"Fn::Not": [{"Condition": "Literal"}]},
            "OrShortCircuit": {"Fn::Or": [{"Condition": "Parameter"}, {"Condition": "Literal"}]},
            "AndUnknown": {"Fn::And": [{"Condition": "Parameter"}, {"Condition": "Literal"}]},
            "Cycle": {"Fn::Not": [{"Condition": "Cycle"}]},
        },
        {},
    )
    assert known_conditions(template, "eu-north-1") == {
        "Literal": True,
        "Region": True,
        "NotLiteral": False,
        "OrShortCircuit": True,
    }
    assert "Region" not in known_conditions(template, None)


def test_choose_picks_branches_and_drops_no_value() -> None:
    value = {
        "A": {"Fn::If": ["C", 1, 2]},
        "B": {"Fn::If": ["C", {"Ref": "AWS::NoValue"}, "kept"]},
        "L": [{"Fn::If": ["C", {"Ref": "AWS::NoValue"}, "x"]}, "y"],
    }
    assert choose(value, {"C": True}) == {"A": 1, "L": ["y"]}
    assert choose(value, {"C": False}) == {"A": 2, "B": "kept", "L": ["x", "y"]}
    untouched = {"A": [1, 2]}
    assert choose(untouched, {"C": True}) is untouched


def test_many_conditions_are_sampled_not_enumerated() -> None:
    names = [f"C{i}" for i in range(6)]
    cases = assignments(names)
    assert len(cases) == 2 + 2 * len(names)
    assert len(assignments(names[:3])) == 8


def test_qualifier_names_the_resource_conditions() -> None:
    cases = [(("A", a), ("B", b)) for a in (False, True) for b in (False, True)]
    flagged = [c for c in cases if dict(c)["A"]]
    assert qualifier(flagged, cases, ["A"]) == "when A is true"
    assert qualifier(cases, cases, ["A"]) is None
    # the resource's own conditions do not decide it: whole assignments are named
    assert qualifier(flagged[:1], cases, ["B"]) == "when A is true and B is false"


def test_template_conditions_only_those_resources_use() -> None:
    template = _template(
        {"Used": {"Fn::Equals": [{"Ref": "P"}, "x"]}, "Unused": {"Fn::Equals": [{"Ref": "P"}, "y"]}},
        {
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"RetentionInDays": {"Fn::If": ["Used", 7, {"Ref": "AWS::NoValue"}]}},
            }
        },
    )
    assert template_conditions(template) == ["Used"]
    [finding] = evaluate(template, [RETENTION])
    assert finding.message.endswith("(when Used is false).")


def test_resource_condition_false_everywhere_is_not_judged() -> None:
    template = _template(
        {"Never": {"Fn::Equals": ["a", "b"]}},
        {"Logs": {"Type": "AWS::Logs::LogGroup", "Condition": "Never"}},
    )
    assert evaluate(template, [RETENTION]) == []
