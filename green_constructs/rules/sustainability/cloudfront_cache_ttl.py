"""CloudFront should keep objects cached for a day or more."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..values import as_int
from ._cloudfront import DISTRIBUTION, behavior_name, behaviors, cache_policy_users

ONE_DAY = 86400
TTLS = ("DefaultTTL", "MaxTTL")


@rule(
    id="Sustainability-CloudFrontCacheTtl",
    severity=Severity.INFO,
    title="CloudFront cache policy or legacy cache behavior with a TTL under 24 hours",
    explanation=(
        "Short TTLs make edge locations go back to the origin more often, spending network and "
        "origin compute on objects that often have not changed."
    ),
    remediation=(
        f"Set DefaultTTL and MaxTTL to at least {ONE_DAY} seconds (24 hours) where the content "
        "allows (in a cache policy: legacy cache settings on a behavior are deprecated), and "
        "invalidate or version objects when they change."
    ),
    best_practices=("SUS02-BP04", "SUS04-BP07"),
    resource_types=("AWS::CloudFront::CachePolicy", DISTRIBUTION),
    equivalents=(
        "sustainability-scanner:check_default_ttl",
        "sustainability-scanner:check_max_ttl",
    ),
    notes=(
        "The scanner's DefaultTTL and MaxTTL checks are one rule here; as in the scanner, a TTL "
        "that is not set is not judged. The finding names the distributions of the same "
        "template that use the policy. Distributions are checked too, on cache behaviors "
        "without a CachePolicyId (legacy cache settings), which the scanner does not read: "
        "unset legacy TTLs default to DefaultTTL 86400 and MaxTTL 31536000 (cfn-lint's "
        "AWS::CloudFront::Distribution schema), so only values set below a day are reported."
    ),
)
def cloudfront_cache_ttl(resource: Resource, template: TemplateContext) -> str | None:
    if resource.type == DISTRIBUTION:
        return _legacy_ttls(resource)
    config = resource.get("CachePolicyConfig")
    if not isinstance(config, dict):
        return None
    short = _short(config)
    if not short:
        return None
    users = cache_policy_users(template).get(resource.logical_id, [])
    used_by = f" (used by {', '.join(u.logical_id for u in users)})" if users else ""
    return (
        f"Cache policy {resource.logical_id}{used_by} sets {short}, under 24 hours, "
        "so edges refetch from the origin often."
    )


def _legacy_ttls(distribution: Resource) -> str | None:
    found = [
        f"{behavior_name(is_default, behavior)} sets {short}"
        for is_default, behavior in behaviors(distribution)
        if not behavior.get("CachePolicyId") and (short := _short(behavior))
    ]
    if not found:
        return None
    return (
        f"Distribution {distribution.logical_id} uses legacy cache settings under 24 hours "
        f"({'; '.join(found)}), so edges refetch from the origin often."
    )


def _short(settings: Mapping[str, Any]) -> str:
    """``DefaultTTL 300s and MaxTTL 3600s``: the TTLs of ``settings`` set below a day."""
    return " and ".join(
        f"{name} {seconds}s"
        for name in TTLS
        if (seconds := as_int(settings.get(name))) is not None and seconds < ONE_DAY
    )
