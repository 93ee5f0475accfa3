"""Asynchronous endpoints should scale to zero when their queue is empty and wake up on demand."""

from __future__ import annotations

from collections.abc import Hashable

from ..context import TemplateContext
from ..intrinsics import references
from ..model import Resource, Severity
from ..registry import rule
from ..training_jobs import is_unknown
from ..values import frozen
from ._compute import variant_label
from ._endpoints import (
    ALARM,
    SCALING_POLICY,
    capacity,
    endpoint_config,
    instance_variants,
    metrics,
    variant_targets,
    watches_endpoint,
)

WAKE_UP_METRIC = "HasBacklogWithoutCapacity"
_SCALED = ("ResourceId", "ScalableDimension", "ServiceNamespace")


@rule(
    id="GenAI-AsyncScaleToZero",
    severity=Severity.WARNING,
    title="Asynchronous endpoint that cannot scale to zero or wake up",
    explanation=(
        "An asynchronous endpoint queues requests, so it can run no instance at all while the "
        "queue is empty. That takes a scalable target with MinCapacity 0, target tracking on "
        "ApproximateBacklogSizePerInstance, and a step-scaling policy triggered by an alarm on "
        "HasBacklogWithoutCapacity to start an instance when requests arrive at zero."
    ),
    remediation=(
        "Register each variant as a scalable target with MinCapacity 0, add target tracking on "
        "ApproximateBacklogSizePerInstance, and a step-scaling policy whose alarm watches "
        "AWS/SageMaker HasBacklogWithoutCapacity for the endpoint (dimension EndpointName)."
    ),
    best_practices=("MLSUS-04", "SUS02-BP01", "SUS03-BP01"),
    resource_types=("AWS::SageMaker::Endpoint",),
    notes=(
        "The wake-up counts when a StepScaling policy on the variant's target (ScalingTargetId "
        "or the same ResourceId) is an action of an alarm on HasBacklogWithoutCapacity whose "
        "EndpointName is this endpoint (its EndpointName attribute or literal name; a Ref is "
        "the endpoint's ARN and does not count) or cannot be resolved. "
        "Endpoints whose config is not in the template are not reported."
    ),
)
def async_scale_to_zero(resource: Resource, template: TemplateContext) -> str | None:
    config = endpoint_config(resource, template)
    if config is None or config.get("AsyncInferenceConfig") is None:
        return None
    problems = []
    for variant in instance_variants(config):
        label = variant_label(variant)
        targets = variant_targets(resource, variant, template)
        if not targets:
            problems.append(f"{label} has no scalable target, so it never scales to zero")
            continue
        floors = [capacity(t, "MinCapacity") for t in targets]
        known = [f for f in floors if f is not None]
        if len(known) == len(floors) and all(f > 0 for f in known):
            problems.append(f"{label} has MinCapacity {min(known)} instead of 0")
        if not any(_wakes_up(t, resource, template) for t in targets):
            problems.append(
                f"{label} has no step-scaling policy triggered by {WAKE_UP_METRIC} to wake it"
            )
    if not problems:
        return None
    return f"Async endpoint {resource.logical_id}: {'; '.join(problems)}."


def _wakes_up(target: Resource, endpoint: Resource, template: TemplateContext) -> bool:
    index = template.memo("wake-up-policies", lambda: _WakeUpIndex(template))
    return any(watches_endpoint(alarm, endpoint, template) for alarm in index.alarms(target))


class _WakeUpIndex:
    """Wake-up (policy, alarm) pairs by what the policy scales: a scalable target it refers
    to, or the ``ResourceId``, ``ScalableDimension`` and ``ServiceNamespace`` it names."""

    def __init__(self, template: TemplateContext) -> None:
        self.pairs = _wake_up_policies(template)
        self.by_reference: dict[str, list[int]] = {}
        self.by_key: dict[Hashable, list[int]] = {}
        for position, (policy, _) in enumerate(self.pairs):
            for logical_id in references(policy.get("ScalingTargetId")):
                self.by_reference.setdefault(logical_id, []).append(position)
            if policy.get("ResourceId") is not None:
                self.by_key.setdefault(_scaled_key(policy), []).append(position)

    def alarms(self, target: Resource) -> list[Resource]:
        """Alarms of the wake-up policies that scale ``target``, in template order."""
        positions = {
            *self.by_reference.get(target.logical_id, ()),
            *self.by_key.get(_scaled_key(target), ()),
        }
        return [self.pairs[p][1] for p in sorted(positions)]


def _scaled_key(resource: Resource) -> Hashable:
    """``ResourceId``, ``ScalableDimension`` and ``ServiceNamespace``, equal when they are."""
    return tuple(frozen(resource.get(key)) for key in _SCALED)


def _wake_up_policies(template: TemplateContext) -> list[tuple[Resource, Resource]]:
    """(step-scaling policy, alarm on HasBacklogWithoutCapacity whose action it is) pairs."""
    found = []
    for policy in template.of_type(SCALING_POLICY):
        if policy.get("PolicyType") != "StepScaling":
            continue
        for alarm in template.referencing(policy.logical_id, ALARM):
            if policy.logical_id not in references(alarm.get("AlarmActions")):
                continue
            names = [m.get("MetricName") for m in metrics(alarm.properties)]
            if any(name == WAKE_UP_METRIC or is_unknown(name) for name in names):
                found.append((policy, alarm))
    return found
