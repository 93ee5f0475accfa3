"""Comparisons beside an estimate: the greenest suitable region, and customization strategies."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..catalog import Catalog, CatalogError
from .evaluate import CoefficientLog, evaluate
from .footprint import instance_footprint, shape_footprint
from .results import ResourcePlan, Totals
from .tokens import token_footprint
from .vector_stores import OCU
from .workload import DAYS_PER_MONTH, HOURS_PER_MONTH, Strategy

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
    """Monthly footprint of each declared customization strategy in ``region``: its instance
    compute (training or hosting), its Bedrock tokens and the OpenSearch Serverless capacity
    it keeps up for retrieval, each part listed.

    It compares what the workload declares, nothing more: it does not judge model quality.
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
            parts = list(_strategy_parts(strategy, region, catalog, log))
        except (CatalogError, ValueError) as error:
            rows.append({**row, "estimated": False, "reason": str(error)})
            continue
        rows.append(
            {
                **row,
                "estimated": True,
                "kwh_month": round(sum(p["kwh_month"] for p in parts), 3),
                "kgco2e_month": round(sum(p["kgco2e_month"] for p in parts), 3),
                "embodied_kgco2e_month": _sum_known(p["embodied_kgco2e_month"] for p in parts),
                "usd_month": _sum_known(p["usd_month"] for p in parts),
                "parts": parts,
            }
        )
    return rows


def _strategy_parts(
    strategy: Strategy, region: str, catalog: Catalog, log: CoefficientLog
) -> Iterator[dict[str, Any]]:
    """``{"part", "what", "kwh_month", "kgco2e_month", "embodied_kgco2e_month", "usd_month"}``
    for the compute, each model's tokens and the vector store of ``strategy``."""
    if strategy.instance_type is not None:
        found = instance_footprint(
            strategy.instance_type,
            hours=strategy.hours_per_month,
            region=region,
            utilization=strategy.utilization,
            count=strategy.nodes,
            catalog=catalog,
        )
        log.add(found.coefficients)
        yield _part("compute", strategy.instance_type, found.kwh, found.kgco2e,
                    found.embodied_kgco2e, found.usd)  # fmt: skip
    for usage in strategy.tokens:
        tokens = token_footprint(
            usage.model,
            input_tokens=usage.input_tokens_per_day * DAYS_PER_MONTH,
            output_tokens=usage.output_tokens_per_day * DAYS_PER_MONTH,
            region=region,
            batch=usage.batch,
            catalog=catalog,
        )
        log.add(tokens.coefficients)
        yield _part("bedrock", usage.model, tokens.kwh, tokens.kgco2e, None, None)
    if strategy.vector_store_ocus:
        store = shape_footprint(
            OCU, hours=HOURS_PER_MONTH, region=region, count=strategy.vector_store_ocus,
            catalog=catalog,
        )  # fmt: skip
        log.add(store.coefficients)
        yield _part("vector-store", f"{strategy.vector_store_ocus:g} OCU", store.kwh,
                    store.kgco2e, None, None)  # fmt: skip


def _part(
    part: str, what: str, kwh: float, kg: float, embodied: float | None, usd: float | None
) -> dict[str, Any]:
    return {
        "part": part,
        "what": what,
        "kwh_month": round(kwh, 3),
        "kgco2e_month": round(kg, 3),
        "embodied_kgco2e_month": None if embodied is None else round(embodied, 3),
        "usd_month": None if usd is None else round(usd, 2),
    }


def _sum_known(values: Iterable[float | None]) -> float | None:
    """The sum, or None when any value is unknown (never a partial figure)."""
    listed = list(values)
    return None if any(v is None for v in listed) else round(sum(listed), 3)  # type: ignore[arg-type]
