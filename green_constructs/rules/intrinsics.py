"""CloudFormation intrinsic functions: resolve what the template alone decides, find references."""

from __future__ import annotations

import re
from typing import Any, Mapping

_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")


def is_intrinsic(value: Any) -> bool:
    """True for ``{"Ref": ...}``, ``{"Fn::...": ...}`` and ``{"Condition": ...}`` nodes."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key == "Ref" or key.startswith("Fn::") or key == "Condition"


def resolve(value: Any, parameters: Mapping[str, Any]) -> Any:
    """``value`` with parameter ``Ref``s (to their ``Default``), literal ``Fn::Join`` and
    ``Fn::Sub`` without variables replaced by plain values; everything else kept as is."""
    if isinstance(value, list):
        return [resolve(v, parameters) for v in value]
    if not isinstance(value, dict):
        return value
    if is_intrinsic(value):
        key, arg = next(iter(value.items()))
        if key == "Ref" and isinstance(arg, str):
            default = parameters.get(arg, {}).get("Default") if isinstance(
                parameters.get(arg), dict
            ) else None
            return value if default is None else default
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            delimiter, parts = arg[0], resolve(arg[1], parameters)
            if isinstance(parts, list) and all(isinstance(p, (str, int, float)) for p in parts):
                return str(delimiter).join(str(p) for p in parts)
            return {key: [delimiter, parts]}
        if key == "Fn::Sub" and isinstance(arg, str) and not _SUB_VARIABLE.search(arg):
            return arg.replace("${!", "${")
        return {key: resolve(arg, parameters)}
    return {k: resolve(v, parameters) for k, v in value.items()}


def references(value: Any) -> set[str]:
    """Logical ids that ``value`` refers to through ``Ref``, ``Fn::GetAtt`` or ``Fn::Sub``."""
    found: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if len(node) == 1:
                key, arg = next(iter(node.items()))
                if key == "Ref" and isinstance(arg, str):
                    found.add(arg)
                    continue
                if key == "Fn::GetAtt":
                    target = arg[0] if isinstance(arg, list) and arg else arg
                    if isinstance(target, str):
                        found.add(target.split(".", 1)[0])
                    continue
                if key == "Fn::Sub":
                    text = arg[0] if isinstance(arg, list) and arg else arg
                    if isinstance(text, str):
                        found.update(m.split(".", 1)[0] for m in _SUB_VARIABLE.findall(text))
            stack.extend(node.values())
    return found
