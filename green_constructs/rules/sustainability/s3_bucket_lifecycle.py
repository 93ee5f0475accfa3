"""S3 buckets should have lifecycle rules that expire or move their data."""

from __future__ import annotations

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource, Severity
from ..registry import rule

ACTIONS = (
    "ExpirationInDays",
    "ExpirationDate",
    "Transitions",
    "Transition",
    "NoncurrentVersionExpiration",
    "NoncurrentVersionExpirationInDays",
    "NoncurrentVersionTransitions",
    "NoncurrentVersionTransition",
)
"""Rule settings that expire objects or move them to colder storage."""


@rule(
    id="Sustainability-S3BucketLifecycle",
    severity=Severity.WARNING,
    title="S3 bucket without an enabled lifecycle rule",
    explanation=(
        "Without lifecycle rules objects stay forever in the storage class they were written "
        "to, so data nobody reads keeps occupying high-performance storage."
    ),
    remediation=(
        "Add LifecycleConfiguration with at least one enabled rule that expires objects or "
        "transitions them to colder storage classes."
    ),
    best_practices=("SUS04-BP03", "SUS04-BP05"),
    resource_types=("AWS::S3::Bucket",),
    equivalents=("sustainability-scanner:ensure_all_buckets_have_lifecycle_configuration",),
    notes=(
        "The scanner only checks that LifecycleConfiguration exists; here a configuration "
        "without an enabled rule that expires or transitions objects (current or noncurrent "
        "versions) is flagged too: rules that only abort incomplete multipart uploads or "
        "remove expired delete markers keep the data as it is. Intelligent-Tiering "
        "configurations do not count: they neither expire data nor apply to other storage "
        "classes. An unresolved LifecycleConfiguration or rule is not judged."
    ),
)
def s3_bucket_lifecycle(resource: Resource, template: TemplateContext) -> str | None:
    config = resource.get("LifecycleConfiguration")
    if config is None:
        return (
            f"Bucket {resource.logical_id} has no LifecycleConfiguration, so its objects are "
            "kept forever in their original storage class."
        )
    rules = config.get("Rules") if isinstance(config, dict) else None
    if is_intrinsic(config) or is_intrinsic(rules):
        return None
    for entry in rules if isinstance(rules, list) else ():
        if not isinstance(entry, dict) or is_intrinsic(entry):
            return None
        if entry.get("Status") != "Disabled" and any(entry.get(k) is not None for k in ACTIONS):
            return None
    return (
        f"Bucket {resource.logical_id} has no enabled lifecycle rule that expires or "
        "transitions objects, so they are kept forever in their original storage class."
    )
