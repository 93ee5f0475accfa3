"""Ranges, not points: the estimate at the low and high ends of its assumed coefficients.

Every assumed coefficient of ``assumption_ranges.csv`` has a low, central and high value with
its basis. The estimate (our design, the baseline in its region and in ours) is evaluated

- with every assumption at its central value (the catalog: the figures reported),
- with every assumption at its low end, then at its high end (``range`` of each total: the
  assumptions' low ends are their lowest values, so for our design, whose footprint grows
  with each of them, this is the lowest and the highest figure they allow);
- with one assumption at a time at its low, then its high end (``drivers``: the swing of our
  design's kg CO2e, and the baseline's, when only that assumption moves);
- for the ratios, with every assumption at the end that favours the baseline, then at the
  end that favours our design, each end chosen by its one-at-a-time effect on the combined
  ratio (``ratios_range``).

A power range scales the component's idle and maximum watts by ``end / central`` (the ranges
are of board power). An overridden coefficient (``--coefficients``) has no range: its low,
central and high are the override. Only the plans are re-evaluated (pure Python, no template
is read again): a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..catalog import Catalog, CatalogError, loader
from ..catalog.catalog import OVERRIDE_SOURCE
from ..catalog.records import AssumptionRange
from .results import ResourceEstimate, Totals, ratio_parts

ENDS = ("low", "high")
TOP_DRIVERS = 5
"""Drivers the text reports name (JSON lists every assumption the estimate used)."""


@dataclass(frozen=True)
class Driver:
    """One assumption and how much it moves the estimate on its own, low to high."""

    assumption: AssumptionRange
    ours: tuple[float, float]  # our kg CO2e a month at its low and its high end
    baseline: tuple[float, float]  # the baseline's

    @property
    def swing(self) -> float:
        return abs(self.ours[1] - self.ours[0])

    @property
    def baseline_swing(self) -> float:
        return abs(self.baseline[1] - self.baseline[0])

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of a driver in ``green-constructs estimate --format json``."""
        a = self.assumption
        return {
            "name": a.name,
            "section": a.section,
            "swing_kgco2e_month": round(self.swing, 4),
            "baseline_swing_kgco2e_month": round(self.baseline_swing, 4),
            "kgco2e_month": [round(v, 4) for v in self.ours],
            "baseline_kgco2e_month": [round(v, 4) for v in self.baseline],
            "low": a.low,
            "central": a.central,
            "high": a.high,
            "unit": a.unit,
            "basis": a.basis,
            "source": a.source,
        }


@dataclass
class Ranges:
    """Totals at every assumption's low and high end, the ratios' range, and the drivers."""

    ours: tuple[Totals, Totals]
    baseline: tuple[Totals, Totals]
    ratios: dict[str, dict[str, tuple[float | None, float | None]]]
    drivers: list[Driver] = field(default_factory=list)

    def total(self, which: str = "ours") -> dict[str, list[float] | None]:
        """``{"kwh_month": [low, high], "kgco2e_month": ..., "embodied_kgco2e_month": ...}``
        (None where the total is unknown)."""
        low, high = self.ours if which == "ours" else self.baseline
        return {
            "kwh_month": _pair(low.kwh, high.kwh, 3),
            "kgco2e_month": _pair(low.kgco2e, high.kgco2e, 3),
            "embodied_kgco2e_month": _pair(low.embodied_kgco2e, high.embodied_kgco2e, 3),
        }

    def ratios_dict(self) -> dict[str, dict[str, list[float] | None]]:
        """The ratios' ranges, ``[low, high]`` rounded (None where unknown), by part and unit."""
        return {
            part: {unit: _pair(*pair, 2) for unit, pair in units.items()}
            for part, units in self.ratios.items()
        }

    def named_drivers(self, top: int = TOP_DRIVERS) -> list[Driver]:
        """The drivers that move our design's or the baseline's figure, largest first."""
        moving = [d for d in self.drivers if d.swing > 0 or d.baseline_swing > 0]
        return moving[:top]


def _pair(low: float | None, high: float | None, digits: int) -> list[float] | None:
    if low is None or high is None:
        return None
    low, high = sorted((low, high))
    return [round(low, digits), round(high, digits)]


def assumption_ranges(catalog: Catalog) -> list[AssumptionRange]:
    """The ranges that apply to ``catalog``: the packaged table, centred on the catalog's
    own values; an overridden coefficient (or one the catalog lacks) has none."""
    found = []
    for row in loader.load_assumption_ranges().values():
        fixed = _fixed(row, catalog)
        if fixed is not None:
            found.append(fixed)
    return found


def _fixed(row: AssumptionRange, catalog: Catalog) -> AssumptionRange | None:
    try:
        if row.section == "power":
            power = catalog.power(row.name)
            if power.max_watts is None:
                return None
            if power.basis == "user-override":
                return _pinned(row, power.max_watts, "W maximum per chip (user override)")
            return row
        constant = catalog.constant(row.name)
    except CatalogError:
        return None
    if constant.source == OVERRIDE_SOURCE:
        return _pinned(row, constant.value, row.unit)
    if constant.value != row.central:  # the table describes another figure: centre on ours
        scale = constant.value / row.central if row.central else 1.0
        return row._replace(low=row.low * scale, central=constant.value, high=row.high * scale)
    return row


def _pinned(row: AssumptionRange, value: float, unit: str) -> AssumptionRange:
    return row._replace(
        unit=unit,
        low=value,
        central=value,
        high=value,
        basis="user-override",
        source=OVERRIDE_SOURCE,
    )


def at(catalog: Catalog, choices: dict[str, str], ranges: list[AssumptionRange]) -> Catalog:
    """``catalog`` with each named assumption at its ``low`` or ``high`` end."""
    power: dict[str, tuple[float, float]] = {}
    constants: dict[str, float] = {}
    for row in ranges:
        end = choices.get(row.name)
        if end is None or row.low == row.high:
            continue
        value = getattr(row, end)
        if row.section == "power":
            coefficient = catalog.power(row.name)
            scale = value / row.central if row.central else 1.0
            power[row.name] = (
                (coefficient.idle_watts or 0.0) * scale,
                (coefficient.max_watts or 0.0) * scale,
            )
        else:
            constants[row.name] = value
    if not power and not constants:
        return catalog
    return catalog.with_overrides(power=power, constants=constants)


Scenario = Callable[
    [Catalog], tuple[list[ResourceEstimate], list[ResourceEstimate], list[ResourceEstimate]]
]
"""Evaluates the estimate under a catalog: (ours, the baseline, the baseline in our regions)."""


def compute(catalog: Catalog, scenario: Scenario) -> Ranges | None:
    """The ranges of the estimate ``scenario`` evaluates, or None when no assumption
    applies (every assumed coefficient overridden)."""
    ranges = [r for r in assumption_ranges(catalog) if r.low != r.high]
    if not ranges:
        return None

    def run(choices: dict[str, str]):
        ours, naive, here = scenario(at(catalog, choices, ranges))
        return Totals.of(ours), Totals.of(naive), Totals.of(here)

    everything = {end: run({r.name: end for r in ranges}) for end in ENDS}
    one_at_a_time = {r.name: {end: run({r.name: end}) for end in ENDS} for r in ranges}
    drivers = [
        Driver(
            r,
            _ends(one_at_a_time[r.name], 0),
            _ends(one_at_a_time[r.name], 1),
        )
        for r in ranges
    ]
    drivers.sort(key=lambda d: (-d.swing, -d.baseline_swing, d.assumption.name))
    return Ranges(
        ours=(everything["low"][0], everything["high"][0]),
        baseline=(everything["low"][1], everything["high"][1]),
        ratios=_ratio_range(ranges, one_at_a_time, run),
        drivers=drivers,
    )


def _ratio_range(ranges, one_at_a_time, run) -> dict[str, dict[str, tuple]]:
    """Each ratio with every assumption at the end that lowers the combined ratio, then at
    the end that raises it (by each assumption's own effect on it)."""
    favour_baseline, favour_ours = {}, {}
    for r in ranges:
        at_low = _ratios(*one_at_a_time[r.name]["low"])["combined"]["kgco2e"]
        at_high = _ratios(*one_at_a_time[r.name]["high"])["combined"]["kgco2e"]
        lower_at_low = at_low is not None and at_high is not None and at_low <= at_high
        favour_baseline[r.name] = "low" if lower_at_low else "high"
        favour_ours[r.name] = "high" if lower_at_low else "low"
    lowest = _ratios(*run(favour_baseline))
    highest = _ratios(*run(favour_ours))
    return {
        part: {unit: (lowest[part][unit], highest[part][unit]) for unit in lowest[part]}
        for part in lowest
    }


def _ratios(ours: Totals, naive: Totals, here: Totals) -> dict[str, dict[str, float | None]]:
    """The ratios of :attr:`Estimate.ratios`, unrounded."""
    return ratio_parts(ours, here, naive, digits=None)


def describe(total: float | None, pair: list[float] | None, unit: str = "") -> str:
    """``14.7 kg CO2e (11.2-19.8)``: a figure and its unit, then its range (nothing more
    when it has none)."""
    from .report.rows import number

    text = number(total) + ("" if total is None else unit)
    if total is None or not pair or pair[0] == pair[1]:
        return text
    return f"{text} ({number(pair[0])}-{number(pair[1])})"


def driven_by(ranges: Ranges | None, top: int = 3) -> str:
    """``Driven by (our kg CO2e with only that assumption at its low, then high end):
    Trainium power 7-10.9, ...`` (empty when no assumption moves our figure)."""
    if ranges is None:
        return ""
    from .report.rows import number

    named = [d for d in ranges.named_drivers(len(ranges.drivers)) if d.swing > 0][:top]
    if not named:
        return ""
    parts = []
    for d in named:
        low, high = sorted(d.ours)
        parts.append(f"{label(d.assumption)} {number(low)}-{number(high)}")
    return (
        "Driven by (our kg CO2e with only that assumption at its low, then its high end): "
        + ", ".join(parts)
        + "."
    )


def label(row: AssumptionRange) -> str:
    """How reports name an assumption: ``Inferentia2 power`` or the constant's name."""
    return f"{row.name} power" if row.section == "power" else row.name


__all__ = ["Driver", "Ranges", "assumption_ranges", "at", "compute", "describe", "driven_by"]


def _ends(totals: dict[str, tuple[Totals, ...]], which: int) -> tuple[float, float]:
    """kg CO2e a month at the low and the high end (0 when unknown) of scenario part ``which``
    (0: our design, 1: the baseline)."""
    low, high = (totals[end][which].kgco2e or 0.0 for end in ENDS)
    return low, high
