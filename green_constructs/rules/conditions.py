"""Both sides of ``Fn::If``: the templates a template with conditions can deploy as.

CloudFormation decides each condition at deploy time from parameters, so a template alone cannot
say which ``Fn::If`` branch holds or whether a resource with a ``Condition`` exists. Conditions
the template does decide (literals, ``AWS::Region`` when the region is known, and ``Fn::And``,
``Fn::Or``, ``Fn::Not`` of those) take their value; the engine evaluates the template once per
assignment of the others its resources use, taken as independent: every combination of up to :data:`MAX_EXHAUSTIVE` conditions; beyond that all false,
all true, and each condition alone true (and alone false). A finding that holds in some
assignments only says in which.
"""

from __future__ import annotations

from itertools import product
from typing import Any, Mapping

MAX_EXHAUSTIVE = 3
"""Conditions of one resource enumerated exhaustively (2**3 = 8 evaluations at most)."""

_NO_VALUE = {"Ref": "AWS::NoValue"}
_DROPPED = object()

Assignment = tuple[tuple[str, bool], ...]
"""Condition names with the value assumed for each, in order of first use."""


def conditions_used(value: Any) -> list[str]:
    """Names of the conditions of every ``Fn::If`` in ``value``, in order of first use."""
    found: dict[str, None] = {}
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is list:
            stack.extend(reversed(node))
        elif kind is dict:
            if len(node) == 1 and "Fn::If" in node:
                arg = node["Fn::If"]
                if type(arg) is list and len(arg) == 3 and type(arg[0]) is str:
                    found.setdefault(arg[0], None)
            stack.extend(reversed(list(node.values())))
    return list(found)


def template_conditions(template: Mapping[str, Any]) -> list[str]:
    """Conditions that decide the template's resources: ``Fn::If`` in their properties and
    their ``Condition`` attribute. Empty for templates without ``Conditions`` (no walk)."""
    declared = template.get("Conditions")
    resources = template.get("Resources")
    if not declared or type(declared) is not dict or type(resources) is not dict:
        return []
    found: dict[str, None] = {}
    for body in resources.values():
        if type(body) is not dict:
            continue
        condition = body.get("Condition")
        if type(condition) is str and condition in declared:
            found.setdefault(condition, None)
        for name in conditions_used(body.get("Properties")):
            if name in declared:
                found.setdefault(name, None)
    return list(found)


def known_conditions(template: Mapping[str, Any], region: str | None) -> dict[str, bool]:
    """Conditions whose value the template alone decides (see the module docstring)."""
    declared = template.get("Conditions")
    if type(declared) is not dict:
        return {}
    known: dict[str, bool] = {}
    pseudo = {"AWS::Region": region} if region else {}

    def value(node: Any, seen: frozenset[str]) -> Any:
        if type(node) in (str, int, float, bool):
            return str(node).lower() if type(node) is bool else str(node)
        if type(node) is not dict or len(node) != 1:
            return None
        key, arg = next(iter(node.items()))
        if key == "Ref":
            return pseudo.get(arg) if type(arg) is str else None
        if key == "Condition":
            return truth(arg, seen)
        if key == "Fn::Equals" and type(arg) is list and len(arg) == 2:
            left, right = value(arg[0], seen), value(arg[1], seen)
            return None if left is None or right is None else left == right
        if key == "Fn::Not" and type(arg) is list and len(arg) == 1:
            inner = value(arg[0], seen)
            return None if type(inner) is not bool else not inner
        if key in ("Fn::And", "Fn::Or") and type(arg) is list:
            parts = [value(item, seen) for item in arg]
            decisive = key == "Fn::Or"  # the value that decides alone
            if decisive in parts:
                return decisive
            return None if None in parts else not decisive
        return None

    def truth(name: Any, seen: frozenset[str]) -> bool | None:
        if type(name) is not str or name in seen or name not in declared:
            return None
        if name not in known:
            result = value(declared[name], seen | {name})
            if type(result) is not bool:
                return None
            known[name] = result
        return known[name]

    for name in declared:
        truth(name, frozenset())
    return known


def assignments(names: list[str]) -> list[Assignment]:
    """The assignments of ``names`` to evaluate (see the module docstring)."""
    if len(names) <= MAX_EXHAUSTIVE:
        return [tuple(zip(names, values)) for values in product((False, True), repeat=len(names))]
    chosen = [tuple((n, False) for n in names), tuple((n, True) for n in names)]
    for flipped in names:
        chosen.append(tuple((n, n == flipped) for n in names))
        chosen.append(tuple((n, n != flipped) for n in names))
    return chosen


def choose(value: Any, assignment: Mapping[str, bool]) -> Any:
    """``value`` with each ``Fn::If`` replaced by its branch under ``assignment`` and
    ``AWS::NoValue`` removed, as CloudFormation does (unchanged parts are not copied)."""
    result = _choose(value, assignment)
    return {} if result is _DROPPED else result


def _choose(value: Any, assignment: Mapping[str, bool]) -> Any:
    kind = type(value)
    if kind is dict:
        if len(value) == 1:
            if value == _NO_VALUE:
                return _DROPPED
            arg = value.get("Fn::If")
            if type(arg) is list and len(arg) == 3 and arg[0] in assignment:
                return _choose(arg[1] if assignment[arg[0]] else arg[2], assignment)
        changed: dict[str, Any] | None = None
        for key, item in value.items():
            chosen = _choose(item, assignment)
            if chosen is not item:
                if changed is None:
                    changed = dict(value)
                if chosen is _DROPPED:
                    del changed[key]
                else:
                    changed[key] = chosen
        return value if changed is None else changed
    if kind is list:
        items = [_choose(item, assignment) for item in value]
        if all(new is old for new, old in zip(items, value)):
            return value
        return [item for item in items if item is not _DROPPED]
    return value


def describe(cases: list[Assignment]) -> str:
    """``when IsProd is true and UseGpu is false, or when ...``."""
    return ", or ".join(
        "when " + " and ".join(f"{name} is {'true' if value else 'false'}" for name, value in case)
        for case in cases
    )


def qualifier(
    flagged: list[Assignment], present: list[Assignment], relevant: list[str]
) -> str | None:
    """When a finding holds: ``None`` if in every assignment where its resource exists
    (``present``), else described by the ``relevant`` conditions (the resource's own) if they
    decide it, else by whole assignments."""
    if len(flagged) == len(present):
        return None
    keep = set(relevant)
    outcome: dict[Assignment, bool] = {}
    consistent = bool(keep)
    flagged_set = set(flagged)
    for case in present:
        projected = tuple(pair for pair in case if pair[0] in keep)
        holds = case in flagged_set
        if outcome.setdefault(projected, holds) != holds:
            consistent = False
            break
    if consistent:
        return describe([case for case, holds in outcome.items() if holds])
    return describe(flagged)
