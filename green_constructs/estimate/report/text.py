"""Plain-text report: aligned tables, problems, assumptions and coefficients."""

from __future__ import annotations

from collections.abc import Sequence

from ..results import Estimate
from .rows import (
    HEADERS,
    coefficient_rows,
    comparison_rows,
    headline,
    price_footnote,
    problems,
    region_price_fallbacks,
    resource_rows,
    strategy_rows,
    total_row,
)


def render(estimate: Estimate) -> str:
    """The estimate as a plain text report."""
    out = [f"Carbon and cost estimate per month (workload: {estimate.workload or 'defaults'})", ""]
    rows = resource_rows(estimate)
    rows.append(total_row("TOTAL", estimate.total, marked=bool(region_price_fallbacks(estimate))))
    rows.append(total_row("NAIVE BASELINE", estimate.baseline_total))
    out += _table(HEADERS, rows)
    footnote = price_footnote(estimate)
    out += [footnote] if footnote else []
    out += ["", headline(estimate), ""]
    out += _table(("design", "kg CO2e", "USD"), comparison_rows(estimate))
    strategies = strategy_rows(estimate)
    if strategies:
        out += ["", "Customization strategies (declared compute and tokens):"]
        out += _table(("strategy", "compute", "kg CO2e", "USD"), strategies)
    noted = problems(estimate)
    if noted:
        out += ["", "Problems:"]
        out += [f"  - {p.where}: {p.message}" for p in noted]
    out += ["", "Assumptions:"] + [f"  - {a}" for a in estimate.assumptions]
    out += ["", "Coefficients:"]
    out += [
        f"  - {name}: {f'{value} ' if value else ''}{unit} [{basis}] ({source})"
        for name, value, unit, basis, source in coefficient_rows(estimate)
    ]
    return "\n".join(out) + "\n"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]
