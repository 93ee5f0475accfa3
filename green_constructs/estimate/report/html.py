"""A standalone HTML report: inline CSS and SVG, no script, nothing fetched."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

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

_STYLE = """
body{font-family:Helvetica,Arial,sans-serif;margin:2rem auto;max-width:60rem;color:#212121;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border-bottom:1px solid #e0e0e0;padding:.3rem .6rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold;border-top:2px solid #9e9e9e}
.lead{font-size:1.05rem;background:#e8f5e9;padding:.6rem .9rem;border-left:4px solid #2e7d32}
li{margin:.2rem 0}.small{font-size:.8rem;color:#616161}
"""


def render(estimate: Estimate) -> str:
    """The estimate as an HTML page."""
    rows = resource_rows(estimate)
    footnote = price_footnote(estimate)
    totals = [
        total_row("Total", estimate.total, marked=bool(region_price_fallbacks(estimate))),
        total_row("Naive baseline", estimate.baseline_total),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Carbon and cost estimate</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Carbon and cost estimate</h1>",
        f'<p class="small">Per month. Workload: {escape(estimate.workload or "defaults")}.</p>',
        f'<p class="lead">{escape(headline(estimate))}</p>',
        svg_chart(estimate),
        "<h2>Resources</h2>",
        _table(HEADERS, rows, totals=totals, numeric=range(3, 7)),
        *([f'<p class="small">{escape(footnote)}</p>'] if footnote else []),
        "<h2>Comparisons</h2>",
        _table(("design", "kg CO2e", "USD"), comparison_rows(estimate), numeric=range(1, 3)),
    ]
    strategies = strategy_rows(estimate)
    if strategies:
        parts += [
            "<h2>Customization strategies (declared compute and tokens)</h2>",
            _table(("strategy", "compute", "kg CO2e", "USD"), strategies, numeric=range(2, 4)),
        ]
    noted = problems(estimate)
    if noted:
        parts += ["<h2>Problems</h2>", _list(f"{p.where}: {p.message}" for p in noted)]
    parts += ["<h2>Assumptions</h2>", _list(estimate.assumptions)]
    parts += [
        "<h2>Coefficients</h2>",
        _table(
            ("name", "value", "unit", "basis", "source"),
            coefficient_rows(estimate),
            numeric=range(1, 2),
        ),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    totals: Sequence[Sequence[str]] = (),
    numeric: range = range(0),
) -> str:
    def cells(row: Sequence[str]) -> str:
        return "".join(
            f'<td class="n">{escape(str(c))}</td>' if i in numeric else f"<td>{escape(str(c))}</td>"
            for i, c in enumerate(row)
        )

    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(f"<tr>{cells(r)}</tr>" for r in rows)
    body += "".join(f'<tr class="total">{cells(r)}</tr>' for r in totals)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{escape(str(i))}</li>" for i in items) + "</ul>"
