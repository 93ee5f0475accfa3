"""What an estimate is made of: planned instance-hours, their footprints, totals, problems."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..catalog import InstanceType
from .footprint import Coefficient
from .workload import BedrockUsage


@dataclass(frozen=True)
class UsagePlan:
    """``count`` instances for ``hours`` a month each at ``utilization``.

    ``instance_type`` names a catalog instance; ``shape`` replaces it for compute the catalog
    does not list (serverless); ``storage_gb`` makes it a storage line, ``tokens`` a line of
    Amazon Bedrock tokens (a day's, for ``hours / 24`` days) instead.
    """

    phase: str
    hours: float
    count: float = 1
    utilization: float = 0.0
    instance_type: str | None = None
    shape: InstanceType | None = None
    storage_gb: float | None = None
    tokens: BedrockUsage | None = None

    @property
    def label(self) -> str:
        if self.storage_gb is not None:
            return f"{self.storage_gb:g} GB"
        if self.tokens is not None:
            return self.tokens.model
        return self.instance_type or (self.shape.name if self.shape else "?")


@dataclass(frozen=True)
class Work:
    """The demand an inference resource serves: instance-hours of full load a day, arriving
    over ``active_hours`` a day; ``instances`` is what our design runs while active."""

    full_load_hours_per_day: float | None
    active_hours: float
    utilization: float
    instances: float
    bursts_per_day: float = 0.0  # scale-outs from the idle floor a day (0: none counted)


@dataclass
class ResourcePlan:
    """A resource, how it runs in a month under the workload, and how that was derived."""

    resource: str
    template: str
    type: str
    kind: str
    region: str
    path: str | None = None
    workload_key: str | None = None
    usages: list[UsagePlan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reason: str | None = None  # set when it cannot be estimated
    work: Work | None = None
    model: Any = None  # the AWS::SageMaker::Model resource it serves, when known
    instance_type: str | None = None


@dataclass(frozen=True)
class Line:
    """The footprint of one :class:`UsagePlan`."""

    phase: str
    what: str
    count: float
    hours: float
    utilization: float
    kwh: float
    kgco2e: float
    embodied_kgco2e: float | None
    usd: float | None

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of a line in ``green-constructs estimate --format json``."""
        return {
            "phase": self.phase,
            "what": self.what,
            "count": round(self.count, 4),
            "hours_month": round(self.hours, 3),
            "utilization": round(self.utilization, 4),
            "kwh_month": round(self.kwh, 4),
            "kgco2e_month": round(self.kgco2e, 4),
            "embodied_kgco2e_month": _round(self.embodied_kgco2e),
            "usd_month": _round(self.usd),
        }


@dataclass
class ResourceEstimate:
    """One resource's monthly footprint; ``estimated`` False with ``reason`` when unknown."""

    plan: ResourcePlan
    lines: list[Line] = field(default_factory=list)
    estimated: bool = True
    reason: str | None = None

    @property
    def kwh(self) -> float:
        return sum(line.kwh for line in self.lines)

    @property
    def kgco2e(self) -> float:
        return sum(line.kgco2e for line in self.lines)

    @property
    def embodied_kgco2e(self) -> float | None:
        known = [line.embodied_kgco2e for line in self.lines if line.embodied_kgco2e is not None]
        return sum(known) if known else None

    @property
    def usd(self) -> float | None:
        known = [line.usd for line in self.lines if line.usd is not None]
        return sum(known) if known else None

    @property
    def label(self) -> str:
        """The workload key, else the construct path below the stack, else the logical id."""
        plan = self.plan
        if plan.workload_key:
            return plan.workload_key
        if plan.path and "/" in plan.path.strip("/"):
            short = plan.path.strip("/").partition("/")[2]
            short = short[: -len("/Resource")] if short.endswith("/Resource") else short
            return short + plan.resource[len(plan.resource.split(" ")[0]) :]
        return plan.resource

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of a resource in ``green-constructs estimate --format json``."""
        plan = self.plan
        return {
            "resource": plan.resource,
            "template": plan.template,
            "type": plan.type,
            "kind": plan.kind,
            "path": plan.path,
            "workload_key": plan.workload_key,
            "region": plan.region,
            "instance_type": plan.instance_type,
            "estimated": self.estimated,
            "reason": self.reason,
            "kwh_month": round(self.kwh, 4) if self.estimated else None,
            "kgco2e_month": round(self.kgco2e, 4) if self.estimated else None,
            "embodied_kgco2e_month": _round(self.embodied_kgco2e) if self.estimated else None,
            "usd_month": _round(self.usd) if self.estimated else None,
            "lines": [line.to_dict() for line in self.lines],
            "notes": list(plan.notes),
        }


@dataclass(frozen=True)
class Totals:
    """Sums over estimated resources; ``unknown`` counts resources left out, which makes the
    sums partial (None when no resource could be estimated: unknown, never zero)."""

    kwh: float | None
    kgco2e: float | None
    embodied_kgco2e: float | None
    usd: float | None
    unknown: int
    usd_complete: bool
    embodied_complete: bool

    @classmethod
    def of(cls, estimates: list[ResourceEstimate]) -> Totals:
        """The totals of ``estimates``, counting those not estimated as unknown."""
        known = [e for e in estimates if e.estimated]
        unknown = len(estimates) - len(known)
        lines = [line for e in known for line in e.lines]
        if unknown and not known:
            return cls(
                kwh=None,
                kgco2e=None,
                embodied_kgco2e=None,
                usd=None,
                unknown=unknown,
                usd_complete=False,
                embodied_complete=False,
            )
        return cls(
            kwh=sum(e.kwh for e in known),
            kgco2e=sum(e.kgco2e for e in known),
            embodied_kgco2e=_known_sum(e.embodied_kgco2e for e in known),
            usd=(
                sum(e.usd or 0.0 for e in known)
                if not lines or any(line.usd is not None for line in lines)
                else None  # nothing priced: unknown, not $0
            ),
            unknown=unknown,
            usd_complete=not unknown and all(line.usd is not None for line in lines),
            embodied_complete=not unknown
            and all(line.embodied_kgco2e is not None for line in lines if line.phase != "storage"),
        )

    @property
    def complete(self) -> bool:
        """Every resource estimated."""
        return self.unknown == 0

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of totals in ``green-constructs estimate --format json``."""
        return {
            "kwh_month": _round(self.kwh, 3),
            "kgco2e_month": _round(self.kgco2e, 3),
            "embodied_kgco2e_month": _round(self.embodied_kgco2e, 3),
            "usd_month": _round(self.usd, 2),
            "usd_complete": self.usd_complete,
            "embodied_complete": self.embodied_complete,
            "unknown_resources": self.unknown,
        }


@dataclass(frozen=True)
class Problem:
    """Something the estimate could not know or had to assume, on a resource or the input."""

    where: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """The public JSON shape of a problem in ``green-constructs estimate --format json``."""
        return {"where": self.where, "message": self.message}


@dataclass
class AlternativeBaseline:
    """Another naive counterpart of our design: ``resources`` (in the baseline's region) and
    ``same_region`` (in ours) hold, per resource, the alternative where it ``applies_to`` the
    resource and the baseline's own elsewhere, so that its totals cover the same resources."""

    name: str
    description: str
    resources: list[ResourceEstimate]
    same_region: list[ResourceEstimate]
    applies_to: list[str]

    @property
    def total(self) -> Totals:
        return Totals.of(self.resources)

    def to_dict(self, ours: Totals) -> dict[str, Any]:
        """The public JSON shape of this baseline, compared with ``ours``."""
        total, here = self.total, Totals.of(self.same_region)
        return {
            "name": self.name,
            "description": self.description,
            "applies_to": list(self.applies_to),
            **total.to_dict(),
            "ratio": {unit: ratio(total, ours, attr) for unit, attr in _UNITS},
            "design_ratio": {unit: ratio(here, ours, attr) for unit, attr in _UNITS},
            "resources": [
                e.to_dict() for e in self.resources if e.plan.resource in self.applies_to
            ],
        }


_UNITS = (("kwh", "kwh"), ("kgco2e", "kgco2e"))


def ratio(top: Totals, bottom: Totals, unit: str, digits: int | None = 2) -> float | None:
    """``top`` over ``bottom`` in ``unit`` (``kwh`` or ``kgco2e``), to ``digits`` decimals
    (unrounded with None); None when either leaves a resource out or either is zero, or
    when ours is so small next to the baseline that the quotient is not a finite number (not
    comparable)."""
    if not (top.complete and bottom.complete):
        return None
    numerator, denominator = getattr(top, unit), getattr(bottom, unit)
    if not numerator or not denominator:
        return None
    quotient = numerator / denominator
    if not math.isfinite(quotient):
        return None
    return quotient if digits is None else round(quotient, digits)


def ratio_parts(
    ours: Totals, here: Totals, naive: Totals, digits: int | None = 2
) -> dict[str, dict[str, float | None]]:
    """The baseline over ours taken apart (:attr:`Estimate.ratios`): ``design`` (the baseline
    in our regions over ours), ``region`` (the baseline over itself in our regions) and
    ``combined``, each in kWh and kg CO2e."""
    return {
        part: {unit: ratio(top, bottom, unit, digits) for unit in ("kwh", "kgco2e")}
        for part, (top, bottom) in {
            "design": (here, ours),
            "region": (naive, here),
            "combined": (naive, ours),
        }.items()
    }


@dataclass
class Estimate:
    """The whole estimate: our design, the naive baseline, comparisons, what it used."""

    resources: list[ResourceEstimate]
    baseline: list[ResourceEstimate]
    comparisons: dict[str, Any]
    coefficients: list[Coefficient]
    problems: list[Problem]
    workload: str | None = None
    assumptions: list[str] = field(default_factory=list)
    baseline_same_region: list[ResourceEstimate] = field(default_factory=list)
    alternative_baselines: list[AlternativeBaseline] = field(default_factory=list)
    ranges: Any = None  # estimate.ranges.Ranges: the figures at the assumptions' ends

    @property
    def total(self) -> Totals:
        return Totals.of(self.resources)

    @property
    def baseline_total(self) -> Totals:
        return Totals.of(self.baseline)

    @property
    def ratio_to_baseline(self) -> float | None:
        """How many times ours the baseline emits; None when either side left a resource out
        (not comparable) or ours is zero."""
        return ratio(self.baseline_total, self.total, "kgco2e")

    @property
    def ratios(self) -> dict[str, dict[str, float | None]]:
        """The baseline's footprint over ours, taken apart: ``design`` (the baseline in each of
        our resources' regions against ours: what the design saves), ``region`` (the baseline
        in its region against the baseline in ours: what the grid saves) and ``combined``
        (their product, :attr:`ratio_to_baseline`), each in kWh and kg CO2e (``None`` where
        not comparable; the region effect is none in kWh)."""
        return ratio_parts(self.total, Totals.of(self.baseline_same_region), self.baseline_total)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of ``green-constructs estimate --format json``."""
        total, baseline = self.total, self.baseline_total
        ranges = self.ranges
        return {
            "workload": self.workload,
            "total": {**total.to_dict(), "range": ranges.total("ours") if ranges else None},
            "baseline": {
                **baseline.to_dict(),
                "range": ranges.total("baseline") if ranges else None,
                "description": BASELINE_DESCRIPTION,
                "resources": [e.to_dict() for e in self.baseline],
            },
            "ratio_to_baseline": self.ratio_to_baseline,
            "ratios": self.ratios,
            "ratios_range": ranges.ratios_dict() if ranges else None,
            "drivers": [d.to_dict() for d in ranges.drivers] if ranges else [],
            "baselines": [b.to_dict(total) for b in self.alternative_baselines],
            "resources": [e.to_dict() for e in self.resources],
            "comparisons": self.comparisons,
            "coefficients": [c.to_dict() for c in self.coefficients],
            "assumptions": list(self.assumptions),
            "problems": [p.to_dict() for p in self.problems],
        }


BASELINE_DESCRIPTION = (
    "the same model on right-sized GPUs in us-east-1 at the same service level: endpoints "
    "(real-time, asynchronous, serverless) on a 24/7 real-time GPU endpoint serving the same "
    "demand; transform jobs as a GPU transform job with the same instances and job hours; "
    "training: the same job on GPUs on demand there, node for node (p4d for Trainium and "
    "Inferentia2, p5 for Trainium2) for training_time_ratio_gpu x the hours (1.0, assumed)"
)


def _known_sum(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)
