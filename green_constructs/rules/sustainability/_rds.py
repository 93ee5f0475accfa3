"""What an RDS instance inherits: its DB cluster, its source instance, their engine."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource

CLUSTER = "AWS::RDS::DBCluster"
INSTANCE = "AWS::RDS::DBInstance"
WITHOUT_GRAVITON = ("sqlserver", "oracle", "db2", "custom-")
"""Engine prefixes that have no Graviton (arm64) instance classes."""


def db_cluster(instance: Resource, template: TemplateContext) -> Resource | None:
    """The instance's DB cluster in this template, by reference or by literal identifier
    (RDS lowercases identifiers)."""
    identifier = instance.get("DBClusterIdentifier")
    found = template.target(identifier)
    if found is None and isinstance(identifier, str):
        found = template.memo("clusters-by-identifier", lambda: _clusters(template)).get(
            identifier.lower()
        )
    return found if found is not None and found.type == CLUSTER else None


def _clusters(template: TemplateContext) -> dict[str, Resource]:
    """The template's DB clusters by lowercased identifier, the first of each."""
    found: dict[str, Resource] = {}
    for cluster in template.of_type(CLUSTER):
        found.setdefault(str(cluster.get("DBClusterIdentifier", "")).lower(), cluster)
    return found


def engine(instance: Resource, template: TemplateContext) -> str | None:
    """The instance's engine, lowercased: its own, its cluster's, or for a read replica its
    source instance's; ``None`` when the template does not tell."""
    value = instance.get("Engine")
    if value is None:
        cluster = db_cluster(instance, template)
        source = template.target(instance.get("SourceDBInstanceIdentifier"))
        if cluster is not None:
            value = cluster.get("Engine")
        elif source is not None and source.type == INSTANCE and source is not instance:
            value = source.get("Engine")
    return value.lower() if isinstance(value, str) else None


def has_graviton(engine_name: str | None) -> bool:
    """False for engines without Graviton classes; unknown engines are assumed to have them."""
    return engine_name is None or not engine_name.startswith(WITHOUT_GRAVITON)
