"""EMR task capacity should run on Spot Instances."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource, Severity
from ..registry import rule
from ..values import as_int

GROUP = "AWS::EMR::InstanceGroupConfig"
FLEET = "AWS::EMR::InstanceFleetConfig"
CLUSTER = "AWS::EMR::Cluster"


def _group_on_demand(group: Mapping[str, Any]) -> bool:
    """An instance group without a BidPrice and with Market ON_DEMAND (the default)."""
    market = group.get("Market")
    if group.get("BidPrice") is not None or is_intrinsic(market):
        return False
    return market is None or str(market).upper() != "SPOT"


def _fleet_on_demand(fleet: Mapping[str, Any]) -> bool:
    """An instance fleet whose TargetSpotCapacity is 0 or not set (0 by default)."""
    spot = fleet.get("TargetSpotCapacity")
    return spot is None or as_int(spot) == 0


def _on_demand_task_capacity(cluster: Resource) -> list[str]:
    names: list[str] = []
    checks = (("TaskInstanceGroups", _group_on_demand), ("TaskInstanceFleets", _fleet_on_demand))
    for key, on_demand in checks:
        entries = cluster.get(f"Instances.{key}")
        for index, entry in enumerate(entries if isinstance(entries, list) else ()):
            if isinstance(entry, dict) and not is_intrinsic(entry) and on_demand(entry):
                names.append(str(entry.get("Name") or f"{key}[{index}]"))
    return names


@rule(
    id="Sustainability-EmrSpotInstances",
    severity=Severity.WARNING,
    title="EMR task capacity without Spot Instances",
    explanation=(
        "Spot Instances run on spare EC2 capacity that would otherwise sit idle; EMR task nodes "
        "hold no HDFS data, so they can be interrupted safely."
    ),
    remediation=(
        "Use Market: SPOT (optionally with a BidPrice) on task instance groups, or a "
        "TargetSpotCapacity above 0 on task instance fleets."
    ),
    best_practices=("SUS05-BP02",),
    resource_types=(GROUP, FLEET, CLUSTER),
    equivalents=(
        "sustainability-scanner:emr_use_spot",
        "sustainability-scanner:emr_target_spot_config_configured",
    ),
    notes=(
        "The scanner's instance-group and instance-fleet checks are one rule here. An instance "
        "group with Market: SPOT and no BidPrice is Spot (the scanner requires a BidPrice); a "
        "fleet without TargetSpotCapacity has no Spot capacity and is flagged (the scanner "
        "passes it). Task groups and fleets declared inline in AWS::EMR::Cluster are checked "
        "too; core and master nodes are not."
    ),
)
def emr_spot_instances(resource: Resource, template: TemplateContext) -> str | None:
    if resource.type == CLUSTER:
        names = _on_demand_task_capacity(resource)
        if not names:
            return None
        return (
            f"EMR cluster {resource.logical_id} runs task capacity {', '.join(names)} on "
            "On-Demand Instances only."
        )
    if resource.type == GROUP and _group_on_demand(resource.properties):
        return (
            f"EMR instance group {resource.logical_id} runs On-Demand: it sets neither "
            "Market: SPOT nor a BidPrice."
        )
    if resource.type == FLEET and _fleet_on_demand(resource.properties):
        return (
            f"EMR instance fleet {resource.logical_id} has no Spot capacity "
            "(TargetSpotCapacity is 0 or not set)."
        )
    return None
