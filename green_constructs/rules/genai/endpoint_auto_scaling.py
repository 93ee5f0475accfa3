"""Real-time endpoints sized for peak load waste energy whenever traffic is below the peak."""

from __future__ import annotations

import re

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._compute import variant_label
from ._endpoints import capacity, endpoint_config, instance_variants, variant_targets

_BURSTABLE = re.compile(r"^ml\.t\d")


@rule(
    id="GenAI-EndpointAutoScaling",
    severity=Severity.WARNING,
    title="Real-time endpoint variant without auto scaling",
    explanation=(
        "A real-time variant without a scalable target (or with MinCapacity equal to "
        "MaxCapacity) keeps its instance count whatever the traffic, so it is provisioned for "
        "the peak and idles the rest of the time."
    ),
    remediation=(
        "Register the variant as an Application Auto Scaling target (ServiceNamespace sagemaker, "
        "ScalableDimension sagemaker:variant:DesiredInstanceCount, ResourceId "
        "endpoint/<name>/variant/<variant>) with MinCapacity below MaxCapacity and a "
        "target-tracking policy (for example on SageMakerVariantInvocationsPerInstance)."
    ),
    best_practices=("MLSUS-04", "SUS02-BP01"),
    resource_types=("AWS::SageMaker::Endpoint",),
    notes=(
        "Only real-time variants on instances: asynchronous endpoints are checked by "
        "GenAI-AsyncScaleToZero, serverless variants scale by themselves, and variants with "
        "ManagedInstanceScaling enabled (inference components) are compliant; variants hosting "
        "inference components need it. Burstable variants (ml.t*) are not reported: SageMaker "
        "cannot scale them. Endpoints whose "
        "config is not in the template, and scalable targets whose ResourceId cannot be "
        "resolved, are not reported."
    ),
)
def endpoint_auto_scaling(resource: Resource, template: TemplateContext) -> str | None:
    config = endpoint_config(resource, template)
    if config is None or config.get("AsyncInferenceConfig") is not None:
        return None
    problems = []
    for variant in instance_variants(config):
        managed = variant.get("ManagedInstanceScaling")
        if isinstance(managed, dict) and managed.get("Status") == "ENABLED":
            continue
        if _BURSTABLE.match(str(variant.get("InstanceType"))):
            continue  # SageMaker cannot scale burstable instances
        if not variant.get("ModelName"):
            problems.append(
                f"{variant_label(variant)} hosts inference components without "
                "ManagedInstanceScaling (enable it, with MinInstanceCount below MaxInstanceCount)"
            )
            continue
        targets = variant_targets(resource, variant, template)
        if not targets:
            problems.append(
                f"{variant_label(variant)} has no scalable target (add one with MinCapacity "
                "below MaxCapacity and a target-tracking policy)"
            )
        elif all(_fixed(t) for t in targets):
            problems.append(f"{variant_label(variant)} has MinCapacity equal to MaxCapacity")
    if not problems:
        return None
    return f"Endpoint {resource.logical_id} cannot follow demand: {'; '.join(problems)}."


def _fixed(target: Resource) -> bool:
    low, high = capacity(target, "MinCapacity"), capacity(target, "MaxCapacity")
    return low is not None and low == high
