"""The rows every human-readable report shows, formatted once."""

from __future__ import annotations

from typing import Any

from ..results import Estimate, ResourceEstimate, Totals

HEADERS = ("resource", "kind", "instance", "kWh", "kg CO2e", "embodied kg", "USD")


def money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.2f}"


def number(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3g}"


def resource_row(estimate: ResourceEstimate) -> tuple[str, ...]:
    plan = estimate.plan
    if not estimate.estimated:
        return (estimate.label, plan.kind, plan.instance_type or "-", "not estimated", "", "", "")
    return (
        estimate.label,
        plan.kind,
        plan.instance_type or "-",
        number(estimate.kwh),
        number(estimate.kgco2e),
        number(estimate.embodied_kgco2e),
        money(estimate.usd),
    )


def total_row(label: str, totals: Totals) -> tuple[str, ...]:
    cost = money(totals.usd) + ("" if totals.usd_complete else " (partial)")
    embodied = number(totals.embodied_kgco2e)
    if totals.embodied_kgco2e is not None and not totals.embodied_complete:
        embodied += " (partial)"
    return (label, "", "", number(totals.kwh), number(totals.kgco2e), embodied, cost)


def headline(estimate: Estimate) -> str:
    """One sentence: ours, the baseline, the ratio."""
    ours, naive = estimate.total, estimate.baseline_total
    ratio = estimate.to_dict()["ratio_to_baseline"]
    times = f"{ratio:g} times ours" if ratio is not None else "n/a (ours is zero)"
    return (
        f"Our design: {number(ours.kgco2e)} kg CO2e and {money(ours.usd)} a month; "
        f"the naive baseline: {number(naive.kgco2e)} kg CO2e and {money(naive.usd)} ({times})."
    )


def comparison_rows(estimate: Estimate) -> list[tuple[str, ...]]:
    """Our design as synthesized, in other regions, and the baseline: kg CO2e and USD."""
    rows = [("our design as synthesized", number(estimate.total.kgco2e), money(estimate.total.usd))]
    for key, label in (
        ("greenest_region", "greenest region offering {accelerator}"),
        ("in_baseline_region", "baseline region"),
    ):
        found: dict[str, Any] | None = estimate.comparisons.get(key)
        if found:
            title = (
                label.format(accelerator=found.get("accelerator", "any")) + f": {found['region']}"
            )
            rows.append(
                (
                    f"our design in the {title}",
                    number(found["kgco2e_month"]),
                    money(found["usd_month"]),
                )
            )
    naive = estimate.baseline_total
    rows.append(("naive baseline (us-east-1)", number(naive.kgco2e), money(naive.usd)))
    return rows


def strategy_rows(estimate: Estimate) -> list[tuple[str, ...]]:
    rows = []
    for row in estimate.comparisons.get("strategies", []):
        compute = f"{row['nodes']} x {row['instance_type']} x {row['hours_month']:g} h"
        if not row["estimated"]:
            rows.append((row["strategy"], compute, "not estimated", row["reason"]))
        else:
            rows.append(
                (row["strategy"], compute, number(row["kgco2e_month"]), money(row["usd_month"]))
            )
    return rows


def coefficient_rows(estimate: Estimate) -> list[tuple[str, ...]]:
    return [
        (c.name, "" if c.value is None else f"{c.value:g}", c.unit.strip(), c.basis, c.source)
        for c in estimate.coefficients
    ]
