"""Prop checks of the monitoring constructs, on top of :mod:`green_constructs.props`: a failure
names the property and what it allows (``TypeError`` for a value of the wrong kind,
``ValueError`` for a wrong value); a token accepted is noted on the construct."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import IConstruct

from .. import props
from ..catalog import Catalog, CatalogError

_MINUTE_MS = 60_000


def duration(name: str, value: object) -> cdk.Duration:
    """``value``, failing unless it is a ``cdk.Duration``."""
    return props.instance(name, value, cdk.Duration, "a cdk.Duration")


def refuse_token(name: str, value: object, why: str) -> None:
    """``ValueError`` naming ``name`` when ``value`` is (or holds) a token: ``why`` says what
    the construct computes from it at synth time."""
    if props.is_token(value):
        raise ValueError(f"{name} must be a concrete value, not a token: {why}")


def whole_minutes(
    name: str, value: object, *, minimum: int, maximum: int | None = None, why: str
) -> int:
    """Minutes in ``value``, failing unless it is a concrete ``cdk.Duration`` of whole minutes
    in ``[minimum, maximum]`` (``why``: what is computed from it)."""
    checked = duration(name, value)
    refuse_token(name, checked, why)
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


def region(scope: IConstruct, name: str, value: object, catalog: Catalog) -> str:
    """``value``, failing unless it is a region of ``catalog``; a token (resolved at deploy) is
    noted on ``scope``."""
    allowed = "a region name such as 'eu-north-1'"
    if not isinstance(value, str):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    if props.is_token(value):
        props.note_token(scope, name, f"{allowed} of the catalog")
        return value
    try:
        catalog.region(value)
    except CatalogError as error:
        raise ValueError(f"{name}: {error}") from None
    return value
