"""Training on GPU where Trainium would train the model with less energy."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..training_jobs import TRAINING_SOURCES
from ._compute import GPU_KINDS, usages


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
        "Train on ml.trn1 / ml.trn2 (or trn1/trn2 for HyperPod and Batch) with the Neuron SDK "
        "(PyTorch NeuronX, NxD Training, Optimum Neuron)."
    ),
    best_practices=("MLSUS-12", "SUS05-BP02", "SUS05-BP04"),
    resource_types=TRAINING_SOURCES,
    notes=(
        "Reads training and tuning jobs in Step Functions state machines and SageMaker pipelines, "
        "HyperPod cluster instance groups and Batch compute environment instance types (GPU "
        "Batch environments are assumed to train). Unresolved instance types are not reported. "
        "Workloads that need CUDA-only kernels should acknowledge the finding with the reason."
    ),
)
def training_accelerator(resource: Resource, template: TemplateContext) -> str | None:
    found = [
        f"{u.where} on {u.instance_type}"
        for u in usages(resource, template)
        if u.purpose == "training" and u.family is not None and u.family.kind in GPU_KINDS
    ]
    if not found:
        return None
    return (
        f"{resource.logical_id} trains on GPU ({'; '.join(found)}): use Trainium "
        "(ml.trn1 or ml.trn2) with the Neuron SDK where the model supports it."
    )
