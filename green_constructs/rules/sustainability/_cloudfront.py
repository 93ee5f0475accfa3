"""CloudFront distributions' cache behaviors, and the resources they name."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource

DISTRIBUTION = "AWS::CloudFront::Distribution"


def behaviors(distribution: Resource) -> Iterator[tuple[bool, Mapping[str, Any]]]:
    """``(is the default behavior, behavior)`` for every cache behavior the template states
    (a missing default behavior is an empty one; what an intrinsic decides is skipped)."""
    config = distribution.get("DistributionConfig")
    if is_intrinsic(config):
        return
    config = config if isinstance(config, dict) else {}
    default = config.get("DefaultCacheBehavior")
    if not is_intrinsic(default):
        yield True, default if isinstance(default, dict) else {}
    listed = config.get("CacheBehaviors")
    for behavior in listed if isinstance(listed, list) else ():
        if isinstance(behavior, dict) and not is_intrinsic(behavior):
            yield False, behavior


def behavior_name(is_default: bool, behavior: Mapping[str, Any]) -> str:
    """``the default cache behavior`` or ``cache behavior <PathPattern>``."""
    if is_default:
        return "the default cache behavior"
    return f"cache behavior {behavior.get('PathPattern', '?')}"


def cache_policy_users(template: TemplateContext) -> dict[str, list[Resource]]:
    """Distributions by the logical id of each in-template cache policy their behaviors use."""

    def index() -> dict[str, list[Resource]]:
        users: dict[str, list[Resource]] = {}
        for distribution in template.of_type(DISTRIBUTION):
            for _, behavior in behaviors(distribution):
                policy = template.target(behavior.get("CachePolicyId"))
                if policy is not None and distribution not in users.get(policy.logical_id, ()):
                    users.setdefault(policy.logical_id, []).append(distribution)
        return users

    return template.memo("cache-policy-users", index)
