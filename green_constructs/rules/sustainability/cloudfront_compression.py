"""CloudFront should compress what it serves, on every cache behavior."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource, Severity
from ..registry import rule
from ..values import as_bool
from ._cloudfront import behavior_name, behaviors

ENCODINGS = ("EnableAcceptEncodingGzip", "EnableAcceptEncodingBrotli")


def _policy_allows_compression(policy: Resource) -> bool:
    """False when an in-template cache policy turns both gzip and brotli off."""
    params = policy.get("CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin")
    if not isinstance(params, dict):
        return True
    values = [params.get(name) for name in ENCODINGS]
    return any(is_intrinsic(v) or as_bool(v) for v in values)


def _problem(behavior: Mapping[str, Any], template: TemplateContext) -> str | None:
    compress = behavior.get("Compress")
    if is_intrinsic(compress):
        return None
    if as_bool(compress) is not True:
        return "Compress is not true"
    policy = template.target(behavior.get("CachePolicyId"))
    if policy is not None and policy.type == "AWS::CloudFront::CachePolicy":
        if not _policy_allows_compression(policy):
            return f"its cache policy {policy.logical_id} disables gzip and brotli"
    return None


@rule(
    id="Sustainability-CloudFrontCompression",
    severity=Severity.WARNING,
    title="CloudFront cache behavior that does not compress responses",
    explanation=(
        "Compressed objects are smaller, so each download moves fewer bytes across the network "
        "and finishes sooner."
    ),
    remediation=(
        "Set Compress: true on DefaultCacheBehavior and every CacheBehaviors entry, with a cache "
        "policy that enables EnableAcceptEncodingGzip and EnableAcceptEncodingBrotli."
    ),
    best_practices=("SUS04-BP07",),
    resource_types=("AWS::CloudFront::Distribution",),
    equivalents=(
        "sustainability-scanner:ensure_default_compression_on",
        "sustainability-scanner:ensure_compression_on",
    ),
    notes=(
        "The scanner's default-behavior and per-behavior checks are one rule here. It also "
        "flags a behavior with Compress: true whose cache policy, defined in the same template, "
        "turns both gzip and brotli off (CloudFront then cannot compress), which the scanner "
        "misses. Compress from an unresolved intrinsic is unknown and not flagged."
    ),
)
def cloudfront_compression(resource: Resource, template: TemplateContext) -> str | None:
    if is_intrinsic(resource.get("DistributionConfig")):
        return None
    problems = [
        f"{behavior_name(is_default, behavior)} ({problem})"
        for is_default, behavior in behaviors(resource)
        if (problem := _problem(behavior, template)) is not None
    ]
    if not problems:
        return None
    return (
        f"CloudFront distribution {resource.logical_id} serves uncompressed responses on "
        f"{'; '.join(problems)}."
    )
