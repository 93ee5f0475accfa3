"""RDS instances should use Graviton (arm64) instance classes."""

from __future__ import annotations

from ...catalog import size_of
from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._rds import engine, has_graviton


@rule(
    id="Sustainability-RdsGraviton",
    severity=Severity.WARNING,
    title="RDS instance on an x86 instance class",
    explanation=(
        "Graviton instances use less energy for the same work than comparable x86 instances; "
        "MySQL, MariaDB, PostgreSQL and Aurora run on them without application changes."
    ),
    remediation=(
        "Choose the Graviton DBInstanceClass the finding names (the families with a g, such "
        "as db.t4g, db.m7g, db.r7g)."
    ),
    best_practices=("SUS05-BP02", "SUS05-BP03"),
    resource_types=("AWS::RDS::DBInstance",),
    equivalents=("sustainability-scanner:check_graviton_instance_usage_in_rds",),
    notes=(
        "The scanner matches DBInstanceClass exactly against a list of family names "
        "('db.m6g'...), so every real class ('db.m6g.large') fails it and newer Graviton "
        "families are missing. Here the class's family is looked up in the catalog: arm64 "
        "families comply and families the catalog does not know are not judged. Engines "
        "without Graviton classes (SQL Server, Oracle, Db2, RDS Custom) are not flagged, the "
        "engine coming from the instance, its DB cluster or, for a read replica, its source "
        "instance; a "
        "missing or unresolved DBInstanceClass is not judged (the scanner fails it). The "
        "suggested class is a Graviton class of the same size RDS offers for the engine "
        "(cfn-lint's DBInstanceClass data), of the same line first."
    ),
)
def rds_graviton(resource: Resource, template: TemplateContext) -> str | None:
    if not has_graviton(engine(resource, template)):
        return None
    instance_class = resource.get("DBInstanceClass")
    if not isinstance(instance_class, str):
        return None
    catalog = template.catalog
    family = catalog.find_family(instance_class)
    if family is None or family.architecture == "arm64":
        return None
    offered = catalog.rds_classes(engine(resource, template))
    size = size_of(instance_class)  # empty for a bare family (db.m5)
    graviton = template.memo(
        ("graviton-families-by-line", family.line),
        lambda: sorted(
            catalog.current_families(["graviton"]),
            key=lambda name: catalog.family(name).line != family.line,
        ),
    )
    found = next(
        (
            name
            for name in (".".join(filter(None, ("db", g, size))) for g in graviton)
            if name in offered or (not size and any(c.startswith(f"{name}.") for c in offered))
        ),
        None,
    )
    instead = (
        f"{found} (Graviton) does" if found else "a Graviton class (db.t4g, db.m7g, db.r7g...) does"
    )
    return (
        f"RDS instance {resource.logical_id} uses {instance_class}, an {family.architecture} "
        f"class; {instead} the same work with less energy."
    )
