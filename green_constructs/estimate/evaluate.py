"""Footprints of resource plans: every line through the one formula of :mod:`.footprint`."""

from __future__ import annotations

from ..catalog import Catalog, CatalogError
from .footprint import Coefficient, instance_footprint, shape_footprint, storage_footprint
from .results import Line, ResourceEstimate, ResourcePlan, UsagePlan
from .tokens import token_footprint


class CoefficientLog:
    """The coefficients estimates used, each listed once."""

    def __init__(self) -> None:
        self._seen: dict[tuple, Coefficient] = {}

    def add(self, coefficients: tuple[Coefficient, ...]) -> None:
        """Note ``coefficients``, each once."""
        for coefficient in coefficients:
            key = (coefficient.name, coefficient.value, coefficient.unit, coefficient.source)
            self._seen.setdefault(key, coefficient)

    def listed(self) -> list[Coefficient]:
        """The coefficients noted, by name."""
        return sorted(self._seen.values(), key=lambda c: c.name)


def evaluate(
    plan: ResourcePlan, *, catalog: Catalog, log: CoefficientLog, region: str | None = None
) -> ResourceEstimate:
    """The monthly footprint of ``plan`` in ``region`` (default: the plan's own).

    A plan with a ``reason``, an unknown instance type or an accelerator without a power figure
    gives an estimate with ``estimated=False`` and the reason: never a silent zero.
    """
    if plan.reason is not None:
        return ResourceEstimate(plan, estimated=False, reason=plan.reason)
    where = region or plan.region
    lines = []
    for usage in plan.usages:
        try:
            lines.append(_line(usage, where, catalog, log, PRICED_AS.get(plan.kind, "hosting")))
        except (CatalogError, ValueError) as error:
            return ResourceEstimate(plan, estimated=False, reason=str(error))
    return ResourceEstimate(plan, lines=lines)


PRICED_AS = {
    "realtime-endpoint": "hosting",
    "async-endpoint": "async",
    "transform-job": "transform",
    "training-job": "training",
    "hyperpod-cluster": "hyperpod",
    "processing-job": "processing",
}
"""Plan kind -> the SageMaker feature its instance-hours are priced for (``footprint.
price_coefficient``); other kinds are priced as hosting."""


def _line(
    usage: UsagePlan, region: str, catalog: Catalog, log: CoefficientLog, feature: str
) -> Line:
    if usage.storage_gb is not None:
        stored = storage_footprint(
            gb=usage.storage_gb, hours=usage.hours, region=region, catalog=catalog
        )
        log.add(stored.coefficients)
        return Line(
            usage.phase, usage.label, 1, usage.hours, 0.0, stored.kwh, stored.kgco2e, None, None
        )
    if usage.tokens is not None:
        days = usage.hours / 24
        used = token_footprint(
            usage.tokens.model,
            input_tokens=usage.tokens.input_tokens_per_day * days,
            output_tokens=usage.tokens.output_tokens_per_day * days,
            region=region,
            batch=usage.tokens.batch,
            catalog=catalog,
        )
        log.add(used.coefficients)
        return Line(
            usage.phase, usage.label, 1, usage.hours, 0.0, used.kwh, used.kgco2e, None, None
        )
    if usage.shape is not None:
        found = shape_footprint(
            usage.shape,
            hours=usage.hours,
            region=region,
            utilization=usage.utilization,
            count=usage.count,
            catalog=catalog,
            feature=feature,
        )
        log.add(
            (
                Coefficient(
                    "serverless compute", None, "vCPU per MB", "assumption", usage.shape.source
                ),
            )
        )
    else:
        found = instance_footprint(
            usage.instance_type or "",
            hours=usage.hours,
            region=region,
            utilization=usage.utilization,
            count=usage.count,
            catalog=catalog,
            feature=feature,
        )
    log.add(found.coefficients)
    return Line(
        usage.phase,
        usage.label,
        usage.count,
        usage.hours,
        usage.utilization,
        found.kwh,
        found.kgco2e,
        found.embodied_kgco2e,
        found.usd,
    )
