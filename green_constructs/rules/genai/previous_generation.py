"""Previous-generation instances do less work per watt than their successors."""

from __future__ import annotations

from ...catalog import Family
from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._compute import COMPUTE_TYPES, Usage, replacement, usages

_TYPES = tuple(t for t in COMPUTE_TYPES if t != "AWS::SageMaker::InferenceComponent")


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
        f"{u.where} on {u.instance_type} (use {_successor(u, family, template)})"
        for u in usages(resource, template)
        if (family := u.family) is not None and family.previous_generation
    ]
    if not found:
        return None
    return f"{resource.logical_id} uses previous-generation instances: {'; '.join(found)}."


def _successor(usage: Usage, family: Family, template: TemplateContext) -> str:
    found = replacement(
        template.catalog, usage.instance_type, family, purpose=usage.purpose, feature=usage.feature
    )
    return found or "a current-generation type"
