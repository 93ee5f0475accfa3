"""Comparisons beside an estimate: the greenest suitable region, and customization strategies."""

from __future__ import annotations

from typing import Any

from ..catalog import Catalog, CatalogError
from .evaluate import CoefficientLog, evaluate
from .footprint import instance_footprint
from .results import ResourcePlan, Totals
from .workload import Strategy

NEURON_KINDS = ("trainium", "inferentia")


def accelerator_kind(plans: list[ResourcePlan], catalog: Catalog) -> str | None:
    """``trainium`` or ``inferentia`` when the design uses Neuron instances, else None (GPU and
    CPU instances are offered in every region of the catalog)."""
    kinds = set()
    for plan in plans:
        for usage in plan.usages:
            family = catalog.find_family(usage.instance_type) if usage.instance_type else None
            if family is not None:
                kinds.add(family.kind)
    return next((k for k in NEURON_KINDS if k in kinds), None)


def region_comparison(
    plans: list[ResourcePlan], *, catalog: Catalog, log: CoefficientLog, region: str
) -> dict[str, Any]:
    """The same design in ``region``: totals as in the estimate's JSON."""
    estimates = [evaluate(p, catalog=catalog, log=log, region=region) for p in plans]
    return {"region": region, **Totals.of(estimates).to_dict()}


def greenest_region(
    plans: list[ResourcePlan], catalog: Catalog, deployable: list[str] | None = None
) -> tuple[str, str | None]:
    """The lowest-intensity region offering the accelerators in use, and that kind: the first
    of ``deployable`` (regions where nothing the templates use is known to be missing, greenest
    first) when given, else of the regions offering the accelerator kind."""
    kind = accelerator_kind(plans, catalog)
    if deployable:
        return deployable[0], kind
    return catalog.regions_by_intensity(kind)[0].name, kind


def strategy_comparison(
    strategies: tuple[Strategy, ...], *, region: str, catalog: Catalog, log: CoefficientLog
) -> list[dict[str, Any]]:
    """Monthly footprint of each declared customization strategy's compute in ``region``.

    It compares what the workload declares (instance type, hours, nodes), nothing more.
    """
    rows = []
    for strategy in strategies:
        row: dict[str, Any] = {
            "strategy": strategy.name,
            "instance_type": strategy.instance_type,
            "nodes": strategy.nodes,
            "hours_month": strategy.hours_per_month,
            "region": region,
        }
        try:
            found = instance_footprint(
                strategy.instance_type,
                hours=strategy.hours_per_month,
                region=region,
                utilization=strategy.utilization,
                count=strategy.nodes,
                catalog=catalog,
            )
        except (CatalogError, ValueError) as error:
            rows.append({**row, "estimated": False, "reason": str(error)})
            continue
        log.add(found.coefficients)
        rows.append(
            {
                **row,
                "estimated": True,
                "kwh_month": round(found.kwh, 3),
                "kgco2e_month": round(found.kgco2e, 3),
                "embodied_kgco2e_month": (
                    None if found.embodied_kgco2e is None else round(found.embodied_kgco2e, 3)
                ),
                "usd_month": None if found.usd is None else round(found.usd, 2),
            }
        )
    return rows
