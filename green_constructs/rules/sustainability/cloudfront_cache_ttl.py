"""CloudFront cache policies should keep objects cached for a day or more."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..values import as_int
from ._cloudfront import cache_policy_users

ONE_DAY = 86400


@rule(
    id="Sustainability-CloudFrontCacheTtl",
    severity=Severity.INFO,
    title="CloudFront cache policy with a DefaultTTL or MaxTTL under 24 hours",
    explanation=(
        "Short TTLs make edge locations go back to the origin more often, spending network and "
        "origin compute on objects that often have not changed."
    ),
    remediation=(
        f"Set DefaultTTL and MaxTTL to at least {ONE_DAY} seconds (24 hours) where the content "
        "allows, and invalidate or version objects when they change."
    ),
    best_practices=("SUS02-BP04", "SUS04-BP07"),
    resource_types=("AWS::CloudFront::CachePolicy",),
    equivalents=(
        "sustainability-scanner:check_default_ttl",
        "sustainability-scanner:check_max_ttl",
    ),
    notes=(
        "The scanner's DefaultTTL and MaxTTL checks are one rule here; as in the scanner, a TTL "
        "that is not set is not judged. The finding names the distributions of the same "
        "template that use the policy."
    ),
)
def cloudfront_cache_ttl(resource: Resource, template: TemplateContext) -> str | None:
    config = resource.get("CachePolicyConfig")
    if not isinstance(config, dict):
        return None
    short = [
        f"{name} {seconds}s"
        for name in ("DefaultTTL", "MaxTTL")
        if (seconds := as_int(config.get(name))) is not None and seconds < ONE_DAY
    ]
    if not short:
        return None
    users = cache_policy_users(template).get(resource.logical_id, [])
    used_by = f" (used by {', '.join(u.logical_id for u in users)})" if users else ""
    return (
        f"Cache policy {resource.logical_id}{used_by} sets {' and '.join(short)}, under 24 hours, "
        "so edges refetch from the origin often."
    )
