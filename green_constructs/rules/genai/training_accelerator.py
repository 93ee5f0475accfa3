"""Training on GPU where Trainium would train the model with less energy."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..training_jobs import TRAINING_SOURCES
from ._compute import GPU_KINDS, Usage, usages


@rule(
    id="GenAI-TrainingAccelerator",
    severity=Severity.WARNING,
    title="Training on GPU where Trainium serves",
    explanation=(
        "Trainium (trn1, trn2) is built for deep-learning training: training BERT-Large from "
        "scratch on a Trainium cluster takes about 25% less energy than on a same-sized cluster of "
        "comparable accelerated instances, at up to 50% lower cost to train."
    ),
    remediation=(
        "Train on the Trainium type the finding names (ml.trn1 or ml.trn2 for SageMaker, trn1 "
        "or trn2 for Batch) with the Neuron SDK (PyTorch NeuronX, NxD Training, Optimum Neuron)."
    ),
    best_practices=("MLSUS-12", "SUS05-BP02", "SUS05-BP04"),
    resource_types=TRAINING_SOURCES,
    notes=(
        "Reads training and tuning jobs in Step Functions state machines and SageMaker pipelines, "
        "HyperPod cluster instance groups and Batch compute environment instance types (GPU "
        "Batch environments are assumed to train). Unresolved instance types are not reported. "
        "The suggested type is one the API takes (botocore's TrainingInstanceType and "
        "ClusterInstanceType; any EC2 type for Batch) with at least the GPUs' accelerator "
        "memory and at most four times their count (Catalog.comparable). Workloads that need "
        "CUDA-only kernels should acknowledge the finding with the reason."
    ),
)
def training_accelerator(resource: Resource, template: TemplateContext) -> str | None:
    found = [
        f"{u.where} on {u.instance_type} (use {_trainium(u, template)})"
        for u in usages(resource, template)
        if u.purpose == "training" and u.family is not None and u.family.kind in GPU_KINDS
    ]
    if not found:
        return None
    return (
        f"{resource.logical_id} trains on GPU ({'; '.join(found)}): move it to Trainium with "
        "the Neuron SDK where the model supports it."
    )


def _trainium(usage: Usage, template: TemplateContext) -> str:
    """The smallest Trainium type of comparable size the feature takes, else the families."""
    catalog = template.catalog
    families = catalog.current_families(["trainium"])
    found = catalog.comparable(usage.instance_type, usage.feature, families, across=True)
    prefix = "" if usage.feature == "ec2" else "ml."
    return found or f"{prefix}trn1 or {prefix}trn2 instances"
