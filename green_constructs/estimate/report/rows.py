"""The rows every human-readable report shows, formatted once."""

from __future__ import annotations

from typing import Any

from ..ranges import describe, driven_by
from ..results import Estimate, ResourceEstimate, Totals

HEADERS = ("resource", "kind", "instance", "kWh", "kg CO2e", "embodied kg", "USD")


def money(value: float | None) -> str:
    """``$1,234.56``, or ``unknown``."""
    return "unknown" if value is None else f"${value:,.2f}"


def number(value: float | None) -> str:
    """A quantity as reports show it (3 significant digits below 100), or ``unknown``."""
    if value is None:
        return "unknown"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3g}"


def resource_row(estimate: ResourceEstimate) -> tuple[str, ...]:
    """The report row of one resource's estimate."""
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


def partial(text: str, unknown: int) -> str:
    """A total as shown: marked partial when it leaves out resources not estimated."""
    return f"{text} (partial)" if unknown and text != "unknown" else text


def total_row(label: str, totals: Totals) -> tuple[str, ...]:
    """The report row of ``totals``, under ``label``."""
    cost = money(totals.usd)
    cost += "" if totals.usd_complete or totals.usd is None else " (partial)"
    embodied = number(totals.embodied_kgco2e)
    if totals.embodied_kgco2e is not None and not totals.embodied_complete:
        embodied += " (partial)"
    return (
        label,
        "",
        "",
        partial(number(totals.kwh), totals.unknown),
        partial(number(totals.kgco2e), totals.unknown),
        embodied,
        cost,
    )


def headline(estimate: Estimate) -> str:
    """One sentence: ours, the baseline, the ratio taken apart (or why there is none)."""
    ours, naive = estimate.total, estimate.baseline_total
    ratio = estimate.ratio_to_baseline
    ratios = estimate.ratios
    design, region = ratios["design"]["kgco2e"], ratios["region"]["kgco2e"]
    spread = estimate.ranges
    if ratio is not None and design is not None and region is not None:
        spread_text = _ratio_range(estimate)
        times = (
            f"{ratio:g} times ours ({spread_text + '; ' if spread_text else ''}{design:g}x "
            f"from the design in the same region, {region:g}x from the region)"
        )
    elif ratio is not None:
        spread_text = _ratio_range(estimate)
        times = f"{ratio:g} times ours" + (f" ({spread_text})" if spread_text else "")
    elif not (ours.complete and naive.complete):
        times = "no ratio: resources not estimated are left out"
    else:
        times = "no ratio: ours is zero"
    line = (
        f"Our design: {_amounts(ours, spread.total('ours') if spread else None)}; the naive "
        f"baseline: {_amounts(naive, spread.total('baseline') if spread else None)}; {times}."
    )
    driven = driven_by(spread)
    return f"{line} {driven}" if driven else line


def _ratio_range(estimate: Estimate) -> str:
    """``2.48-6.57 over the assumptions' ranges``, or nothing when it has none."""
    spread = estimate.ranges.ratios_dict() if estimate.ranges else None
    pair = spread["combined"]["kgco2e"] if spread else None
    if not pair or pair[0] == pair[1]:
        return ""
    return f"{pair[0]:g}-{pair[1]:g} over the assumptions' ranges"


def left_out(totals: Totals) -> str:
    """`` (partial: 2 resource(s) not estimated)`` when a total leaves resources out, else
    nothing."""
    if not totals.unknown:
        return ""
    kind = "partial: " if totals.kgco2e is not None else ""
    return f" ({kind}{totals.unknown} resource(s) not estimated)"


def _amounts(totals: Totals, spread: dict | None = None) -> str:
    if totals.kgco2e is None:
        return "unknown" + left_out(totals)
    pair = spread.get("kgco2e_month") if spread else None
    return f"{describe(totals.kgco2e, pair, ' kg CO2e')} and {money(totals.usd)} a month{left_out(totals)}"


def comparison_rows(estimate: Estimate) -> list[tuple[str, ...]]:
    """Our design as synthesized, in other regions, and the baseline: kg CO2e and USD."""
    total = estimate.total
    rows: list[tuple[str, ...]] = [
        (
            "our design as synthesized",
            partial(number(total.kgco2e), total.unknown),
            partial(money(total.usd), total.unknown),
        )
    ]
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
                    partial(number(found["kgco2e_month"]), found["unknown_resources"]),
                    partial(money(found["usd_month"]), found["unknown_resources"]),
                )
            )
    naive = estimate.baseline_total
    rows.append(
        (
            "naive baseline (us-east-1)",
            partial(number(naive.kgco2e), naive.unknown),
            partial(money(naive.usd), naive.unknown),
        )
    )
    for alternative in estimate.alternative_baselines:
        other = alternative.total
        rows.append(
            (
                f"alternative baseline (us-east-1): {alternative.description}",
                partial(number(other.kgco2e), other.unknown),
                partial(money(other.usd), other.unknown),
            )
        )
    return rows


def strategy_rows(estimate: Estimate) -> list[tuple[str, ...]]:
    """The report rows of the estimate's alternative strategies."""
    rows: list[tuple[str, ...]] = []
    for row in estimate.comparisons.get("strategies", []):
        compute = _strategy_compute(row)
        if not row["estimated"]:
            rows.append((row["strategy"], compute, "not estimated", row["reason"]))
        else:
            rows.append(
                (row["strategy"], compute, number(row["kgco2e_month"]), money(row["usd_month"]))
            )
    return rows


def _strategy_compute(row: dict) -> str:
    """``1 x ml.trn1.32xlarge x 13 h + amazon.nova-micro-v1:0 tokens + 1 OCU kept up``."""
    compute = f"{row['nodes']} x {row['instance_type']} x {row['hours_month']:g} h"
    parts = row.get("parts")
    if not parts:
        return compute if row["instance_type"] else "Bedrock tokens"
    words = {"compute": compute, "bedrock": "{} tokens", "vector-store": "{} kept up"}
    return " + ".join(words[p["part"]].format(p["what"]) for p in parts)


def coefficient_rows(estimate: Estimate) -> list[tuple[str, ...]]:
    """The report rows of the coefficients the estimate used."""
    return [
        (c.name, "" if c.value is None else f"{c.value:g}", c.unit.strip(), c.basis, c.source)
        for c in estimate.coefficients
    ]
