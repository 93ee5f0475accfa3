"""``green-constructs lint PATH...``: check templates and cdk.out directories."""

from __future__ import annotations

import argparse
import sys

from . import CommandError, emit

FORMATS = ("text", "json", "sarif")
FAIL_ON = ("error", "warning", "info", "never")


def _ratio(value: str) -> float:
    try:
        ratio = float(value)
    except ValueError:
        ratio = float("nan")
    if not ratio > 0 or ratio == float("inf"):
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number")
    return ratio


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``lint`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "lint",
        help="check CloudFormation templates or cdk.out directories",
        description="Check CloudFormation templates (JSON or YAML) or cdk.out directories "
        "against the sustainability rules. Exit 0: nothing at or above --fail-on; "
        "1: findings at or above it; 2: bad usage or unreadable input.",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="template file (JSON, YAML) or cdk.out directory"
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format (text)")
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="error",
        help="lowest severity of an unacknowledged finding that makes the exit code 1 (error)",
    )
    parser.add_argument("--pack", action="append", metavar="NAME", help="only this pack (repeat)")
    parser.add_argument("--rule", action="append", metavar="ID", help="only this rule (repeat)")
    parser.add_argument("--exclude", action="append", metavar="ID", help="skip this rule (repeat)")
    parser.add_argument(
        "--region", help="deployment region of templates whose cdk.out manifest does not say"
    )
    parser.add_argument(
        "--carbon-threshold",
        type=_ratio,
        metavar="RATIO",
        help="flag regions more than RATIO times as carbon-intensive as the greenest suitable one "
        "of the same geography (default 2)",
    )
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE, not stdout")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Lint ``args.paths`` and write the report; return the exit code."""
    from ..catalog import Catalog, UnknownRegionError
    from ..lint.decode import TemplateDecodeError
    from ..lint.reporters import chunks
    from ..lint.runner import lint
    from ..rules import RuleSettings, Severity, selection

    try:
        rules = selection(packs=args.pack, include=args.rule, exclude=args.exclude)
    except ValueError as error:
        raise CommandError(str(error)) from None
    if not rules.ids:
        raise CommandError("--pack, --rule and --exclude leave no rule to run")
    if args.region is not None:
        try:
            Catalog.default().region(args.region)
        except UnknownRegionError as error:
            raise CommandError(str(error)) from None
    settings = RuleSettings()
    if args.carbon_threshold is not None:
        settings = RuleSettings(carbon_intensity_ratio=args.carbon_threshold)
    try:
        result = lint(args.paths, rules, region=args.region, settings=settings)
    except TemplateDecodeError as error:
        raise CommandError(str(error)) from None
    for name in result.unknown_regions:
        print(
            f"green-constructs: warning: region {name!r} is not in the catalog: "
            "GenAI-RegionCarbonIntensity cannot judge it",
            file=sys.stderr,
        )
    emit(chunks(args.format, result), args.output)
    threshold = None if args.fail_on == "never" else Severity(args.fail_on)
    return 1 if result.fails(threshold) else 0
