"""Rule registration (one module a rule, as in cdk-nag) and look-up by pack and id.

:mod:`.index` maps each rule id to its module and resource types, so that a selection imports
only the rules an input needs (the lint's cold start).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import NamedTuple

from .index import RULES
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


def rule_modules() -> list[str]:
    """Every rule module (``genai.async_scale_to_zero``...), found on disk."""
    import pkgutil

    found = []
    for module in _PACK_MODULES.values():
        package = importlib.import_module(f"{__package__}.{module}")
        found += [
            f"{module}.{info.name}"
            for info in pkgutil.iter_modules(package.__path__)
            if not info.name.startswith("_")
        ]
    return found


def _sorted(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(sorted(rules, key=lambda r: (PACKS.index(r.pack), r.id)))


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every rule of every pack, sorted by pack then id."""
    for module in rule_modules():
        importlib.import_module(f"{__package__}.{module}")
    return _sorted(_REGISTERED.values())


class RuleSelection(NamedTuple):
    """Rule ids chosen by pack and id, their modules not imported until :meth:`load`."""

    ids: tuple[str, ...]

    def load(self, resource_types: Iterable[str] | None = None) -> tuple[Rule, ...]:
        """The selected rules that apply to any of ``resource_types`` (all when ``None``)."""
        wanted = None if resource_types is None else set(resource_types)
        chosen = [
            rule_id
            for rule_id in self.ids
            if wanted is None
            or "*" in RULES[rule_id][1]
            or not wanted.isdisjoint(RULES[rule_id][1])
        ]
        for module in dict.fromkeys(RULES[rule_id][0] for rule_id in chosen):
            importlib.import_module(f"{__package__}.{module}")
        return _sorted(_REGISTERED[rule_id] for rule_id in chosen)


def selection(
    *,
    packs: Iterable[str] | None = None,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> RuleSelection:
    """Ids of the rules of ``packs`` (all by default), limited to ``include`` ids, minus
    ``exclude`` ids, in pack then id order; nothing imported.

    Unknown pack or rule ids raise ``ValueError`` naming the allowed values.
    """
    packs = list(packs) if packs else list(PACKS)
    for pack in packs:
        if pack not in PACKS:
            raise ValueError(f"unknown pack {pack!r}; allowed: {', '.join(PACKS)}")
    for rule_id in [*(include or ()), *(exclude or ())]:
        if rule_id not in RULES:
            raise ValueError(f"unknown rule {rule_id!r}; see `green-constructs rules`")
    included = set(include) if include else None
    excluded = set(exclude or ())
    ids = sorted(
        (
            rule_id
            for rule_id in RULES
            if rule_id.split("-", 1)[0] in packs
            and (included is None or rule_id in included)
            and rule_id not in excluded
        ),
        key=lambda rule_id: (PACKS.index(rule_id.split("-", 1)[0]), rule_id),
    )
    return RuleSelection(tuple(ids))


def get_rule(rule_id: str) -> Rule:
    """The rule with id ``rule_id``; ``KeyError`` when there is none."""
    if rule_id in RULES:
        return RuleSelection((rule_id,)).load()[0]
    for found in all_rules():  # registered outside the packaged index
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
    return selection(packs=packs, include=include, exclude=exclude).load()


def build_index() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Rule id to its module and resource types, from the modules themselves."""
    index = {}
    for module in rule_modules():
        imported = importlib.import_module(f"{__package__}.{module}")
        for value in vars(imported).values():
            if isinstance(value, Rule) and value.check.__module__ == imported.__name__:
                index[value.id] = (module, value.resource_types)
    return dict(sorted(index.items()))


def write_index() -> None:
    """Rewrite the table of :mod:`.index` from the rule modules."""
    import re
    from pathlib import Path

    from . import index

    rows = "".join(
        f"    {rule_id!r}: ({module!r}, ({', '.join(map(repr, types))}{',' * (len(types) == 1)})),\n"
        for rule_id, (module, types) in build_index().items()
    ).replace("'", '"')
    path = Path(index.__file__)
    text = re.sub(
        r"^(RULES: .*? = \{\n).*?^\}\n",
        lambda m: m.group(1) + rows + "}\n",
        path.read_text(encoding="utf-8"),
        count=1,
        flags=re.S | re.M,
    )
    path.write_text(text, encoding="utf-8")
