"""RDS instances should use current-generation instance classes."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._rds import engine, has_graviton


@rule(
    id="Sustainability-RdsPreviousGeneration",
    severity=Severity.WARNING,
    title="RDS instance class of a previous generation",
    explanation=(
        "Previous-generation database classes do less work per watt than their successors on "
        "newer processors (often Graviton) and more efficient hosts."
    ),
    remediation="Move DBInstanceClass to the successor family named in the finding.",
    best_practices=("SUS05-BP02",),
    resource_types=("AWS::RDS::DBInstance",),
    notes=(
        "Not in the scanner. Families and successors come from the catalog; unknown families "
        "and unresolved classes are not judged. Engines without Graviton classes (SQL Server, "
        "Oracle, Db2, RDS Custom) are pointed to current x86 classes instead."
    ),
)
def rds_previous_generation(resource: Resource, template: TemplateContext) -> str | None:
    instance_class = resource.get("DBInstanceClass")
    if not isinstance(instance_class, str):
        return None
    family = template.catalog.find_family(instance_class)
    if family is None or not family.previous_generation:
        return None
    if has_graviton(engine(resource, template)):
        successors = family.superseded_by.split(" or ") if family.superseded_by else ()
        advice = " or ".join(f"db.{s}" for s in successors) or "a current generation"
    else:  # the catalog's successors are Graviton families
        advice = "a current x86 class (db.m6i, db.r6i, db.x2iedn...): the engine has no Graviton"
    return (
        f"RDS instance {resource.logical_id} uses {instance_class}, a previous-generation "
        f"class; move to {advice}."
    )
