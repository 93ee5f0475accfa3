"""AWS Batch compute environments that keep instances running with no jobs to run."""

from __future__ import annotations

from ..context import TemplateContext
from ..genai._compute import GPU_KINDS
from ..model import Resource, Severity
from ..registry import rule
from ..values import as_int

_EC2_TYPES = ("EC2", "SPOT")


@rule(
    id="Sustainability-BatchMinvCpus",
    severity=Severity.WARNING,
    title="Batch compute environment that keeps instances running without jobs",
    explanation=(
        "MinvCpus is the capacity a managed compute environment maintains even with an empty "
        "queue (and even when DISABLED): those instances run, and draw power, between jobs."
    ),
    remediation=(
        "Set MinvCpus to 0 so that Batch scales the environment to zero instances when no job "
        "is queued; accept the start-up delay of the first job after an idle period."
    ),
    best_practices=("SUS02-BP01", "SUS02-BP03"),
    resource_types=("AWS::Batch::ComputeEnvironment",),
    notes=(
        "Checks managed EC2 and SPOT compute resources (MinvCpus does not apply to Fargate; "
        "botocore's Batch ComputeResource.minvCpus documents that it is kept even when the "
        "environment is DISABLED). MinvCpus not set is 0. The finding names the GPU families "
        "(catalog) among InstanceTypes, whose idle hours cost the most."
    ),
)
def batch_minv_cpus(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("ComputeResources.Type") not in _EC2_TYPES:
        return None
    minimum = as_int(resource.get("ComputeResources.MinvCpus"))
    if minimum is None or minimum <= 0:
        return None
    types = resource.get("ComputeResources.InstanceTypes")
    gpus = [
        t
        for t in (types if isinstance(types, list) else ())
        if isinstance(t, str)
        and (family := template.catalog.find_family(t)) is not None
        and family.kind in GPU_KINDS
    ]
    on_gpus = f", possibly GPU instances ({', '.join(gpus)})" if gpus else ""
    return (
        f"Batch compute environment {resource.logical_id} keeps {minimum} vCPUs of instances "
        f"running (MinvCpus) with no jobs queued{on_gpus}: set MinvCpus to 0."
    )
