"""Previous-generation instances do less work per watt than their successors."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._compute import COMPUTE_TYPES, Usage, usages

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
        "Move to the current family the finding names (for example inf2 or g6 for g4dn, trn1 or "
        "p5 for p3, m7g for m4)."
    ),
    best_practices=("MLSUS-12", "SUS05-BP02", "SUS06-BP03"),
    resource_types=_TYPES,
    notes=(
        "Generations and successors come from the catalog (families.csv). Covers endpoint config "
        "variants, notebook instances, training, tuning, transform and processing jobs in state "
        "machines and pipelines, HyperPod instance groups and Batch compute environments (their "
        "GPU and Neuron instances). Inference components are covered through their endpoint "
        "config. Successors that cannot do the work are not suggested (Inferentia for training, "
        "Trainium for inference)."
    ),
)
def previous_generation(resource: Resource, template: TemplateContext) -> str | None:
    found = [
        f"{u.where} on {u.instance_type} (use {_successors(u, template)})"
        for u in usages(resource, template)
        if u.family is not None and u.family.previous_generation
    ]
    if not found:
        return None
    return (
        f"{resource.logical_id} uses previous-generation instances: {'; '.join(found)}."
    )


def _successors(usage: Usage, template: TemplateContext) -> str:
    """The catalog's successors of the usage's family that can do its work."""
    family = usage.family
    named = family.superseded_by.split(" or ") if family and family.superseded_by else []
    fitting = [
        name
        for name in named
        if (successor := template.catalog.find_family(name)) is None
        or _fits(successor.kind, usage.purpose)
    ]
    return " or ".join(fitting) or "a current family"


def _fits(kind: str, purpose: str) -> bool:
    """Whether a family of ``kind`` can do ``purpose``: Inferentia only serves, Trainium only
    trains."""
    if kind == "inferentia":
        return purpose in ("inference", "transform")
    if kind == "trainium":
        return purpose == "training"
    return True
