"""EC2 GPU capacity that stays on when there is no work for it."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..values import as_int
from ._compute import GPU_KINDS
from ._ec2 import EC2_TYPES, GROUP, INSTANCE, LAUNCH_TEMPLATE, instance_types, launch_template

SCHEDULED_ACTION = "AWS::AutoScaling::ScheduledAction"
SCALING_POLICY = "AWS::AutoScaling::ScalingPolicy"
CAPACITY_PROVIDER = "AWS::ECS::CapacityProvider"
AUTOSCALER_TAG = "k8s.io/cluster-autoscaler/enabled"
"""The tag key Cluster Autoscaler's auto-discovery looks for on Auto Scaling groups
(kubernetes/autoscaler, cluster-autoscaler/cloudprovider/aws/README.md)."""


@rule(
    id="GenAI-Ec2GpuAlwaysOn",
    severity=Severity.WARNING,
    title="EC2 GPU capacity that cannot scale to zero",
    explanation=(
        "A GPU host that runs around the clock draws power and holds scarce accelerators "
        "through every idle hour; ML hosts often idle between jobs, at night and at weekends."
    ),
    remediation=(
        "Let the capacity reach zero when idle: an Auto Scaling group with MinSize 0 and a "
        "scaling policy (or Cluster Autoscaler, or ECS managed scaling), or scheduled actions "
        "that scale it to zero out of hours. Better, move the workload to SageMaker capacity "
        "that is released when idle (asynchronous endpoints that scale to zero, batch "
        "transform, training jobs), on Inferentia2 for inference or Trainium for training."
    ),
    best_practices=("MLSUS-04", "MLSUS-12", "SUS02-BP01", "SUS05-BP04"),
    resource_types=EC2_TYPES,
    notes=(
        "GPU families come from the catalog. Instance types are read from the instance, the "
        "launch template or the Auto Scaling group (its launch configuration, launch template "
        "or MixedInstancesPolicy overrides, when defined in the same template); attribute-based "
        "selection (InstanceRequirements) is not read. An Auto Scaling group passes when it can "
        "reach zero instances: MinSize 0 with an AWS::AutoScaling::ScalingPolicy, an "
        "AWS::ECS::CapacityProvider with ManagedScaling ENABLED or the Cluster Autoscaler "
        f"auto-discovery tag {AUTOSCALER_TAG} (Cluster Autoscaler keeps the group's MinSize: "
        "kubernetes/autoscaler's AWS README), MinSize 0 with DesiredCapacity 0 or unset "
        "(CloudFormation then starts it at MinSize: cfn-lint's AutoScalingGroup schema), "
        "or an AWS::AutoScaling::ScheduledAction that sets DesiredCapacity or MaxSize to 0. "
        "An EC2 instance is always reported (stopping it on a schedule happens outside the "
        "template: acknowledge with the reason); a launch template only when no resource of "
        "its template uses it (an instance, a group, a Batch environment or an EKS node group "
        "that does is judged instead, or not at all)."
    ),
)
def ec2_gpu_always_on(resource: Resource, template: TemplateContext) -> str | None:
    gpus = [t for t in instance_types(resource, template) if _gpu(t, template)]
    if not gpus:
        return None
    shown = ", ".join(gpus)
    if resource.type == GROUP:
        reason = _stays_on(resource, template)
        if reason is None:
            return None
        return (
            f"Auto Scaling group {resource.logical_id} launches GPU instances ({shown}) and "
            f"cannot scale to zero: {reason}."
        )
    if resource.type == LAUNCH_TEMPLATE:
        if resource.logical_id in _launched(template):
            return None
        return (
            f"Launch template {resource.logical_id} launches GPU instances ({shown}) and nothing "
            "in this template uses it: make sure the capacity that does can scale to zero."
        )
    return (
        f"EC2 instance {resource.logical_id} runs a GPU instance ({shown}) around the clock: "
        "nothing in the template stops it or lets it scale in."
    )


def _gpu(instance_type: str, template: TemplateContext) -> bool:
    family = template.catalog.find_family(instance_type)
    return family is not None and family.kind in GPU_KINDS


def _stays_on(group: Resource, template: TemplateContext) -> str | None:
    """Why an Auto Scaling group cannot reach zero instances, or ``None`` when it can (or
    its sizes are unknown)."""
    min_size = as_int(group.get("MinSize"))
    desired = group.get("DesiredCapacity")
    desired_size = min_size if desired is None else as_int(desired)
    if min_size is None or desired_size is None:
        return None
    related = template.referencing(
        group.logical_id, SCHEDULED_ACTION, SCALING_POLICY, CAPACITY_PROVIDER
    )
    actions = [r for r in related if r.type == SCHEDULED_ACTION]
    if any(_to_zero(action) for action in actions):
        return None
    scalers = [r.logical_id for r in related if _scales(r)]
    tags = group.get("Tags")
    tags = tags if isinstance(tags, list) else []
    if any(isinstance(t, dict) and t.get("Key") == AUTOSCALER_TAG for t in tags):
        scalers.append("Cluster Autoscaler")
    if min_size == 0 and (scalers or desired_size == 0):
        return None
    if min_size > 0:
        reason = f"MinSize {min_size} keeps {min_size} running"
        if scalers:
            reason += f" (scaling by {', '.join(scalers)} stops there)"
    else:
        reason = (
            f"MinSize is 0 but nothing scales it in from DesiredCapacity {desired_size} (no "
            "scaling policy, ECS managed scaling or Cluster Autoscaler tag)"
        )
    if actions:
        names = ", ".join(a.logical_id for a in actions)
        return f"{reason}, and its scheduled actions ({names}) never scale it to zero"
    return f"{reason}, and no scheduled action scales it to zero"


def _to_zero(action: Resource) -> bool:
    return as_int(action.get("DesiredCapacity")) == 0 or as_int(action.get("MaxSize")) == 0


def _scales(related: Resource) -> bool:
    if related.type == SCALING_POLICY:
        return True
    status = related.get("AutoScalingGroupProvider.ManagedScaling.Status")
    return related.type == CAPACITY_PROVIDER and status == "ENABLED"


def _launched(template: TemplateContext) -> frozenset[str]:
    """Launch templates that a resource of the template refers to, or that an instance or
    Auto Scaling group names by ``LaunchTemplateName``."""

    def collect() -> frozenset[str]:
        used = {
            lt.logical_id
            for lt in template.of_type(LAUNCH_TEMPLATE)
            if template.referencing(lt.logical_id)
        }
        for user in template.of_type(INSTANCE, GROUP):
            specs = [
                user.get("LaunchTemplate"),
                user.get("MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification"),
            ]
            overrides = user.get("MixedInstancesPolicy.LaunchTemplate.Overrides")
            for override in overrides if isinstance(overrides, list) else ():
                if isinstance(override, dict):
                    specs.append(override.get("LaunchTemplateSpecification"))
            used.update(
                found.logical_id
                for spec in specs
                if (found := launch_template(spec, template)) is not None
            )
        return frozenset(used)

    return template.memo("launched-templates", collect)
