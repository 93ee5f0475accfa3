"""``green-constructs preflight PATH...``: what in a cdk.out or template will not deploy."""

from __future__ import annotations

import argparse
import json
from typing import Any

from . import CommandError, emit

FORMATS = ("text", "json")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``preflight`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "preflight",
        help="check that a stack's region offers its images, instance types and Bedrock models",
        description="Check every SageMaker image against the SageMaker SDK's image tables for "
        "its region, every instance type against the SageMaker feature that uses it in "
        "that region, and every Amazon Bedrock model against the catalog's bedrock_models.csv "
        "(hand-transcribed: a region it does not list is unknown, not a blocker); with --aws, also ask the account for the image manifests and Service "
        "Quotas. Exit 0: nothing blocks; 1: something will not deploy; 2: bad usage or "
        "unreadable input.",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="template file (JSON, YAML) or cdk.out directory"
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format (text)")
    parser.add_argument(
        "--region", help="deployment region of templates whose cdk.out manifest does not say"
    )
    parser.add_argument(
        "--aws",
        action="store_true",
        help="also ask the AWS account (credentials from the environment or --profile)",
    )
    parser.add_argument("--profile", help="AWS profile for --aws")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE, not stdout")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, session: Any = None) -> int:
    """Check the images and instance types of ``args.paths`` in their regions (with ``--aws``,
    against the account too, through ``session`` if given); write the report, return the exit
    code."""
    from ..catalog import Catalog, UnknownRegionError
    from ..lint.decode import TemplateDecodeError
    from ..lint.runner import load_templates
    from ..preflight import BLOCKER, check_account, check_offline, deployable_regions, requirements
    from ..rules.context import TemplateContext

    catalog = Catalog.default()
    if args.region is not None:
        try:
            catalog.region(args.region)
        except UnknownRegionError as error:
            raise CommandError(f"--region: {error}") from None
    if args.profile is not None and not args.aws:
        raise CommandError("--profile goes with --aws")
    try:
        templates = load_templates(args.paths)
    except TemplateDecodeError as error:
        raise CommandError(str(error)) from None
    if args.aws and session is None:
        session = _session(args.profile)
    checks, wanted = [], []
    for decoded in templates:
        region = decoded.region or args.region
        context = TemplateContext(
            decoded.template, name=decoded.display_name, region=region, catalog=catalog
        )
        found = requirements(context)
        wanted += found
        mappings = decoded.template.get("Mappings") if isinstance(decoded.template, dict) else None
        checks += [
            check_offline(r, region=region, mappings=mappings, catalog=catalog) for r in found
        ]
        if args.aws and region is not None:
            checks += check_account(found, region=region, session=session)
    counts = {
        status: sum(c.status == status for c in checks) for status in ("blocker", "unknown", "ok")
    }
    regions = deployable_regions(wanted, catalog=catalog)
    if args.format == "json":
        report = {
            "checks": [c.to_dict() for c in checks],
            "summary": {"templates": len(templates), **counts, "deployable_regions": regions},
        }
        emit(json.dumps(report, indent=2) + "\n", args.output)
    else:
        lines = [
            f"{c.template}: {c.status} {c.resource} ({c.feature}) {c.subject}: {c.message}"
            for c in checks
            if c.status != "ok"
        ]
        lines.append(
            f"{len(checks)} checks: {counts['blocker']} blocker, {counts['unknown']} unknown, "
            f"{counts['ok']} ok; {len(templates)} template{'s' * (len(templates) != 1)}"
        )
        if wanted:
            lines.append(
                "every image and instance type is offered in (greenest first): "
                + (", ".join(regions) or "no region the catalog knows")
            )
        emit("\n".join(lines) + "\n", args.output)
    return 1 if counts[BLOCKER] else 0


def _session(profile: str | None) -> Any:
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        session = boto3.session.Session(profile_name=profile)
    except BotoCoreError as error:
        raise CommandError(f"--profile: {error}") from None
    if session.get_credentials() is None:
        raise CommandError("--aws: no AWS credentials found (environment, profile or role)")
    return session
