"""Prop checks of the monitoring constructs: a failure names the property and what it allows."""

from __future__ import annotations

import aws_cdk as cdk

from ..catalog import Catalog, CatalogError

_MINUTE_MS = 60_000


def duration(name: str, value: object) -> cdk.Duration:
    """``value``, failing unless it is a ``cdk.Duration``."""
    if not isinstance(value, cdk.Duration):
        raise ValueError(f"{name} must be a cdk.Duration, got {value!r}")
    return value


def whole_minutes(name: str, value: object, *, minimum: int, maximum: int | None = None) -> int:
    """Minutes in ``value``, failing unless it is whole minutes in ``[minimum, maximum]``."""
    checked = duration(name, value)
    minutes, rest = divmod(checked.to_milliseconds(), _MINUTE_MS)
    if rest or minutes < minimum or (maximum is not None and minutes > maximum):
        low = cdk.Duration.minutes(minimum).to_human_string()
        allowed = (
            f" from {low} to {cdk.Duration.minutes(maximum).to_human_string()}"
            if maximum is not None
            else f", at least {low}"
        )
        raise ValueError(
            f"{name} must be a whole number of minutes{allowed}, got {checked.to_human_string()}"
        )
    return int(minutes)


def region(name: str, value: object, catalog: Catalog) -> str:
    """``value``, failing unless it is a region of ``catalog`` or a token (resolved at deploy)."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a region name such as 'eu-north-1', got {value!r}")
    if not cdk.Token.is_unresolved(value):
        try:
            catalog.region(value)
        except CatalogError as error:
            raise ValueError(f"{name}: {error}") from None
    return value
