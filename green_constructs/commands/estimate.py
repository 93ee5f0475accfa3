"""``green-constructs estimate PATH``: energy, emissions and cost of a design under a workload."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from . import CommandError, emit

if TYPE_CHECKING:
    from pathlib import Path

FORMATS = ("text", "json", "markdown", "html")
GRIDS = ("lifecycle", "ccf")
"""The catalog's grid factor tables (``catalog.loader.GRIDS``; named here so that building
the parser imports no catalog)."""
DEFAULT_GRID = "lifecycle"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``estimate`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "estimate",
        help="estimate monthly energy, emissions and cost of a cdk.out or template",
        description="Estimate the monthly energy (kWh), location-based emissions (kg CO2e, "
        "operational and embodied) and indicative cost of the SageMaker endpoints, jobs, "
        "HyperPod clusters and sized buckets of a cdk.out directory or template, under a "
        "workload profile, beside a naive 24/7 GPU baseline in us-east-1. Exit 0: report "
        "written; 2: bad usage or unreadable input.",
    )
    parser.add_argument("path", metavar="PATH", help="cdk.out directory or template file")
    parser.add_argument(
        "--workload",
        metavar="FILE|NAME",
        help="workload profile, a YAML or JSON file or a reference workload shipped with the "
        "package by name: bursty-chat, default-app, nightly-batch-summarization, "
        "weekly-finetune",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format (text)")
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write the report to FILE, not stdout (markdown: the chart goes to FILE's .svg)",
    )
    parser.add_argument(
        "--region", help="deployment region of templates whose cdk.out manifest does not say"
    )
    parser.add_argument(
        "--coefficients",
        metavar="FILE",
        help="coefficient overrides, YAML or JSON (grid_intensity, power, constants)",
    )
    parser.add_argument(
        "--grid",
        choices=GRIDS,
        default=DEFAULT_GRID,
        help="grid emission factors: lifecycle (default: Electricity Maps' 2025 lifecycle "
        "intensity of each region's grid) or ccf (Cloud Carbon Footprint's factors: EPA "
        "eGRID2020, EEA and carbonfootprint.com 2022, for parity with CCF)",
    )
    parser.add_argument(
        "--allow-unmatched",
        action="store_true",
        help="report workload resources that match nothing as problems instead of failing",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Estimate the footprint of ``args.path`` and write the report; return the exit code."""
    from ..estimate.coefficients import load_coefficients
    from ..estimate.estimator import estimate_path
    from ..estimate.report import render, svg_chart
    from ..estimate.workload import Workload, WorkloadError, load_workload
    from ..lint.decode import TemplateDecodeError

    try:
        os.stat(args.path)
    except FileNotFoundError:
        raise CommandError(f"{args.path}: no such file or directory") from None
    except OSError as error:  # a name too long for the file system, for one
        raise CommandError(f"{args.path}: cannot read: {error.strerror or error}") from None
    chart = _chart_path(args.output) if args.format == "markdown" and args.output else None
    try:
        workload = load_workload(args.workload) if args.workload else Workload()
        overrides = load_coefficients(args.coefficients) if args.coefficients else None
        estimate = estimate_path(
            args.path,
            workload=workload,
            region=args.region,
            coefficient_overrides=overrides,
            allow_unmatched=args.allow_unmatched,
            grid=args.grid,
        )
    except (WorkloadError, TemplateDecodeError) as error:
        raise CommandError(str(error)) from None
    chart_href = None
    if chart is not None:
        emit(svg_chart(estimate), str(chart))
        chart_href = chart.name
    emit(render(args.format, estimate, chart_href=chart_href), args.output)
    return 0


def _chart_path(output: str) -> Path:
    """Where a Markdown report written to ``output`` puts its chart: ``output`` as ``.svg``."""
    from pathlib import Path

    report = Path(output)
    if not report.name:
        raise CommandError(f"--output: {output!r} names no file")
    chart = report.with_suffix(".svg")
    if chart == report:
        raise CommandError(
            f"--output: the Markdown report and its chart would both be {output}; "
            "name the report .md"
        )
    return chart
