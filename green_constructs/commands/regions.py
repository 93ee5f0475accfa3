"""``green-constructs regions``: regions by grid carbon intensity, with accelerator availability.

The ranking is :meth:`Catalog.regions_by_intensity`, the same data ``GenAI-RegionCarbonIntensity``
uses to name greener regions; availability per chip and SageMaker feature is the catalog's
availability table.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..catalog.records import FEATURE_NAMES, FEATURES
from . import CommandError, emit

FORMATS = ("text", "json")
ACCELERATORS: dict[str, tuple[str, str | None]] = {
    "inferentia2": ("inferentia", "Inferentia2"),
    "inferentia": ("inferentia", "Inferentia2"),
    "trainium": ("trainium", "Trainium"),
    "trainium2": ("trainium", "Trainium2"),
    "neuron": ("inferentia", None),
    "gpu": ("gpu", None),
    "cpu": ("cpu", None),
    "graviton": ("graviton", None),
}
"""User-facing accelerator names -> catalog kind and chip (Neuron chips are looked up per
instance type and feature in the availability table; ``neuron`` is any current Inferentia)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``regions`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "regions",
        help="rank regions by grid carbon intensity",
        description="Rank AWS regions from the lowest location-based grid intensity up, keeping "
        "those that offer the accelerator asked for (Neuron: Inferentia2 or Trainium).",
    )
    parser.add_argument(
        "--accelerator", metavar="NAME", help=f"only regions offering it: {', '.join(ACCELERATORS)}"
    )
    parser.add_argument(
        "--feature",
        choices=FEATURES,
        help="with a Neuron --accelerator: offered for this use ("
        + "; ".join(f"{feature}: {FEATURE_NAMES[feature]}" for feature in FEATURES)
        + "); default: any",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (text)")
    parser.add_argument("--top", type=int, metavar="N", help="only the N greenest regions")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the regions ranked by grid carbon intensity; return the exit code."""
    from ..catalog import Catalog

    kind = chip = None
    if args.accelerator is not None:
        found = ACCELERATORS.get(args.accelerator.lower())
        if found is None:
            raise CommandError(
                f"--accelerator: unknown accelerator {args.accelerator!r}; allowed: {', '.join(ACCELERATORS)}"
            )
        kind, chip = found
    if args.feature is not None and kind not in ("inferentia", "trainium"):
        raise CommandError(
            "--feature goes with a Neuron --accelerator (inferentia2, trainium, trainium2)"
        )
    if args.top is not None and args.top < 1:
        raise CommandError(f"--top: must be at least 1, got {args.top}")
    catalog = Catalog.default()
    regions = catalog.regions_by_intensity(kind, accelerator=chip, feature=args.feature)[: args.top]
    types = [
        i.name
        for i in catalog.instances()
        if (chip and i.accelerator == chip)
        or (chip is None and kind in ("inferentia", "trainium") and i.kind == kind)
    ]
    features = (args.feature,) if args.feature else FEATURES
    rows: list[dict[str, Any]] = [
        {
            "rank": rank,
            "region": r.name,
            "kgco2e_per_kwh": r.kgco2e_per_kwh,
            "basis": r.basis,
            "offered": [
                f"{name} ({feature})"
                for name in types
                for feature in features
                if catalog.offered(name, feature, r.name)
            ],
            "source": r.source,
        }
        for rank, r in enumerate(regions, start=1)
    ]
    if args.format == "json":
        emit(
            json.dumps(
                {
                    "accelerator": args.accelerator,
                    "kind": kind,
                    "feature": args.feature,
                    "regions": rows,
                },
                indent=2,
            )
            + "\n"
        )
        return 0
    scope = f"offering {args.accelerator}" if args.accelerator else "all"
    if args.feature:
        scope += f" for {args.feature}"
    lines = [f"Regions by location-based grid intensity ({scope}), kg CO2e per kWh:"]
    for row in rows:
        note = "" if row["basis"] == "published" else f" ({row['basis']})"
        offered = f"  {_grouped(row['offered'])}" if row["offered"] else ""
        lines.append(
            f"{row['rank']:>3}. {row['region']:<16} {row['kgco2e_per_kwh']:.4f}{note}{offered}"
        )
    emit("\n".join(lines) + "\n")
    return 0


def _grouped(offered: list[str]) -> str:
    """``ml.trn1.32xlarge (training)``... as ``ml.trn1.32xlarge: training, hyperpod; ...``."""
    features: dict[str, list[str]] = {}
    for entry in offered:
        name, _, feature = entry.partition(" (")
        features.setdefault(name, []).append(feature.rstrip(")"))
    return "; ".join(f"{name}: {', '.join(found)}" for name, found in features.items())
