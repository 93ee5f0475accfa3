"""Literal property values as CloudFormation accepts them; ``None`` when absent or unknown."""

from __future__ import annotations

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
