"""Markdown report. The chart is an SVG file next to the report when one is written (GitHub and
most viewers render a relative image link, few render data URIs), else a data URI."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from ..results import Estimate
from .chart import svg_chart
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


def render(estimate: Estimate, *, chart_href: str | None = None) -> str:
    """The estimate as a Markdown report; the chart is ``chart_href``, else embedded."""
    if chart_href is None:
        encoded = base64.b64encode(svg_chart(estimate).encode("utf-8")).decode("ascii")
        chart_href = f"data:image/svg+xml;base64,{encoded}"
    out = [
        "# Carbon and cost estimate",
        "",
        f"Per month, workload: `{estimate.workload or 'defaults'}`. {headline(estimate)}",
        "",
        f"![Monthly emissions by resource and versus the naive baseline]({chart_href})",
        "",
        "## Resources",
        "",
    ]
    rows = resource_rows(estimate)
    rows += [
        total_row("**Total**", estimate.total, marked=bool(region_price_fallbacks(estimate))),
        total_row("**Naive baseline**", estimate.baseline_total),
    ]
    out += _table(HEADERS, rows)
    footnote = price_footnote(estimate)
    out += ["", footnote.replace("*", "\\*", 1)] if footnote else []
    out += ["", "## Comparisons", ""]
    out += _table(("design", "kg CO2e", "USD"), comparison_rows(estimate))
    strategies = strategy_rows(estimate)
    if strategies:
        out += ["", "### Customization strategies (declared compute and tokens)", ""]
        out += _table(("strategy", "compute", "kg CO2e", "USD"), strategies)
    noted = problems(estimate)
    if noted:
        out += ["", "## Problems", ""] + [f"- `{p.where}`: {p.message}" for p in noted]
    out += ["", "## Assumptions", ""] + [f"- {a}" for a in estimate.assumptions]
    out += ["", "## Coefficients", ""]
    out += _table(("name", "value", "unit", "basis", "source"), coefficient_rows(estimate))
    return "\n".join(out) + "\n"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return [line(headers), line(["---"] * len(headers)), *(line(r) for r in rows)]
