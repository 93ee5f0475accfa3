"""HyperPod GPU instance groups held at a fixed size, busy or not."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..training_jobs import is_unknown
from ..values import as_int
from ._compute import GPU_KINDS

CLUSTER = "AWS::SageMaker::Cluster"
_GROUP_KEYS = ("InstanceGroups", "RestrictedInstanceGroups")


@rule(
    id="GenAI-HyperPodIdleGpus",
    severity=Severity.WARNING,
    title="HyperPod cluster holding GPU instances without autoscaling",
    explanation=(
        "A HyperPod instance group keeps its InstanceCount nodes running between jobs: GPUs "
        "bought for training sit idle, and draw power, whenever the queue is empty."
    ),
    remediation=(
        "On EKS-orchestrated clusters, enable AutoScaling (Mode: Enable, Karpenter) with "
        "NodeProvisioningMode: Continuous and NodeRecovery: Automatic, and start GPU groups at "
        "InstanceCount 0 so nodes exist only for pending pods. On Slurm clusters, scale groups "
        "down between campaigns, or run the work as SageMaker training jobs, which release "
        "their instances when done (on Trainium where the model allows: GenAI-"
        "TrainingAccelerator)."
    ),
    best_practices=("MLSUS-04", "SUS02-BP01", "SUS05-BP04"),
    resource_types=(CLUSTER,),
    notes=(
        "Reads InstanceGroups and RestrictedInstanceGroups (InstanceType or "
        "InstanceRequirements.InstanceTypes; GPU families from the catalog). A group is "
        "reported when its InstanceCount is above 0 and the cluster's AutoScaling.Mode is not "
        "Enable (HyperPod's Karpenter autoscaling, EKS only, scales groups from and to zero: "
        "SageMaker developer guide, sagemaker-hyperpod-eks-autoscaling). Groups on a "
        "TrainingPlanArn are not reported: a training plan reserves their capacity for its "
        "term anyway. The choice of GPU over Trainium is GenAI-TrainingAccelerator's finding, "
        "not this one's. Property names from cfn-lint's AWS::SageMaker::Cluster schema."
    ),
)
def hyperpod_idle_gpus(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("AutoScaling.Mode") == "Enable" or resource.unknown("AutoScaling.Mode"):
        return None
    held = []
    for key in _GROUP_KEYS:
        groups = resource.get(key)
        for group in groups if isinstance(groups, list) else ():
            if isinstance(group, dict) and (found := _held(group, template)) is not None:
                held.append(found)
    if not held:
        return None
    orchestrator = resource.get("Orchestrator")
    eks = isinstance(orchestrator, dict) and "Eks" in orchestrator
    advice = (
        "enable the cluster's AutoScaling (Karpenter) so they scale to zero when idle"
        if eks
        else "scale them down between jobs, or run the work as training jobs"
    )
    return (
        f"HyperPod cluster {resource.logical_id} keeps GPU instances running whether or not "
        f"jobs need them ({'; '.join(held)}): {advice}."
    )


def _held(group: Mapping[str, Any], template: TemplateContext) -> str | None:
    """``workers: 4 x ml.p5.48xlarge`` for a GPU group held at a positive count."""
    count = as_int(group.get("InstanceCount"))
    if not count or group.get("TrainingPlanArn"):
        return None
    types = [group.get("InstanceType")]
    requirements = group.get("InstanceRequirements")
    if isinstance(requirements, dict) and isinstance(requirements.get("InstanceTypes"), list):
        types += requirements["InstanceTypes"]
    gpus = [
        t
        for t in types
        if isinstance(t, str)
        and not is_unknown(t)
        and (family := template.catalog.find_family(t)) is not None
        and family.kind in GPU_KINDS
    ]
    if not gpus:
        return None
    name = group.get("InstanceGroupName")
    label = name if isinstance(name, str) and not is_unknown(name) else "a group"
    return f"{label}: {count} x {' or '.join(gpus)}"
