"""Checks of construct props at the boundary, shared by every construct.

Concrete values are checked when the construct is created, and a failure is a ``ValueError`` (a
``TypeError`` for a value of the wrong kind) whose message names the prop and what it allows.
A CDK token (a ``CfnParameter``'s value, a ``Token``, a ``Duration`` of a token amount) is
accepted wherever an aws-cdk-lib L2 would accept one: its value is known at deploy time only, so
it is not checked here, and the construct records that in its metadata
(``green-constructs:unchecked``: which prop, and what it should be) for ``cdk synth`` readers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from typing import TypeVar

import aws_cdk as cdk
from constructs import IConstruct

UNCHECKED = "green-constructs:unchecked"
"""Metadata type of the note a construct records for a prop given as a token."""

_T = TypeVar("_T")


def is_token(value: object) -> bool:
    """Whether ``value`` is (or, for a ``Duration``, holds) a CDK token."""
    if isinstance(value, cdk.Duration):
        return value.is_unresolved()
    if isinstance(value, float):
        # A number token is a finite float; NaN or infinity would break the jsii kernel's JSON.
        return math.isfinite(value) and cdk.Token.is_unresolved(value)
    return isinstance(value, (str, list)) and cdk.Token.is_unresolved(value)


def number_text(number: float) -> str:
    """A whole number as text (an environment variable's value), or the token expression of a
    number token (``str()`` of a number token is not the token)."""
    return cdk.Token.as_string(number) if is_token(number) else str(int(number))


def note_token(scope: IConstruct, name: str, allowed: str) -> None:
    """Record on ``scope`` that prop ``name`` is a token, not checked against ``allowed``."""
    scope.node.add_metadata(
        UNCHECKED, f"{name} is a token, resolved at deploy time; not checked against: {allowed}"
    )


def _number(value: float) -> str:
    """``value`` as written in a message: whole numbers in full (2147483647, not 2.14748e+09)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _range(minimum: float | None, maximum: float | None, unit: str = "") -> str:
    suffix = f" {unit}" if unit else ""
    if minimum is not None and maximum is not None:
        return f"from {_number(minimum)} to {_number(maximum)}{suffix}"
    if minimum is not None:
        return f">= {_number(minimum)}{suffix}"
    if maximum is not None:
        return f"<= {_number(maximum)}{suffix}"
    return f"any{suffix}"


def whole_number(
    scope: IConstruct,
    name: str,
    value: object,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    unit: str = "",
) -> int:
    """``value`` as an int in ``[minimum, maximum]``, or the token it is."""
    allowed = f"a whole number {_range(minimum, maximum, unit)}"
    if is_token(value) and isinstance(value, (int, float)):
        note_token(scope, name, allowed)
        return value  # type: ignore[return-value]  # a number token stays a float, as in CDK
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{name} must be {allowed}, got {value!r}")
        value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return value


def real_number(
    scope: IConstruct,
    name: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    unit: str = "",
) -> float:
    """``value`` as a finite float in ``[minimum, maximum]``, or the token it is."""
    allowed = f"a finite number {_range(minimum, maximum, unit)}"
    if is_token(value) and isinstance(value, (int, float)):
        note_token(scope, name, allowed)
        return float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    number = float(value)
    if (
        not math.isfinite(number)
        or (minimum is not None and number < minimum)
        or (maximum is not None and number > maximum)
    ):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return number


def text(
    scope: IConstruct,
    name: str,
    value: object,
    *,
    pattern: re.Pattern[str] | None = None,
    allowed: str = "a non-empty string",
    max_length: int | None = None,
) -> str:
    """``value`` as a non-empty string matching ``pattern`` (whole) and at most ``max_length``
    characters, or the token it is. ``allowed`` describes the rule for the message."""
    if isinstance(value, str) and is_token(value):
        note_token(scope, name, allowed)
        return value
    if not isinstance(value, str):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    if (
        not value
        or (max_length is not None and len(value) > max_length)
        or (pattern is not None and not pattern.fullmatch(value))
    ):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return value


def one_of(scope: IConstruct, name: str, value: object, choices: Collection[str]) -> str:
    """``value`` if it is one of ``choices`` (or a token)."""
    listed = ", ".join(repr(choice) for choice in choices)
    return text(
        scope,
        name,
        value,
        pattern=re.compile("|".join(re.escape(choice) for choice in choices)),
        allowed=f"one of {listed}",
    )


def duration(
    scope: IConstruct,
    name: str,
    value: object,
    *,
    minimum: cdk.Duration | None = None,
    maximum: cdk.Duration | None = None,
    whole: str = "seconds",
) -> cdk.Duration:
    """``value`` if it is a ``cdk.Duration`` of whole ``whole`` (seconds, minutes, hours or days)
    within ``[minimum, maximum]``, or one holding a token."""
    unit = {"seconds": 1_000, "minutes": 60_000, "hours": 3_600_000, "days": 86_400_000}[whole]
    if minimum is not None and maximum is not None:
        bounds = f" between {minimum.to_human_string()} and {maximum.to_human_string()}"
    elif minimum is not None:
        bounds = f" of at least {minimum.to_human_string()}"
    elif maximum is not None:
        bounds = f" of at most {maximum.to_human_string()}"
    else:
        bounds = ""
    allowed = f"a cdk.Duration of whole {whole}{bounds}"
    if not isinstance(value, cdk.Duration):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    if value.is_unresolved():
        note_token(scope, name, allowed)
        return value
    millis = value.to_milliseconds()
    if (
        millis % unit
        or (minimum is not None and millis < minimum.to_milliseconds())
        or (maximum is not None and millis > maximum.to_milliseconds())
    ):
        raise ValueError(f"{name} must be {allowed}, got {value.to_human_string()}")
    return value


def instance(name: str, value: object, kind: type[_T], allowed: str) -> _T:
    """``value`` if it is a ``kind``; a ``TypeError`` naming the prop and ``allowed`` otherwise."""
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    return value


def string_map(name: str, value: object) -> dict[str, str]:
    """``value`` if it is a mapping of strings to strings (values may be tokens)."""
    if not isinstance(value, dict) or not all(
        isinstance(key, str) and key and isinstance(item, str) for key, item in value.items()
    ):
        raise TypeError(f"{name} must be a dict of non-empty string keys to strings, got {value!r}")
    return value


def implements(name: str, value: object, attribute: str, allowed: str) -> None:
    """``TypeError`` naming the prop unless ``value`` has ``attribute``: jsii interfaces
    (``s3.IBucket``, ``sns.ITopic``, ``kms.IKey``) take no ``isinstance``."""
    if not hasattr(value, attribute):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
