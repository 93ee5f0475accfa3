"""Write the estimate into a cloud assembly after synthesis, and print a short summary.

``write_report(app)`` in an app's ``__main__`` (after ``app.synth()``) writes
``green-constructs-estimate.json``, ``.html`` and ``.md`` (+ ``.svg``) into cdk.out and prints
four lines on stderr, so ``cdk synth``'s template output on stdout stays clean.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from .estimator import estimate_path
from .ranges import describe, driven_by
from .report import render, svg_chart
from .report.rows import left_out, money, number, problems, ratio_breakdown
from .results import Estimate
from .workload import Workload, load_workload

REPORT_NAME = "green-constructs-estimate"


def write_report(
    app_or_outdir: Any,
    *,
    workload: Workload | str | Path | None = None,
    stream: TextIO | None = None,
    grid: str | None = None,
) -> Estimate:
    """Estimate the assembly of ``app_or_outdir`` (a synthesized ``aws_cdk.App``, or a cdk.out
    path) under ``workload`` (a :class:`Workload` or a file) with the grid factors of ``grid``
    (``lifecycle``, the default, or ``ccf``), write the reports next to the templates and print
    the summary to ``stream`` (default stderr)."""
    outdir = Path(_outdir(app_or_outdir))
    if isinstance(workload, (str, Path)):
        workload = load_workload(workload)
    estimate = estimate_path(outdir, workload=workload, grid=grid)
    (outdir / f"{REPORT_NAME}.json").write_text(render("json", estimate), encoding="utf-8")
    (outdir / f"{REPORT_NAME}.html").write_text(render("html", estimate), encoding="utf-8")
    (outdir / f"{REPORT_NAME}.svg").write_text(svg_chart(estimate), encoding="utf-8")
    (outdir / f"{REPORT_NAME}.md").write_text(
        render("markdown", estimate, chart_href=f"{REPORT_NAME}.svg"), encoding="utf-8"
    )
    print(summary(estimate, report=outdir / f"{REPORT_NAME}.html"), file=stream or sys.stderr)
    return estimate


def summary(estimate: Estimate, *, report: Path | None = None) -> str:
    """Three to seven lines: ours, the baseline and ratio, the ratio taken apart in kWh and kg
    CO2e (design in the same region, region, combined), the greenest region, drivers,
    problems, file."""
    ours, naive = estimate.total, estimate.baseline_total
    ratio = estimate.ratio_to_baseline
    lines = [
        f"Estimated footprint ({Path(estimate.workload).name if estimate.workload else 'default workload'}): "
        f"{number(ours.kwh)} kWh, "
        f"{describe(ours.kgco2e, _spread(estimate, 'ours'), ' kg CO2e')}, {money(ours.usd)} a month"
        + left_out(ours),
        "Naive GPU baseline in us-east-1 (same service level): "
        f"{number(naive.kwh)} kWh, {describe(naive.kgco2e, _spread(estimate, 'baseline'), ' kg CO2e')}, {money(naive.usd)}"
        + left_out(naive)
        + (f" ({ratio:g}x ours in kg CO2e{_ratio_spread(estimate)})" if ratio is not None else ""),
    ]
    parts = ratio_breakdown(estimate.ratios)
    if ratio is not None and parts:
        lines.append(f"Baseline over ours: {parts}")
    greenest = estimate.comparisons.get("greenest_region")
    if greenest:
        lines.append(
            f"Greenest suitable region: {greenest['region']} ({number(greenest['kgco2e_month'])} kg CO2e)"
        )
    driven = driven_by(estimate.ranges)
    if driven:
        lines.append(driven)
    noted = problems(estimate)
    if noted:
        lines.append(f"{len(noted)} problem(s) noted in the report")
    if report is not None:
        lines.append(f"Report: {report}")
    return "\n".join(lines)


def _spread(estimate: Estimate, which: str) -> list[float] | None:
    """The kg CO2e range of our total (``ours``) or the baseline's, when it has one."""
    return estimate.ranges.total(which)["kgco2e_month"] if estimate.ranges else None


def _ratio_spread(estimate: Estimate) -> str:
    pair = estimate.ranges.ratios_dict()["combined"]["kgco2e"] if estimate.ranges else None
    return (
        f", {pair[0]:g}-{pair[1]:g} over the assumptions' ranges"
        if pair and pair[0] != pair[1]
        else ""
    )


def _outdir(app_or_outdir: Any) -> str:
    if isinstance(app_or_outdir, (str, Path)):
        return str(app_or_outdir)
    synth = getattr(app_or_outdir, "synth", None)
    if synth is None:
        raise TypeError("app_or_outdir must be an aws_cdk.App or a cdk.out directory")
    return synth().directory
