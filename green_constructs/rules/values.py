"""Literal property values as CloudFormation accepts them; ``None`` when absent or unknown."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any


def as_bool(value: Any) -> bool | None:
    """``True``/``False`` for a boolean or its string spelling (``"true"``), else ``None``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def as_int(value: Any) -> int | None:
    """The integer of a number or numeric string (``"22"``), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def frozen(value: Any) -> Hashable:
    """A hashable stand-in for a decoded value, equal exactly when the values are equal."""
    if isinstance(value, dict):
        return (dict, frozenset((key, frozen(item)) for key, item in value.items()))
    if isinstance(value, list):
        return (list, tuple(frozen(item) for item in value))
    return value
