"""Both sides of ``Fn::If``: the templates a template with conditions can deploy as.

CloudFormation decides each condition at deploy time from parameters, so a template alone cannot
say which ``Fn::If`` branch holds or whether a resource with a ``Condition`` exists.

- Conditions the template decides (literals, ``AWS::Region`` when the region is known, and
  ``Fn::And``, ``Fn::Or``, ``Fn::Not`` of those) take their value.
- Conditions made only of other conditions (``IsDev: !Not [!Condition IsProd]``) follow them.
- The others, the *free* ones the checked resources depend on, are enumerated: every
  combination of up to :data:`MAX_EXHAUSTIVE`; beyond that all false, all true, and each of the
  first :data:`MAX_FLIPPED` alone true and alone false.

A finding that holds under some assignments only says when, by the fewest free conditions that
decide it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from itertools import combinations, product
from typing import Any

from .intrinsics import NO_VALUE

MAX_EXHAUSTIVE = 3
"""Free conditions enumerated exhaustively (2**3 = 8 evaluations at most)."""
MAX_FLIPPED = 12
"""Free conditions flipped one at a time beyond that (2 + 2 * 12 = 26 evaluations at most)."""
MAX_CHAIN = 50
"""Longest chain of conditions naming conditions followed in one step of evaluation."""

_DROPPED = object()

Assignment = tuple[tuple[str, bool], ...]
"""Free condition names with the value assumed for each, in order of first use."""


def _if_condition(node: dict[str, Any]) -> str | None:
    arg = node.get("Fn::If") if len(node) == 1 else None
    if type(arg) is list and len(arg) == 3 and type(arg[0]) is str:
        return arg[0]
    return None


def conditions_used(value: Any) -> list[str]:
    """Names of the conditions of every ``Fn::If`` in ``value``, in order of first use
    (each node visited once, however often YAML aliases repeat it)."""
    found: dict[str, None] = {}
    seen: set[int] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if (kind is not list and kind is not dict) or id(node) in seen:
            continue
        seen.add(id(node))
        if kind is list:
            stack.extend(reversed(node))
            continue
        name = _if_condition(node)
        if name is not None:
            found.setdefault(name, None)
        stack.extend(reversed(list(node.values())))
    return list(found)


def _condition_refs(expression: Any) -> list[str]:
    """Conditions an expression names (``{"Condition": name}``)."""
    found: dict[str, None] = {}
    stack = [expression]
    while stack:
        node = stack.pop()
        if type(node) is list:
            stack.extend(node)
        elif type(node) is dict:
            if len(node) == 1 and type(node.get("Condition")) is str:
                found.setdefault(node["Condition"], None)
            else:
                stack.extend(node.values())
    return list(found)


class Conditions:
    """A template's conditions: the ones it decides, the free ones its checked resources
    depend on, and the value of every condition under an assignment of the free ones.

    Resources of ``ignored_types`` do not count: CDK's ``AWS::CDK::Metadata``, which no rule
    reads, would otherwise double the work on every CDK template without a region (its
    ``CDKMetadataAvailable`` condition).
    """

    known: dict[str, bool]
    """The conditions the template alone decides, with their values."""
    used: list[str]
    """The declared conditions the checked resources use, in template order."""
    free: list[str]
    """The conditions ``used`` depends on that the template cannot decide."""

    def __init__(
        self,
        template: Mapping[str, Any],
        region: str | None,
        ignored_types: Collection[str] = ("AWS::CDK::Metadata",),
    ) -> None:
        declared = template.get("Conditions")
        self._declared: dict[str, Any] = declared if type(declared) is dict else {}
        self._pseudo = {"AWS::Region": region} if region else {}
        self.known = self._evaluate({}, list(self._declared))
        self.used = self._used(template, ignored_types) if self._declared else []
        self.free, self._order = self._free(self.used)

    def _used(self, template: Mapping[str, Any], ignored: Collection[str]) -> list[str]:
        resources = template.get("Resources")
        found: dict[str, None] = {}
        for body in resources.values() if type(resources) is dict else ():
            if type(body) is not dict or body.get("Type") in ignored:
                continue
            condition = body.get("Condition")
            names = [condition] if type(condition) is str else []
            for name in [*names, *conditions_used(body.get("Properties"))]:
                if name in self._declared:
                    found.setdefault(name, None)
        return list(found)

    def _free(self, used: list[str]) -> tuple[list[str], list[str]]:
        """The free conditions ``used`` depends on, and every condition met on the way, in
        the order that evaluates each after those it names."""
        free: dict[str, None] = {}
        met: dict[str, None] = {}
        pending = list(used)
        while pending:
            name = pending.pop(0)
            if name in met or name in self.known:
                continue
            met[name] = None
            expression = self._declared.get(name)
            refs = _condition_refs(expression)
            if not refs or self._value(expression, lambda _: True, 0) is None:
                free[name] = None  # a leaf the template cannot decide
            else:
                pending += refs
        return list(free), list(reversed(met))

    def values(self, assignment: Assignment) -> dict[str, bool]:
        """Every condition's value when the free ones take ``assignment``."""
        values = dict(self.known)
        values.update(assignment)
        values.update(self._evaluate(values, [n for n in self._order if n not in values]))
        return values

    def _evaluate(self, given: Mapping[str, bool], names: list[str]) -> dict[str, bool]:
        values = dict(given)
        for name in names:
            if name in values:
                continue
            result = self._value(self._declared.get(name), values.get, 0)
            if type(result) is bool:
                values[name] = result
        for name in reversed(names):  # chains declared the other way round
            if name not in values:
                result = self._value(self._declared.get(name), values.get, 0)
                if type(result) is bool:
                    values[name] = result
        return {n: v for n, v in values.items() if n not in given}

    def _value(self, node: Any, lookup: Any, depth: int) -> Any:
        """A condition expression's value: a bool, a string operand, or ``None`` (unknown)."""
        if type(node) in (str, int, float, bool):
            return str(node).lower() if type(node) is bool else str(node)
        if type(node) is not dict or len(node) != 1 or depth > MAX_CHAIN:
            return None
        key, arg = next(iter(node.items()))
        if key == "Ref":
            return self._pseudo.get(arg) if type(arg) is str else None
        if key == "Condition":
            if type(arg) is not str:
                return None
            found = lookup(arg)
            if found is None and arg in self._declared:
                found = self._value(self._declared[arg], lookup, depth + 1)
            return found if type(found) is bool else None
        if key == "Fn::Equals" and type(arg) is list and len(arg) == 2:
            left, right = (self._value(a, lookup, depth + 1) for a in arg)
            if left is None or right is None or type(left) is bool or type(right) is bool:
                return None
            return left == right
        if key == "Fn::Not" and type(arg) is list and len(arg) == 1:
            inner = self._value(arg[0], lookup, depth + 1)
            return None if type(inner) is not bool else not inner
        if key in ("Fn::And", "Fn::Or") and type(arg) is list:
            parts = [self._value(item, lookup, depth + 1) for item in arg]
            decisive = key == "Fn::Or"  # the value that decides alone
            if decisive in parts:
                return decisive
            return None if any(type(p) is not bool for p in parts) else not decisive
        return None

    def assignments(self) -> list[Assignment]:
        """The assignments of the free conditions to evaluate (see the module docstring)."""
        names = self.free
        if len(names) <= MAX_EXHAUSTIVE:
            return [
                tuple(zip(names, values)) for values in product((False, True), repeat=len(names))
            ]
        chosen = [tuple((n, False) for n in names), tuple((n, True) for n in names)]
        for flipped in names[:MAX_FLIPPED]:
            chosen.append(tuple((n, n == flipped) for n in names))
            chosen.append(tuple((n, n != flipped) for n in names))
        return chosen


def choose(value: Any, conditions: Mapping[str, bool]) -> Any:
    """``value`` with each ``Fn::If`` replaced by its branch under ``conditions`` and
    ``AWS::NoValue`` removed, as CloudFormation does (unchanged parts are not copied)."""
    result = _choose(value, conditions)
    return {} if result is _DROPPED else result


def _choose(value: Any, conditions: Mapping[str, bool]) -> Any:
    kind = type(value)
    if kind is dict:
        if len(value) == 1:
            if value == NO_VALUE:
                return _DROPPED
            name = _if_condition(value)
            if name is not None and name in conditions:
                arg = value["Fn::If"]
                return _choose(arg[1] if conditions[name] else arg[2], conditions)
        changed: dict[str, Any] | None = None
        for key, item in value.items():
            chosen = _choose(item, conditions)
            if chosen is not item:
                if changed is None:
                    changed = dict(value)
                if chosen is _DROPPED:
                    del changed[key]
                else:
                    changed[key] = chosen
        return value if changed is None else changed
    if kind is list:
        items = [_choose(item, conditions) for item in value]
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
    flagged: list[Assignment], present: list[Assignment], preferred: list[str]
) -> str | None:
    """When a finding holds: ``None`` if in every assignment where its resource exists
    (``present``), else described by the fewest free conditions (``preferred`` ones first,
    at most 3) whose values decide it, else by whole assignments."""
    if len(flagged) == len(present):
        return None
    names = [name for name, _ in present[0]] if present else []
    ordered = [*(n for n in preferred if n in names), *(n for n in names if n not in preferred)]
    holds = set(flagged)
    for size in (1, 2, 3):
        if size > 1 and len(ordered) > MAX_FLIPPED + MAX_EXHAUSTIVE:
            break  # keep the search small on templates with very many conditions
        for subset in combinations(ordered, size):
            keep = set(subset)
            outcome: dict[Assignment, bool] = {}
            if all(
                outcome.setdefault(tuple(p for p in case if p[0] in keep), case in holds)
                == (case in holds)
                for case in present
            ):
                return describe([case for case, value in outcome.items() if value])
    return describe(flagged)
