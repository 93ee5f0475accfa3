"""The rows every human-readable report shows, formatted once."""

from __future__ import annotations

from typing import Any

from ..evaluate import PRICED_AS
from ..footprint import PRICE_HOME_REGION
from ..ranges import describe, driven_by
from ..results import Estimate, Problem, ResourceEstimate, Totals

HEADERS = ("resource", "kind", "instance", "kWh", "kg CO2e", "embodied kg", "USD")


def money(value: float | None) -> str:
    """``$1,234.56``, or ``unknown``."""
    return "unknown" if value is None else f"${value:,.2f}"


def number(value: float | None) -> str:
    """A quantity as reports show it (3 significant digits below 100), or ``unknown``."""
    if value is None:
        return "unknown"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3g}"


PRICE_MARK = "*"
"""Marks a USD figure priced, in part, at us-east-1's price for another region."""


def resource_row(estimate: ResourceEstimate, *, marked: bool = False) -> tuple[str, ...]:
    """The report row of one resource's estimate; ``marked`` adds :data:`PRICE_MARK` to its
    cost (a us-east-1 price used for its region: :func:`region_price_fallbacks`)."""
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
        money(estimate.usd) + (PRICE_MARK if marked and estimate.usd is not None else ""),
    )


def resource_rows(estimate: Estimate) -> list[tuple[str, ...]]:
    """The report rows of our resources, costs priced at another region's price marked."""
    marked = {fallback[0] for fallback in region_price_fallbacks(estimate)}
    return [resource_row(e, marked=e.plan.resource in marked) for e in estimate.resources]


def region_price_fallbacks(estimate: Estimate) -> list[tuple[str, str, str, str]]:
    """(resource, region, instance type, feature) of each line of our design priced at the
    us-east-1 price because the catalog has none for the resource's region (the price
    coefficients' ``price_region_fallback``)."""
    fallbacks: dict[str, set[str]] = {}
    for c in estimate.coefficients:
        if c.price_region_fallback:
            fallbacks.setdefault(c.name, set()).add(c.price_region_fallback)
    found = []
    for e in estimate.resources:
        if not e.estimated:
            continue
        feature = PRICED_AS.get(e.plan.kind, "hosting")
        for line in e.lines:
            name = f"price ({line.what}, {feature})"
            if line.usd is not None and e.plan.region in fallbacks.get(name, ()):
                found.append((e.plan.resource, e.plan.region, line.what, feature))
    return found


def _region_name(region: str) -> str:
    return "the unknown region" if region == "*" else region


def price_footnote(estimate: Estimate) -> str:
    """``* us-east-1 price: no price for us-west-2 in the catalog`` under the resource table,
    or nothing when every cost is priced for its own region."""
    regions = sorted({_region_name(f[1]) for f in region_price_fallbacks(estimate)})
    if not regions:
        return ""
    return (
        f"{PRICE_MARK} {PRICE_HOME_REGION} price: no price for {', '.join(regions)} in the catalog"
    )


def problems(estimate: Estimate) -> list[Problem]:
    """The estimate's problems, then once per region the lines priced at us-east-1's price
    for it (``estimate.problems`` itself is not changed)."""
    found = list(estimate.problems)
    by_region: dict[str, list[str]] = {}
    for _, region, instance_type, feature in region_price_fallbacks(estimate):
        what = f"{instance_type} ({feature})"
        if what not in by_region.setdefault(region, []):
            by_region[region].append(what)
    for region, priced in sorted(by_region.items()):
        listed = ", ".join(priced[:-1]) + " and " + priced[-1] if len(priced) > 1 else priced[0]
        problem = Problem(
            _region_name(region),
            f"no SageMaker price for this region in the catalog: {listed} "
            f"{'are' if len(priced) > 1 else 'is'} priced at the {PRICE_HOME_REGION} price "
            f"(USD marked {PRICE_MARK})",
        )
        if problem not in found:
            found.append(problem)
    return found


def partial(text: str, unknown: int) -> str:
    """A total as shown: marked partial when it leaves out resources not estimated."""
    return f"{text} (partial)" if unknown and text != "unknown" else text


def total_row(label: str, totals: Totals, *, marked: bool = False) -> tuple[str, ...]:
    """The report row of ``totals``, under ``label``; ``marked`` as in :func:`resource_row`."""
    cost = money(totals.usd) + (PRICE_MARK if marked and totals.usd is not None else "")
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
    """Ours, the baseline, the ratio and its parts in kWh and kg CO2e (or why there is none)."""
    ours, naive = estimate.total, estimate.baseline_total
    ratio = estimate.ratio_to_baseline
    spread = estimate.ranges
    parts = ratio_breakdown(estimate.ratios)
    if ratio is not None:
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
    if ratio is not None and parts:
        line += f" Baseline over ours: {parts}."
    driven = driven_by(spread)
    return f"{line} {driven}" if driven else line


def ratio_breakdown(ratios: dict[str, dict[str, float | None]]) -> str:
    """The baseline over ours taken apart (:attr:`Estimate.ratios`) in both units: ``energy
    (kWh) 1.06x design, 1x region (the grid changes no kWh); emissions (kg CO2e) 1.06x design
    (same region), 3.24x region, 3.44x combined`` (empty when neither is comparable)."""
    said = []
    design, region = ratios["design"]["kwh"], ratios["region"]["kwh"]
    if design is not None:
        energy = f"energy (kWh) {design:g}x design"
        if region is not None and abs(region - 1) < 0.005:
            energy += ", 1x region (the grid changes no kWh)"
        elif region is not None:
            energy += f", {region:g}x region, {ratios['combined']['kwh']:g}x combined"
        said.append(energy)
    design, region = ratios["design"]["kgco2e"], ratios["region"]["kgco2e"]
    combined = ratios["combined"]["kgco2e"]
    if design is not None and region is not None and combined is not None:
        said.append(
            f"emissions (kg CO2e) {design:g}x design (same region), {region:g}x region, "
            f"{combined:g}x combined"
        )
    return "; ".join(said)


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
