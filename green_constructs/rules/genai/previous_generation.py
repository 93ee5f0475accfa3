"""Previous-generation instances do less work per watt than their successors."""

from __future__ import annotations

from ...catalog import Family
from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._compute import BATCH, COMPUTE_TYPES, Usage, usages

_TYPES = tuple(t for t in COMPUTE_TYPES if t != "AWS::SageMaker::InferenceComponent")
_FEATURES = {
    "inference": "hosting",
    "transform": "transform",
    "training": "training",
    "processing": "processing",
    "notebook": "notebook",
}
"""Usage purpose -> the catalog feature whose API enum bounds the suggestion."""
_FALLBACK_KINDS = {
    "gpu-previous": ("gpu",),
    "cpu": ("graviton", "cpu"),
    "graviton": ("graviton", "cpu"),
}
"""Kinds whose current families may replace a family without a fitting successor."""


@rule(
    id="GenAI-PreviousGeneration",
    severity=Severity.WARNING,
    title="Previous-generation instance type for ML compute",
    explanation=(
        "Previous-generation families (p2, p3, g3, g4dn, inf1, m4, c4...) do markedly less work "
        "per watt than current ones, so the same training or inference uses more energy and "
        "more hardware."
    ),
    remediation=(
        "Move to the current instance type the finding names: one its API takes, of a "
        "comparable size (for example ml.inf2.xlarge for an ml.g4dn.xlarge endpoint, "
        "ml.trn1.2xlarge for ml.p3.2xlarge training, ml.t3.medium for an ml.t2.medium notebook)."
    ),
    best_practices=("MLSUS-12", "SUS05-BP02", "SUS06-BP03"),
    resource_types=_TYPES,
    notes=(
        "Generations and successors come from the catalog (families.csv: the Price List's "
        "generation, plus curated families it still calls current although superseded, such as "
        "p3, g4dn, inf1, m4). Covers endpoint config variants, notebook instances, training, "
        "tuning, transform and processing jobs in state machines and pipelines, HyperPod "
        "instance groups and Batch compute environments (their GPU and Neuron instances). "
        "Inference components are covered through their endpoint config. The suggested type is "
        "one the feature's API takes (botocore's enums; any EC2 type for Batch) and of a "
        "comparable size (Catalog.comparable); successors that cannot do the work are not "
        "suggested (Inferentia for training, Trainium for inference)."
    ),
)
def previous_generation(resource: Resource, template: TemplateContext) -> str | None:
    found = [
        f"{u.where} on {u.instance_type} (use {_successor(u, family, resource, template)})"
        for u in usages(resource, template)
        if (family := u.family) is not None and family.previous_generation
    ]
    if not found:
        return None
    return (
        f"{resource.logical_id} uses previous-generation instances: {'; '.join(found)}."
    )


def _successor(
    usage: Usage, family: Family, resource: Resource, template: TemplateContext
) -> str:
    """A current type of comparable size that can do the usage's work, from the family's
    successors, else from the current families of its kind."""
    catalog = template.catalog
    feature = _feature(usage, resource)
    named = [
        name
        for name in catalog.successors(family)
        if (successor := catalog.find_family(name)) is None
        or _fits(successor.kind, usage.purpose)
    ]
    kinds = _FALLBACK_KINDS.get(family.kind, (family.kind,))
    return (
        catalog.comparable(usage.instance_type, feature, named)
        or catalog.comparable(usage.instance_type, feature, catalog.current_families(kinds))
        or "a current-generation type"
    )


def _feature(usage: Usage, resource: Resource) -> str:
    """The catalog feature whose API bounds the suggestion: the SageMaker API of the usage,
    HyperPod, or EC2 (Batch)."""
    if resource.type == "AWS::SageMaker::Cluster":
        return "hyperpod"
    if resource.type == BATCH:
        return "ec2"
    return _FEATURES.get(usage.purpose, "ec2")


def _fits(kind: str, purpose: str) -> bool:
    """Whether a family of ``kind`` can do ``purpose``: Inferentia only serves, Trainium only
    trains."""
    if kind == "inferentia":
        return purpose in ("inference", "transform")
    if kind == "trainium":
        return purpose == "training"
    return True
