"""``green-constructs regions``: regions by grid carbon intensity, with accelerator availability.

The ranking is :meth:`Catalog.regions_by_intensity`, the same data ``GenAI-RegionCarbonIntensity``
uses to name greener regions.
"""

from __future__ import annotations

import argparse
import json

from . import CommandError, emit

FORMATS = ("text", "json")
ACCELERATORS = {
    "inferentia2": "inferentia",
    "inferentia": "inferentia",
    "trainium": "trainium",
    "trainium2": "trainium",
    "neuron": "inferentia",
    "gpu": "gpu",
    "cpu": "cpu",
    "graviton": "graviton",
}
"""User-facing accelerator names -> catalog kinds (Neuron availability is per region in the
catalog, not per chip generation)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "regions",
        help="rank regions by grid carbon intensity",
        description="Rank AWS regions from the lowest location-based grid intensity up, keeping "
        "those that offer the accelerator asked for (Neuron: Inferentia2 or Trainium).",
    )
    parser.add_argument(
        "--accelerator", metavar="NAME", help=f"only regions offering it: {', '.join(ACCELERATORS)}"
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (text)")
    parser.add_argument("--top", type=int, metavar="N", help="only the N greenest regions")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..catalog import Catalog

    kind = None
    if args.accelerator is not None:
        kind = ACCELERATORS.get(args.accelerator.lower())
        if kind is None:
            raise CommandError(
                f"--accelerator: unknown accelerator {args.accelerator!r}; allowed: {', '.join(ACCELERATORS)}"
            )
    if args.top is not None and args.top < 1:
        raise CommandError(f"--top: must be at least 1, got {args.top}")
    regions = Catalog.default().regions_by_intensity(kind)[: args.top]
    rows = [
        {
            "rank": rank,
            "region": r.name,
            "kgco2e_per_kwh": r.kgco2e_per_kwh,
            "basis": r.basis,
            "neuron_offered": r.neuron_offered,
            "source": r.source,
        }
        for rank, r in enumerate(regions, start=1)
    ]
    if args.format == "json":
        emit(
            json.dumps({"accelerator": args.accelerator, "kind": kind, "regions": rows}, indent=2)
            + "\n"
        )
        return 0
    scope = f"offering {args.accelerator}" if args.accelerator else "all"
    lines = [f"Regions by location-based grid intensity ({scope}), kg CO2e per kWh:"]
    for row in rows:
        neuron = {True: "Neuron: yes", False: "Neuron: no", None: "Neuron: unknown"}[
            row["neuron_offered"]
        ]
        note = "" if row["basis"] == "published" else f" ({row['basis']})"
        lines.append(
            f"{row['rank']:>3}. {row['region']:<16} {row['kgco2e_per_kwh']:.4f}  {neuron}{note}"
        )
    emit("\n".join(lines) + "\n")
    return 0
