"""Whether a resource is marked as production, by its tags.

The convention: a tag whose key is ``environment``, ``env`` or ``stage`` (any case) with the
value ``prod`` or ``production`` (any case). Tags reach the template as the resource's ``Tags``;
in CDK, ``Tags.of(stack).add("environment", "production")`` (or on the app, a stage or the
construct) tags every taggable resource below it, so marking a stack marks its resources.
"""

from __future__ import annotations

from typing import Any

from .intrinsics import is_intrinsic
from .model import Resource

ENVIRONMENT_TAG_KEYS = ("environment", "env", "stage")
"""Tag keys naming the deployment environment (compared case-insensitively)."""
PRODUCTION_VALUES = ("prod", "production")
"""Values of those tags that mark production (compared case-insensitively)."""
CONVENTION = "a tag environment, env or stage valued prod or production (any case)"
"""The convention, as rule texts state it."""
CDK_HINT = "in CDK, Tags.of(stack).add('environment', 'production') tags every resource of a stack"
"""How a CDK app follows it, as rule texts state it."""


def is_production(resource: Resource | None) -> bool | None:
    """True when ``resource`` is tagged as production, False when not, ``None`` when an
    environment tag's value is only known at deploy time."""
    if resource is None:
        return False
    found: bool | None = False
    for key, value in _tags(resource.get("Tags")):
        if not isinstance(key, str) or key.lower() not in ENVIRONMENT_TAG_KEYS:
            continue
        if is_intrinsic(value) or not isinstance(value, str):
            found = None
        elif value.lower() in PRODUCTION_VALUES:
            return True
    return found


def _tags(tags: Any) -> list[tuple[Any, Any]]:
    """``[{Key, Value}]`` (most resource types) or ``{key: value}`` (some) as pairs."""
    if isinstance(tags, list):
        return [(t.get("Key"), t.get("Value")) for t in tags if isinstance(t, dict)]
    if isinstance(tags, dict) and not is_intrinsic(tags):
        return list(tags.items())
    return []
