"""RDS instances should have Performance Insights on, to find what loads the database."""

from __future__ import annotations

from typing import Any

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource, Severity
from ..registry import rule
from ..values import as_bool
from ._rds import db_cluster, engine


def _enabled(flag: Any, mode: Any) -> bool:
    """On, unknown, or implied by Database Insights' advanced mode."""
    return is_intrinsic(flag) or as_bool(flag) is True or mode == "advanced" or is_intrinsic(mode)


@rule(
    id="Sustainability-RdsPerformanceInsights",
    severity=Severity.INFO,
    title="RDS instance without Performance Insights",
    explanation=(
        "Performance Insights shows which queries load the database, so they can be tuned "
        "instead of moving to a bigger instance. Seven days of history are free."
    ),
    remediation=(
        "Set EnablePerformanceInsights: true on the DB instance (or PerformanceInsightsEnabled "
        "on its DB cluster)."
    ),
    best_practices=("SUS03-BP05", "SUS05-BP01"),
    resource_types=("AWS::RDS::DBInstance",),
    equivalents=("sustainability-scanner:check_rds_performanceinsights_enabled",),
    notes=(
        "Beyond the scanner, an instance complies when its DB cluster in the same template (by "
        "reference or literal identifier) "
        "enables Performance Insights, when Database Insights is in advanced mode (which "
        "requires it), or when the setting is an unresolved intrinsic. RDS Custom instances "
        "(engine custom-*) do not support it and are not flagged."
    ),
)
def rds_performance_insights(resource: Resource, template: TemplateContext) -> str | None:
    name = engine(resource, template)
    if name is not None and name.startswith("custom-"):
        return None
    if _enabled(resource.get("EnablePerformanceInsights"), resource.get("DatabaseInsightsMode")):
        return None
    cluster = db_cluster(resource, template)
    if cluster is not None:
        if _enabled(cluster.get("PerformanceInsightsEnabled"), cluster.get("DatabaseInsightsMode")):
            return None
    return (
        f"RDS instance {resource.logical_id} does not enable Performance Insights, so its load "
        "and costly queries go unseen."
    )
