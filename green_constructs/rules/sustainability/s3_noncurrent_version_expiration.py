"""Versioned S3 buckets should expire noncurrent object versions."""

from __future__ import annotations

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource, Severity
from ..registry import rule

EXPIRATIONS = ("NoncurrentVersionExpiration", "NoncurrentVersionExpirationInDays")


@rule(
    id="Sustainability-S3NoncurrentVersionExpiration",
    severity=Severity.WARNING,
    title="Versioned S3 bucket that never expires noncurrent versions",
    explanation=(
        "With versioning on, every overwrite or delete keeps the previous version; without an "
        "expiration those copies pile up forever, unseen but stored."
    ),
    remediation=(
        "Add an enabled lifecycle rule with NoncurrentVersionExpiration (NoncurrentDays, "
        "optionally NewerNoncurrentVersions) fitted to how far back you need to restore."
    ),
    best_practices=("SUS04-BP03", "SUS04-BP05", "SUS04-BP08"),
    resource_types=("AWS::S3::Bucket",),
    notes=(
        "Not in the scanner. Only buckets whose VersioningConfiguration.Status is Enabled are "
        "judged; an unresolved LifecycleConfiguration, rule or status is not flagged."
    ),
)
def s3_noncurrent_version_expiration(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("VersioningConfiguration.Status") != "Enabled":
        return None
    config = resource.get("LifecycleConfiguration")
    rules = config.get("Rules") if isinstance(config, dict) else None
    if is_intrinsic(config) or is_intrinsic(rules):
        return None
    for entry in rules if isinstance(rules, list) else ():
        if not isinstance(entry, dict) or is_intrinsic(entry):
            return None
        if entry.get("Status") != "Disabled" and any(entry.get(k) is not None for k in EXPIRATIONS):
            return None
    return (
        f"Versioned bucket {resource.logical_id} has no enabled lifecycle rule with "
        "NoncurrentVersionExpiration, so old object versions are kept forever."
    )
