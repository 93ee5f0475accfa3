"""GPU AWS Batch compute environments that buy On-Demand capacity instead of spare capacity."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._compute import BATCH, GPU_KINDS, usages


@rule(
    id="GenAI-BatchGpuSpot",
    severity=Severity.INFO,
    title="GPU Batch compute environment on On-Demand capacity",
    explanation=(
        "Spot Instances run on spare EC2 capacity that is already powered and would otherwise "
        "sit idle; batch training and inference jobs that checkpoint absorb interruptions, and "
        "the price and capacity optimized strategy picks the pools least likely to be "
        "interrupted."
    ),
    remediation=(
        "Set ComputeResources.Type: SPOT with AllocationStrategy: SPOT_PRICE_CAPACITY_OPTIMIZED "
        "and checkpoint long jobs (with job retries). Multi-node parallel jobs cannot run on "
        "Spot: keep their environment on EC2 and acknowledge the finding with that reason."
    ),
    best_practices=("MLSUS-04", "SUS02-BP01", "SUS05-BP04"),
    resource_types=(BATCH,),
    notes=(
        "Flags ComputeResources.Type EC2 (On-Demand) with a GPU family (catalog) among "
        "InstanceTypes; SPOT, FARGATE, FARGATE_SPOT and ECS_MANAGED_INSTANCES environments are "
        "not reported. The optimal, default_x86_64 and default_arm64 bundles are not families "
        "(the catalog finds none): Batch fills them from general-purpose, compute- and "
        "memory-optimized CPU families only (botocore's Batch ComputeResource.instanceTypes), so "
        "they never make an environment GPU. Types, strategies and the multi-node restriction "
        "are from botocore's Batch model (ComputeResource.type, allocationStrategy)."
    ),
)
def batch_gpu_spot(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("ComputeResources.Type") != "EC2":
        return None
    gpus = [
        u.instance_type
        for u in usages(resource, template)
        if u.family is not None and u.family.kind in GPU_KINDS
    ]
    if not gpus:
        return None
    return (
        f"Batch compute environment {resource.logical_id} runs GPU instances "
        f"({', '.join(gpus)}) On-Demand (ComputeResources.Type EC2): use SPOT with "
        "SPOT_PRICE_CAPACITY_OPTIMIZED for jobs that can resume from a checkpoint."
    )
