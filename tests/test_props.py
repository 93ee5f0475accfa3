"""The shared prop checks: concrete values checked, tokens passed with a metadata note."""

from __future__ import annotations

import math
import re

import aws_cdk as cdk
import pytest

from green_constructs import props


@pytest.fixture(scope="module")
def stack() -> cdk.Stack:
    return cdk.Stack(cdk.App())


@pytest.fixture
def scope(stack: cdk.Stack) -> cdk.Resource:
    return cdk.Resource(stack, f"Scope{len(stack.node.children)}")


def _notes(scope: cdk.Resource) -> list[str]:
    return [entry.data for entry in scope.node.metadata if entry.type == props.UNCHECKED]


def test_concrete_whole_numbers_are_checked(scope) -> None:
    assert props.whole_number(scope, "count", 3, minimum=1, maximum=5) == 3
    assert props.whole_number(scope, "count", 4.0, minimum=1) == 4
    for bad in (0, 6, 2.5, math.nan):
        with pytest.raises(ValueError, match=r"^count must be a whole number from 1 to 5, got"):
            props.whole_number(scope, "count", bad, minimum=1, maximum=5)
    for wrong in ("3", True, None):
        with pytest.raises(TypeError, match=r"^count must be a whole number"):
            props.whole_number(scope, "count", wrong, minimum=1)
    assert _notes(scope) == []


def test_number_tokens_pass_with_a_note(stack, scope) -> None:
    parameter = cdk.CfnParameter(stack, "Count", type="Number").value_as_number
    assert props.whole_number(scope, "count", parameter, minimum=1, maximum=5) == parameter
    assert props.real_number(scope, "ratio", cdk.Token.as_number({"Ref": "R"})) is not None
    assert _notes(scope) == [
        "count is a token, resolved at deploy time; not checked against: "
        "a whole number from 1 to 5",
        "ratio is a token, resolved at deploy time; not checked against: a finite number any",
    ]


def test_real_numbers_must_be_finite_and_in_range(scope) -> None:
    assert props.real_number(scope, "headroom", 0.25, minimum=0, maximum=1) == 0.25
    for bad in (math.nan, math.inf, -0.1, 1.5):
        with pytest.raises(ValueError, match=r"^headroom must be a finite number from 0 to 1"):
            props.real_number(scope, "headroom", bad, minimum=0, maximum=1)
    with pytest.raises(TypeError, match=r"^headroom must be a finite number"):
        props.real_number(scope, "headroom", "0.2")


def test_text_checks_pattern_length_and_emptiness_but_not_tokens(stack, scope) -> None:
    pattern = re.compile(r"[a-z]+")
    assert props.text(scope, "name", "abc", pattern=pattern, allowed="lower-case letters") == "abc"
    for bad in ("", "a b", "abc\n", "abcdef"):
        with pytest.raises(ValueError, match=r"^name must be lower-case letters, got"):
            props.text(
                scope, "name", bad, pattern=pattern, allowed="lower-case letters", max_length=5
            )
    with pytest.raises(TypeError, match=r"^name must be a non-empty string, got 123"):
        props.text(scope, "name", 123)
    token = cdk.CfnParameter(stack, "Name").value_as_string
    assert props.text(scope, "name", token, pattern=pattern) == token
    assert len(_notes(scope)) == 1


def test_one_of_names_the_choices(scope) -> None:
    assert props.one_of(scope, "mode", "b", ("a", "b")) == "b"
    with pytest.raises(ValueError, match=r"^mode must be one of 'a', 'b', got 'ab'"):
        props.one_of(scope, "mode", "ab", ("a", "b"))


def test_durations_whole_units_bounds_and_tokens(stack, scope) -> None:
    one_minute, one_hour = cdk.Duration.minutes(1), cdk.Duration.hours(1)
    checked = props.duration(scope, "wait", cdk.Duration.minutes(5), minimum=one_minute)
    assert checked.to_minutes() == 5
    with pytest.raises(ValueError, match=r"^wait must be a cdk.Duration of whole seconds between"):
        props.duration(
            scope, "wait", cdk.Duration.millis(500), minimum=one_minute, maximum=one_hour
        )
    with pytest.raises(ValueError, match=r"whole minutes of at most 1 hour, got 2 hours"):
        props.duration(scope, "wait", cdk.Duration.hours(2), maximum=one_hour, whole="minutes")
    with pytest.raises(TypeError, match=r"^wait must be a cdk.Duration of whole seconds, got 600"):
        props.duration(scope, "wait", 600)
    days = cdk.CfnParameter(stack, "Days", type="Number").value_as_number
    token = cdk.Duration.days(days)
    assert props.duration(scope, "wait", token, minimum=one_minute, whole="days") is token
    assert _notes(scope)[-1].startswith("wait is a token")


def test_instance_and_string_map(scope) -> None:
    assert props.instance("source", scope, cdk.Resource, "a cdk.Resource") is scope
    with pytest.raises(TypeError, match=r"^source must be a cdk.Resource, got None"):
        props.instance("source", None, cdk.Resource, "a cdk.Resource")
    assert props.string_map("environment", {"A": "1"}) == {"A": "1"}
    for bad in ({"X": 1}, {"": "1"}, ["A"]):
        with pytest.raises(TypeError, match=r"^environment must be a dict of non-empty string"):
            props.string_map("environment", bad)


def test_bounds_are_written_in_full(scope) -> None:
    with pytest.raises(
        ValueError, match=r"^count must be a whole number from 1 to 2147483647, got"
    ):
        props.whole_number(scope, "count", 10**12, minimum=1, maximum=2**31 - 1)
    with pytest.raises(ValueError, match=r"^ratio must be a finite number from 0.5 to 2, got 3"):
        props.real_number(scope, "ratio", 3, minimum=0.5, maximum=2.0)
