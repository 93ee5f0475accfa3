"""RDS instances should use current-generation instance classes."""

from __future__ import annotations

from ...catalog import size_of
from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._rds import engine


@rule(
    id="Sustainability-RdsPreviousGeneration",
    severity=Severity.WARNING,
    title="RDS instance class of a previous generation",
    explanation=(
        "Previous-generation database classes do less work per watt than their successors on "
        "newer processors (often Graviton) and more efficient hosts."
    ),
    remediation="Move DBInstanceClass to the class named in the finding.",
    best_practices=("SUS05-BP02",),
    resource_types=("AWS::RDS::DBInstance",),
    notes=(
        "Not in the scanner. Generations and successors come from the catalog; unknown families "
        "and unresolved classes are not judged. The suggested classes, a Graviton one and an "
        "x86 one of the same size, are ones RDS offers for the engine (cfn-lint's "
        "DBInstanceClass data; any engine's when the engine is unknown), so engines without "
        "Graviton classes (SQL Server, Oracle, Db2) get x86 ones."
    ),
)
def rds_previous_generation(resource: Resource, template: TemplateContext) -> str | None:
    instance_class = resource.get("DBInstanceClass")
    if not isinstance(instance_class, str):
        return None
    catalog = template.catalog
    family = catalog.find_family(instance_class)
    if family is None or not family.previous_generation:
        return None
    offered = catalog.rds_classes(engine(resource, template))
    size = size_of(instance_class)  # empty for a bare family (db.m3)
    named = [
        (name, catalog.family(name).architecture)
        for name in (".".join(filter(None, ("db", s, size))) for s in catalog.successors(family))
        if name in offered or (not size and any(c.startswith(f"{name}.") for c in offered))
    ]
    graviton = next((f"{n} (Graviton)" for n, arch in named if arch == "arm64"), None)
    x86 = next((n for n, arch in named if arch != "arm64"), None)
    advice = " or ".join(n for n in (graviton, x86) if n) or "a current class the engine offers"
    return (
        f"RDS instance {resource.logical_id} uses {instance_class}, a previous-generation "
        f"class; move to {advice}."
    )
