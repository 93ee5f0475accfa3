"""Rule registration (one module a rule, as in cdk-nag) and look-up by pack and id."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Callable, Iterable

from .model import Check, Rule, Severity

PACKS = ("Sustainability", "GenAI")
_PACK_MODULES = {"Sustainability": "sustainability", "GenAI": "genai"}
_REGISTERED: dict[str, Rule] = {}


def rule(
    *,
    id: str,
    severity: Severity,
    title: str,
    explanation: str,
    remediation: str,
    best_practices: Iterable[str],
    resource_types: Iterable[str],
    equivalents: Iterable[str] = (),
    notes: str = "",
) -> Callable[[Check], Rule]:
    """Decorator turning a check function into a registered :class:`Rule`.

    The pack is the id's prefix (``GenAI-AsyncScaleToZero`` is in ``GenAI``).
    """
    pack = id.split("-", 1)[0]
    if pack not in PACKS:
        raise ValueError(f"rule id {id!r} must start with one of {', '.join(PACKS)}")

    def register(check: Check) -> Rule:
        if id in _REGISTERED:
            raise ValueError(f"rule {id} registered twice")
        created = Rule(
            id=id,
            pack=pack,
            severity=severity,
            title=title,
            explanation=explanation,
            remediation=remediation,
            best_practices=tuple(best_practices),
            resource_types=tuple(resource_types),
            equivalents=tuple(equivalents),
            notes=notes,
            check=check,
        )
        _REGISTERED[id] = created
        return created

    return register


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every rule of every pack, sorted by pack then id."""
    for module in _PACK_MODULES.values():
        package = importlib.import_module(f"{__package__}.{module}")
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{package.__name__}.{info.name}")
    return tuple(sorted(_REGISTERED.values(), key=lambda r: (PACKS.index(r.pack), r.id)))


def get_rule(rule_id: str) -> Rule:
    for found in all_rules():
        if found.id == rule_id:
            return found
    raise KeyError(f"unknown rule {rule_id!r}")


def select_rules(
    *,
    packs: Iterable[str] | None = None,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> tuple[Rule, ...]:
    """Rules of ``packs`` (all by default), limited to ``include`` ids, minus ``exclude`` ids.

    Unknown pack or rule ids raise ``ValueError`` naming the allowed values.
    """
    rules = all_rules()
    known_ids = {r.id for r in rules}
    packs = list(packs) if packs else list(PACKS)
    for pack in packs:
        if pack not in PACKS:
            raise ValueError(f"unknown pack {pack!r}; allowed: {', '.join(PACKS)}")
    for rule_id in [*(include or ()), *(exclude or ())]:
        if rule_id not in known_ids:
            raise ValueError(f"unknown rule {rule_id!r}; see `green-constructs rules`")
    included = set(include) if include else None
    excluded = set(exclude or ())
    return tuple(
        r
        for r in rules
        if r.pack in packs and (included is None or r.id in included) and r.id not in excluded
    )
