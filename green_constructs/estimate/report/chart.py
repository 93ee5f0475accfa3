"""An inline SVG bar chart of an estimate: no JavaScript, no fonts or files to fetch.

Two panels on one linear scale each: monthly operational emissions per resource (our design
beside the naive baseline), then the totals (ours, ours in the greenest suitable region and in
the baseline's region, the baseline). Bar lengths carry the message; the numbers at the bar ends are a bonus.
"""

from __future__ import annotations

from html import escape

from ..results import Estimate
from .rows import partial

OURS = "#2e7d32"
GREENEST = "#81c784"
BASELINE = "#9e9e9e"
WIDTH = 760
LABEL = 230
BAR = 14
GAP = 10
_MIN_VISIBLE = 1.5


def svg_chart(estimate: Estimate) -> str:
    """The chart as a standalone ``<svg>`` element (valid as a file and inline in HTML)."""
    rows = _resource_rows(estimate)
    totals = _total_rows(estimate)
    body: list[str] = []
    y = 28
    body.append(
        _text(
            12,
            18,
            "Monthly operational emissions (kg CO2e, location-based)",
            weight="bold",
            size=14,
        )
    )
    y = _legend(body, y)
    y = _panel(body, y, "By resource: our design vs the naive baseline", rows)
    y = _panel(body, y + 8, "In total", totals)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y + 8}" '
        f'viewBox="0 0 {WIDTH} {y + 8}" role="img" '
        f'aria-label="Emissions by resource and versus the naive baseline" '
        f'font-family="Helvetica, Arial, sans-serif">'
        f'<rect width="100%" height="100%" fill="#ffffff"/>{"".join(body)}</svg>'
    )


def _resource_rows(estimate: Estimate) -> list[tuple[str, list[tuple[str, float | None]]]]:
    rows = []
    for ours, naive in zip(estimate.resources, estimate.baseline):
        rows.append(
            (
                ours.label,
                [
                    (OURS, ours.kgco2e if ours.estimated else None),
                    (BASELINE, naive.kgco2e if naive.estimated else None),
                ],
            )
        )
    return rows


def _total_rows(estimate: Estimate) -> list[tuple[str, list[tuple[str, float | None]]]]:
    ours, naive = estimate.total, estimate.baseline_total
    rows = [(partial("Our design", ours.unknown), [(OURS, ours.kgco2e)])]
    for key in ("greenest_region", "in_baseline_region"):
        found = estimate.comparisons.get(key)
        if found:
            label = partial(f"Ours in {found['region']}", found["unknown_resources"])
            rows.append((label, [(GREENEST, found["kgco2e_month"])]))
    label = "Naive baseline (partial)" if naive.unknown else "Naive baseline (us-east-1)"
    rows.append((label, [(BASELINE, naive.kgco2e)]))
    return rows


def _legend(body: list[str], y: int) -> int:
    x = 12
    for color, name in (
        (OURS, "our design"),
        (GREENEST, "ours, in another region"),
        (BASELINE, "naive baseline"),
    ):
        body.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{color}"/>')
        body.append(_text(x + 20, y + 12, name))
        x += 40 + 8 * len(name)
    return y + 26


def _panel(
    body: list[str], y: int, title: str, rows: list[tuple[str, list[tuple[str, float | None]]]]
) -> int:
    body.append(_text(12, y + 12, title, weight="bold"))
    y += 22
    values = [v for _, bars in rows for _, v in bars if v is not None]
    top = max(values, default=0.0) or 1.0
    span = WIDTH - LABEL - 90
    for label, bars in rows:
        height = len(bars) * (BAR + 2)
        body.append(_text(LABEL - 8, y + height / 2 + 4, _short(label), anchor="end"))
        for color, value in bars:
            if value is None:
                body.append(_text(LABEL + 4, y + BAR - 3, "not estimated", size=11, fill="#b71c1c"))
            else:
                length = max(_MIN_VISIBLE, value / top * span) if value > 0 else 0
                body.append(
                    f'<rect x="{LABEL}" y="{y}" width="{length:.1f}" height="{BAR}" fill="{color}"/>'
                )
                body.append(
                    _text(LABEL + length + 6, y + BAR - 3, _number(value), size=11, fill="#424242")
                )
            y += BAR + 2
        y += GAP
    return y


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    weight: str = "normal",
    size: int = 12,
    fill: str = "#212121",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'
    )
