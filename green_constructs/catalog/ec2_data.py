"""Generate the instance shape and family tables from EC2 data (used by ``refresh``).

- ``instance_shapes.csv``: per EC2 instance type botocore's EC2 model names, its vCPUs,
  memory, architecture and accelerators from Karpenter's generated instance-type reference
  (EC2 ``DescribeInstanceTypes`` in us-east-1, us-east-2 and us-west-2), else from ManageIQ's
  weekly export of ec2instances.info, and its generation from that export (the AWS Price
  List's ``currentGeneration`` attribute).
- ``families.csv``: per family in botocore's EC2 ``InstanceType`` enum, its kind and
  architecture by the naming convention and the shapes, its generation from the shapes, and
  the curated facts of ``family_facts.csv`` (successors, and families superseded although
  the Price List still calls them current). A previous family without curated successors
  gets the first three current families with shapes the naming convention gives
  (:func:`naming.successors`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from . import naming
from .loader import SHAPE_COLUMNS as SHAPE_COLUMNS  # re-exported: refresh writes the table with it
from .records import family_of

FAMILY_COLUMNS = (
    "family",
    "kind",
    "generation",
    "architecture",
    "accelerator",
    "superseded_by",
    "source",
)
NAMING_SOURCE = "EC2 naming convention"
"""docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html"""

_SECTION = re.compile(r"^### `([^`]+)`$")
_LABEL = re.compile(r"^\s*\|([a-z0-9./-]+)\|([^|]*)\|$")
_KARPENTER = "karpenter.k8s.aws/instance-"
_ARCH = "kubernetes.io/arch"


def karpenter_shapes(markdown: str) -> dict[str, dict[str, str]]:
    """Instance type -> its ``instance-*`` labels (and ``arch``), from Karpenter's
    ``instance-types.md``."""
    found: dict[str, dict[str, str]] = {}
    labels: dict[str, str] = {}
    for line in markdown.splitlines():
        section = _SECTION.match(line)
        if section:
            labels = found.setdefault(section[1], {})
        elif (label := _LABEL.match(line)) is not None:
            key, value = label[1], label[2].strip()
            if key.startswith(_KARPENTER):
                labels[key.removeprefix(_KARPENTER)] = value
            elif key == _ARCH:
                labels["arch"] = value
    return found


def shape_rows(
    ec2_types: Iterable[str],
    karpenter: Mapping[str, Mapping[str, str]],
    manageiq: Mapping[str, Mapping[str, Any]],
    chips: Mapping[str, float],
    sources: tuple[str, str],
) -> list[dict[str, str]]:
    """One row per type of ``ec2_types`` that either source describes. ``chips`` maps an
    accelerator name to its memory per chip (GiB), for accelerators the data gives no memory
    for (Neuron); ``sources`` cite Karpenter's and ManageIQ's data."""
    rows = []
    for name in sorted(set(ec2_types)):
        labels, listed = karpenter.get(name), manageiq.get(name)
        if labels is None and listed is None:
            continue
        if labels:
            row = _from_karpenter(labels, chips)
        elif listed is not None:
            row = _from_manageiq(listed)
        else:  # an empty Karpenter entry and no ManageIQ one
            continue
        current = listed.get(":current_generation") if listed else None
        used = [s for s, data in zip(sources, (labels, listed)) if data]
        rows.append(
            {
                "instance_type": name,
                **row,
                "generation": _GENERATIONS.get(current, ""),
                "source": "; ".join(used),
            }
        )
    return rows


# ManageIQ's :current_generation flag, absent for some types
_GENERATIONS: Mapping[object, str] = {True: "current", False: "previous"}


def _from_karpenter(labels: Mapping[str, str], chips: Mapping[str, float]) -> dict[str, str]:
    gpus = int(labels.get("gpu-count", 0) or 0)
    memory: float | None
    if "gpu-name" in labels:
        chip, count = _chip(labels["gpu-name"], chips), gpus
        gpu_memory = int(labels["gpu-memory"]) / 1024
        memory = gpu_memory * (count or 1)  # a fractional GPU (g6f) counts 0 GPUs
    elif "accelerator-name" in labels:
        chip, count = _chip(labels["accelerator-name"], chips), int(labels["accelerator-count"])
        per_chip = chips.get(chip)
        memory = per_chip * count if per_chip else None
    else:
        chip, count, memory = "", 0, None
    return {
        "vcpu": labels["cpu"],
        "memory_gib": _number(int(labels["memory"]) / 1024),
        "architecture": "arm64" if labels.get("arch", "") == "arm64" else "x86_64",
        "accelerator": chip,
        "accelerator_count": str(count),
        "accelerator_memory_gib": "" if memory is None else _number(memory),
    }


def _from_manageiq(listed: Mapping[str, Any]) -> dict[str, str]:
    arm = any(str(a).startswith(":arm64") for a in listed.get(":architecture") or ())
    return {
        "vcpu": str(listed[":vcpu"]),
        "memory_gib": _number(float(listed[":memory_gb"])),
        "architecture": "arm64" if arm else "x86_64",
        "accelerator": "",
        "accelerator_count": "0",
        "accelerator_memory_gib": "",
    }


def _chip(label: str, chips: Mapping[str, float]) -> str:
    """The catalog's name for a chip label (``inferentia2`` -> ``Inferentia2``; the first
    Inferentia is ``Inferentia1``), else the label upper-cased (``b200`` -> ``B200``)."""
    known = {name.lower(): name for name in chips}
    return known.get(label) or known.get(f"{label}1") or label.upper()


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def family_rows(
    ec2_types: Iterable[str],
    shapes: Iterable[Mapping[str, str]],
    facts: Mapping[str, Mapping[str, str]],
    source: str,
) -> list[dict[str, str]]:
    """One row per family of ``ec2_types`` (botocore's enum); ``source`` cites botocore."""
    by_family: dict[str, list[Mapping[str, str]]] = {}
    for shape in shapes:
        by_family.setdefault(family_of(shape["instance_type"]), []).append(shape)
    rows = []
    for family in sorted({family_of(t) for t in ec2_types}):
        name = naming.parse(family)
        if name is None:
            continue
        sized = by_family.get(family, [])
        fact = facts.get(family, {})
        generation = fact.get("generation") or _generation(sized)
        architecture = _majority(s["architecture"] for s in sized) or naming.architecture(name)
        notes = [source, NAMING_SOURCE]
        if sized:
            notes.append(f"shapes: {sized[0]['source']}")
        if fact.get("source"):
            notes.append(f"curated: {fact['source']}")
        rows.append(
            {
                "family": family,
                "kind": naming.kind(name, architecture, generation == "previous"),
                "generation": generation,
                "architecture": architecture,
                "accelerator": fact.get("accelerator")
                or _majority(s["accelerator"] for s in sized),
                "superseded_by": fact.get("superseded_by", ""),
                "source": "; ".join(notes),
            }
        )
    offered = [
        r["family"] for r in rows if r["generation"] == "current" and r["family"] in by_family
    ]
    for row in rows:
        if row["generation"] == "previous" and not row["superseded_by"]:
            row["superseded_by"] = " or ".join(naming.successors(row["family"], offered)[:3])
    return rows


def _generation(shapes: list[Mapping[str, str]]) -> str:
    """``previous`` when the Price List calls every type of the family previous; a family it
    does not price (new, or retired) counts as current unless curated."""
    marked = {s["generation"] for s in shapes} - {""}
    return "previous" if marked == {"previous"} else "current"


def _majority(values: Iterable[str]) -> str:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else ""
