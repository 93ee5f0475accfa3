"""CloudFormation intrinsic functions: resolve what the template alone decides, find references."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")
LEAVES = frozenset({str, int, float, bool, type(None)})
NO_VALUE = {"Ref": "AWS::NoValue"}
"""The value CloudFormation removes, with the property or list item holding it."""


def is_intrinsic(value: Any) -> bool:
    """True for ``{"Ref": ...}``, ``{"Fn::...": ...}`` and ``{"Condition": ...}`` nodes."""
    if type(value) is not dict or len(value) != 1:
        return False
    key = next(iter(value))
    return key == "Ref" or key.startswith("Fn::") or key == "Condition"


def parameter_defaults(parameters: Any) -> dict[str, Any]:
    """Name to ``Default`` of a template's ``Parameters``: the values a ``Ref`` stands for
    unless overridden. SSM parameter types are left out: their default names an SSM
    parameter, not the value (CDK's ``BootstrapVersion``)."""
    if type(parameters) is not dict:
        return {}
    return {
        name: spec["Default"]
        for name, spec in parameters.items()
        if type(spec) is dict
        and spec.get("Default") is not None
        and not str(spec.get("Type", "")).startswith("AWS::SSM::Parameter::Value")
    }


def resolve(value: Any, defaults: Mapping[str, Any]) -> Any:
    """``value`` with parameter ``Ref``s (to their ``defaults``, see ``parameter_defaults``),
    literal ``Fn::Join`` and ``Fn::Sub`` without variables replaced by plain values;
    everything else kept as is, not copied.

    Every property a rule reads goes through here: the engine's hot path.
    """
    kind = type(value)
    if kind is list:
        changed = None
        for index, item in enumerate(value):
            if type(item) in LEAVES:
                continue
            result = resolve(item, defaults)
            if result is not item:
                if changed is None:
                    changed = list(value)
                changed[index] = result
        return value if changed is None else changed
    if kind is not dict:
        return value
    if len(value) == 1:
        key, arg = next(iter(value.items()))
        if key == "Ref":
            default = defaults.get(arg) if type(arg) is str else None
            return value if default is None else default
        if key == "Fn::GetAtt":
            return value
        if key == "Fn::Join" and type(arg) is list and len(arg) == 2:
            parts = resolve(arg[1], defaults)
            if type(parts) is list and all(type(p) in (str, int, float) for p in parts):
                return str(arg[0]).join(str(p) for p in parts)
            return value if parts is arg[1] else {key: [arg[0], parts]}
        if key == "Fn::Sub" and type(arg) is str and not _SUB_VARIABLE.search(arg):
            return arg.replace("${!", "${")
    changed_map = None
    for key, item in value.items():
        if type(item) in LEAVES:
            continue
        result = resolve(item, defaults)
        if result is not item:
            if changed_map is None:
                changed_map = dict(value)
            changed_map[key] = result
    return value if changed_map is None else changed_map


def references(value: Any) -> set[str]:
    """Logical ids that ``value`` refers to through ``Ref``, ``Fn::GetAtt`` or ``Fn::Sub``."""
    return {logical_id for logical_id, _ in attribute_references(value)}


def attribute_references(value: Any) -> set[tuple[str, str | None]]:
    """``(logical id, attribute)`` pairs ``value`` refers to: the attribute of an
    ``Fn::GetAtt`` or ``${Id.Attribute}``, ``None`` for a ``Ref`` or ``${Id}``."""
    found: set[tuple[str, str | None]] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is list:
            stack.extend(node)
        elif kind is dict:
            if len(node) == 1:
                key, arg = next(iter(node.items()))
                if key == "Ref" and type(arg) is str:
                    found.add((arg, None))
                    continue
                if key == "Fn::GetAtt":
                    if type(arg) is list and arg and type(arg[0]) is str:
                        attribute = arg[1] if len(arg) > 1 and type(arg[1]) is str else None
                        found.add((arg[0], attribute))
                    elif type(arg) is str:
                        found.add(_split_attribute(arg))
                    continue
                if key == "Fn::Sub":
                    text = arg[0] if type(arg) is list and arg else arg
                    own = arg[1] if type(arg) is list and len(arg) > 1 else None  # its variables
                    if type(text) is str:
                        found.update(
                            pair
                            for m in _SUB_VARIABLE.findall(text)
                            if (pair := _split_attribute(m))[0]
                            not in (own if type(own) is dict else ())
                        )
            stack.extend(node.values())
    return found


def _split_attribute(text: str) -> tuple[str, str | None]:
    logical_id, _, attribute = text.partition(".")
    return logical_id, attribute or None
