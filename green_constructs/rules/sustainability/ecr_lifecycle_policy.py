"""ECR repositories should expire old images."""

from __future__ import annotations

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource, Severity
from ..registry import rule


@rule(
    id="Sustainability-EcrLifecyclePolicy",
    severity=Severity.WARNING,
    title="ECR repository without a lifecycle policy",
    explanation=(
        "Every push adds an image, and without a lifecycle policy untagged and superseded "
        "images are stored forever; model-serving images run to gigabytes each."
    ),
    remediation=(
        "Set LifecyclePolicy.LifecyclePolicyText with rules that expire untagged images and "
        "keep only the last few tagged ones."
    ),
    best_practices=("SUS04-BP03", "SUS04-BP05"),
    resource_types=("AWS::ECR::Repository",),
    notes="Not in the scanner. An unresolved LifecyclePolicy is not judged.",
)
def ecr_lifecycle_policy(resource: Resource, template: TemplateContext) -> str | None:
    policy = resource.get("LifecyclePolicy")
    if is_intrinsic(policy):
        return None
    if isinstance(policy, dict) and policy.get("LifecyclePolicyText") is not None:
        return None
    return (
        f"ECR repository {resource.logical_id} has no lifecycle policy, so every image pushed "
        "to it is kept forever."
    )
