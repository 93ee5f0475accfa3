"""The packs' ``settings`` argument, checked where it is given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_type_hints

from ..rules import RuleSettings

_FIELDS: dict[str, type] = get_type_hints(RuleSettings)
_ALLOWED = ", ".join(RuleSettings._fields)


def rule_settings(settings: RuleSettings | Mapping[str, Any] | None) -> RuleSettings | None:
    """``settings`` as a ``RuleSettings``, a mapping of its fields converted; anything else,
    an unknown field or a value of the wrong type is a ``TypeError`` naming it."""
    if settings is None:
        return None
    if isinstance(settings, RuleSettings):
        fields: Mapping[str, Any] = settings._asdict()
    elif isinstance(settings, Mapping):
        fields = settings
    else:
        raise TypeError(
            "settings: expected a green_constructs.rules.RuleSettings or a mapping of its "
            f"fields ({_ALLOWED}), got {type(settings).__name__}"
        )
    unknown = [repr(key) for key in fields if key not in _FIELDS]
    if unknown:
        raise TypeError(f"settings: unknown field(s) {', '.join(unknown)}; allowed: {_ALLOWED}")
    for key, value in fields.items():
        number = _FIELDS[key] is float
        if isinstance(value, bool) or not isinstance(value, (int, float) if number else int):
            kind = "a number" if number else "an integer"
            raise TypeError(f"settings: {key} must be {kind}, got {value!r}")
    return settings if isinstance(settings, RuleSettings) else RuleSettings(**fields)
