"""What an instance family's name says, by AWS's EC2 instance type naming conventions
(https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html): a family
(``c``, ``inf``, ``trn``...), a generation number, a processor letter (``a`` AMD, ``g``
Graviton, ``i`` Intel) and capability letters, optionally a ``-variant`` (``p6-b200``,
``c7i-flex``, ``u-6tb1``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

ACCELERATED = {
    "p": "gpu",
    "g": "gpu",
    "gr": "gpu",
    "inf": "inferentia",
    "trn": "trainium",
    "f": "accelerator",
    "dl": "accelerator",
    "vt": "accelerator",
}
"""Accelerated-computing families by prefix: P and G GPUs, Inf Inferentia, Trn Trainium, F
FPGAs, DL deep-learning accelerators (Gaudi, Qualcomm), VT video transcoders."""
PROCESSORS = {"a": "amd", "g": "graviton", "i": "intel"}

SIZE = re.compile(r"^(nano|micro|small|medium|large|\d*xlarge|metal(-\d+xl)?)$")
"""Instance sizes (``c8g.metal-24xl`` included)."""
_NAME = re.compile(r"^([a-z]+?)(\d+)([a-z]*)(?:-([a-z0-9-]+))?$")
_UNNUMBERED = re.compile(r"^([a-z]+)-([a-z0-9-]+)$")


class FamilyName(NamedTuple):
    """The parts of a family name: ``c7gn`` -> (``c``, 7, ``g``, ``n``, None)."""

    prefix: str
    number: int | None
    processor: str | None
    capabilities: str
    variant: str | None


@lru_cache(maxsize=1024)
def parse(family: str) -> FamilyName | None:
    """The parts of ``family``; None when it does not follow the convention."""
    found = _NAME.match(family)
    if found:
        prefix, number, letters, variant = found.groups()
        processor = letters[0] if letters[:1] in PROCESSORS else None
        return FamilyName(prefix, int(number), processor, letters[bool(processor) :], variant)
    found = _UNNUMBERED.match(family)
    return FamilyName(found[1], None, None, "", found[2]) if found else None


def kind(name: FamilyName, architecture: str, previous: bool) -> str:
    """The catalog kind of a family: its accelerator, else ``graviton`` (AWS's arm64
    processors) or ``cpu``; GPUs of a previous generation are ``gpu-previous``."""
    found = ACCELERATED.get(name.prefix)
    if found == "gpu" and previous:
        return "gpu-previous"
    if found:
        return found
    return "graviton" if architecture == "arm64" and name.prefix != "mac" else "cpu"


def architecture(name: FamilyName) -> str:
    """``arm64`` for Graviton families (processor letter ``g``), else ``x86_64``: the
    convention's guess when no instance data says."""
    return "arm64" if name.processor == "g" else "x86_64"


_PROCESSOR_ORDER = {"g": 0, None: 1, "i": 1, "a": 2}


def preferred(families: Iterable[str]) -> list[str]:
    """``families`` that follow the convention, plain ones (no capability letters or variant)
    first, then the newest, Graviton before Intel before AMD."""
    parsed = [(name, found) for name in families if (found := parse(name)) is not None]
    return [
        name
        for name, found in sorted(
            parsed,
            key=lambda item: (
                item[1].variant is not None,
                len(item[1].capabilities),
                -(item[1].number or 0),
                _PROCESSOR_ORDER[item[1].processor],
                item[0],
            ),
        )
    ]


def successors(family: str, candidates: Iterable[str]) -> list[str]:
    """The ``candidates`` that follow ``family`` in its line (the same prefix, a higher
    generation number), in :func:`preferred` order."""
    own = parse(family)
    if own is None or own.number is None:
        return []
    return preferred(
        name
        for name in candidates
        if (found := parse(name)) is not None
        and found.prefix == own.prefix
        and (found.number or 0) > own.number
    )
