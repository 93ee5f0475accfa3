"""Energy, emissions and cost of instance-hours: the Cloud Carbon Footprint method.

One implementation, used by the synth-time estimator and by the carbon metrics Lambda::

    watts  = vcpu * (cpu_idle + u * (cpu_max - cpu_idle))
           + accelerators * (acc_idle + u * (acc_max - acc_idle))
           + memory_gb * memory_kwh_per_gb_hour * 1000               (see memory_gb below)
    kWh    = watts * hours * PUE / 1000
    kgCO2e = kWh * grid_intensity(region)                       (location-based)
    embodied kgCO2e = platform_embodied * hours / lifespan_hours * vcpu / largest_vcpu_in_family
    USD    = instance_hours * SageMaker price(type, feature, region)  (see price_coefficient)

CCF's memory term (:func:`memory_gb`) counts only the memory above what the SPECpower average of
the host microarchitecture accounts for; it does not depend on utilization, so it is part of
:func:`instance_watts` (and of the dashboard's idle and peak watts).
:func:`shape_footprint` applies the same formula to a shape the catalog does not list (the
compute behind a serverless endpoint); :func:`storage_footprint` is CCF's storage term::

    kWh    = TB * hours * Wh_per_TB_hour * replication_factor * PUE / 1000

Pure Python: no CDK, no boto3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..catalog import Catalog, CatalogError, InstanceType, Region


@dataclass(frozen=True)
class Coefficient:
    """A number an estimate used, with where it comes from."""

    name: str
    value: float | None
    unit: str
    basis: str
    source: str
    price_region_fallback: str | None = None
    """For a price: the region whose line it prices with us-east-1's price (the table has no
    price for that region), else None. JSON keeps it in ``basis`` only."""

    def to_dict(self) -> dict[str, str | float | None]:
        """The public JSON shape of a coefficient in ``green-constructs estimate --format json``."""
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "basis": self.basis,
            "source": self.source,
        }


@dataclass(frozen=True)
class InstanceFootprint:
    """The footprint of ``count`` instances of one type running ``hours`` each."""

    instance_type: str
    region: str
    count: float
    hours: float
    utilization: float
    watts: float
    kwh: float
    kgco2e: float
    embodied_kgco2e: float | None
    usd: float | None
    coefficients: tuple[Coefficient, ...] = field(default_factory=tuple)


def _check_fraction(name: str, value: float) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")


def _interpolate(idle: float, peak: float, utilization: float) -> float:
    return idle + utilization * (peak - idle)


def instance_watts(
    shape: InstanceType, utilization: float, catalog: Catalog
) -> tuple[float, list[Coefficient]]:
    """Average power draw of one instance at ``utilization`` (0..1), and the coefficients used.

    An accelerator without a power figure raises ``ValueError`` naming it: never silently zero.
    """
    _check_fraction("utilization", utilization)
    cpu = catalog.power(shape.host_cpu)
    used = [
        Coefficient(
            f"cpu watts per vCPU ({cpu.component})",
            None,
            f"{cpu.idle_watts}-{cpu.max_watts} W idle-max",
            cpu.basis,
            cpu.source,
        )
    ]
    watts = shape.vcpu * _interpolate(cpu.idle_watts or 0.0, cpu.max_watts or 0.0, utilization)
    memory, memory_used = _memory_watts(shape, catalog)
    watts += memory
    used += memory_used
    if shape.accelerator and shape.accelerator_count:
        chip = catalog.power(shape.accelerator)
        if chip.idle_watts is None or chip.max_watts is None:
            raise ValueError(
                f"instance_type {shape.name}: no power figure for its accelerator "
                f"{shape.accelerator} ({chip.basis}); override it with Catalog.with_overrides"
            )
        used.append(
            Coefficient(
                f"accelerator watts ({chip.component})",
                None,
                f"{chip.idle_watts}-{chip.max_watts} W idle-max",
                chip.basis,
                chip.source,
            )
        )
        watts += shape.accelerator_count * _interpolate(
            chip.idle_watts, chip.max_watts, utilization
        )
    return watts, used


BURSTABLE_FAMILIES = frozenset({"t2", "t3", "t3a", "t4g"})
"""CCF leaves burstable types out of the memory term: their largest size is not a whole machine."""
CHIPS_BY_FAMILY = {"m5zn": 2, "z1d": 2}
"""Families CCF gives a fixed number of physical chips instead of ceil(largest vCPUs / 96)."""
VCPUS_PER_CHIP = 96
"""CCF takes one physical chip to have at most 96 vCPUs."""


def memory_gb(shape: InstanceType, catalog: Catalog) -> tuple[float, str | None]:
    """GB of memory one instance of ``shape`` is charged for by CCF's memory term, and why
    when none (a string; None when the term applies).

    Cloud Carbon Footprint (cloud-carbon-footprint/cloud-carbon-footprint @b7a049c7d25c,
    ``packages/core/src/memory/helpers.ts`` ``getPhysicalChips``/``calculateGigabyteHours``
    and ``packages/aws/src/lib/AWSMemoryEstimatesBuilder.ts``) treats the largest size of the
    instance family as whole machines::

        chips    = ceil(largest_vcpu / 96)                 (2 for m5zn and z1d)
        excess   = largest_memory / chips - memory_per_chip(microarchitecture)
        memory_gb = excess / (largest_memory / memory)     when excess > 0, else 0

    and charges ``memory_gb * hours * 0.000392 kWh`` (``MEMORY_COEFFICIENT``) times PUE.
    ``memory_per_chip`` is CCF's ``MEMORY_BY_COMPUTE_PROCESSOR`` (its ``MEMORY_AVG`` for a
    microarchitecture it does not list), held as ``memory_gb_per_chip_*`` constants. CCF
    reads the instance type of a CUR row: an ``ml.`` type is sized here as its EC2 twin.
    """
    family = shape.family
    if family in BURSTABLE_FAMILIES:
        return 0.0, "burstable family: CCF applies no memory term"
    sizes = [(s.vcpu, s.memory_gib) for s in catalog.family_shapes(family)]
    sizes += [(i.vcpu, i.memory_gib) for i in catalog.instances() if i.family == family]
    if not sizes:
        return 0.0, f"{shape.name}: no catalogued instance family, so no largest size"
    largest_vcpu, largest_memory = max(sizes, key=lambda size: (size[1], size[0]))
    if not shape.memory_gib or not largest_memory:
        return 0.0, f"{shape.name}: memory unknown"
    chips = CHIPS_BY_FAMILY.get(family) or math.ceil(largest_vcpu / VCPUS_PER_CHIP)
    per_chip = _memory_per_chip(shape.host_cpu, catalog).value
    excess = largest_memory / chips - per_chip
    if excess <= 0:
        return 0.0, None
    return excess / (largest_memory / shape.memory_gib), None


def _memory_per_chip(host_cpu: str, catalog: Catalog):
    try:
        return catalog.constant("memory_gb_per_chip_" + host_cpu.replace("-", "_"))
    except CatalogError:
        return catalog.constant("memory_gb_per_chip_aws_average")


def _memory_watts(shape: InstanceType, catalog: Catalog) -> tuple[float, list[Coefficient]]:
    coefficient = catalog.constant("memory_kwh_per_gb_hour")
    gb, reason = memory_gb(shape, catalog)
    if reason is not None:
        return 0.0, [Coefficient("memory energy", 0.0, "W", "not applied", reason)]
    per_chip = _memory_per_chip(shape.host_cpu, catalog)
    return gb * coefficient.value * 1000, [
        Coefficient(
            "memory energy", coefficient.value, coefficient.unit, "published", coefficient.source
        ),
        Coefficient(
            f"memory per chip ({per_chip.name})",
            per_chip.value,
            f"{per_chip.unit}; {gb:.4g} GB above it charged",
            "published",
            per_chip.source,
        ),
    ]


def embodied_kgco2e(shape: InstanceType, hours: float, catalog: Catalog) -> float | None:
    """The share of the platform's manufacturing emissions ``hours`` of one instance use.

    The platform is the family's largest size (its EC2 sizes included, as in
    :func:`memory_gb`): an ``ml.m5.xlarge`` is 4 of an ``m5.24xlarge``'s 96 vCPUs."""
    if shape.embodied_platform_kgco2e is None:
        return None
    sizes = [s.vcpu for s in catalog.family_shapes(shape.family)]
    sizes += [i.vcpu for i in catalog.instances() if i.family == shape.family]
    largest = max(sizes or [shape.vcpu])
    lifespan = catalog.constant("server_lifespan_hours").value
    return shape.embodied_platform_kgco2e * hours / lifespan * shape.vcpu / largest


PRICE_FALLBACKS = {"async": ("hosting",), "transform": ("hosting",), "hyperpod": ("training",)}
"""Features priced as another when the price table has no row of their own: asynchronous
inference and batch transform run on the same ``ml.*`` inference instances as real-time
hosting, so they take its price; HyperPod clusters that of training instances (the Price List
usage types the table is built from are ``Host``, ``AsyncInf``, ``Tsform`` and ``Train``).
Each is marked in the price's ``basis``; better than the 2023 EC2 price, which is lower."""
PRICE_HOME_REGION = "us-east-1"
EC2_PRICE_BASIS = (
    f"fallback: {PRICE_HOME_REGION} 2023 EC2 on-demand price, SageMaker is dearer "
    "(no SageMaker price in the table)"
)


def region_fallback_basis(region: str) -> str:
    """The part of a price's ``basis`` that says it is us-east-1's price used for ``region``."""
    return f"{PRICE_HOME_REGION} price, no {region} price in the table"


def price_coefficient(
    shape: InstanceType, feature: str, region: str, catalog: Catalog
) -> Coefficient:
    """The hourly price of ``shape`` for ``feature`` in ``region``, with its own source.

    SageMaker's price for the feature in the region (``sagemaker_prices.csv``), else for the
    feature it is priced as (:data:`PRICE_FALLBACKS`) or ``any`` feature, else the same in
    us-east-1, else the us-east-1 2023 EC2 on-demand price of the instance catalog; every
    fallback says so in ``basis``, and a us-east-1 price used for another region also in
    ``price_region_fallback`` (and in ``unit``, so that the coefficient is listed once per
    region). ``value`` None when none is known: unknown, never zero."""
    name = f"price ({shape.name}, {feature})"
    regions = [region] if region == PRICE_HOME_REGION else [region, PRICE_HOME_REGION]
    for where in regions:
        for priced_as in (feature, *PRICE_FALLBACKS.get(feature, ()), "any"):
            found = catalog.price(shape.name, priced_as, where)
            if found is None:
                continue
            why = []
            if priced_as != feature:
                why.append(f"{priced_as} price, no {feature} price in the table")
            if where != region:
                why.append(region_fallback_basis(region))
            return Coefficient(
                name,
                found.usd_per_hour,
                f"USD/hour (SageMaker {priced_as} on-demand, {where}"
                + (f", for {region})" if where != region else ")"),
                "published" if not why else "fallback: " + "; ".join(why),
                found.source,
                price_region_fallback=region if where != region else None,
            )
    if shape.usd_per_hour is not None:
        elsewhere = region != PRICE_HOME_REGION
        return Coefficient(
            name,
            shape.usd_per_hour,
            f"USD/hour (EC2 on-demand, {PRICE_HOME_REGION}, 2023"
            + (f", for {region})" if elsewhere else ")"),
            EC2_PRICE_BASIS + (f"; {region_fallback_basis(region)}" if elsewhere else ""),
            shape.price_source or shape.source,
            price_region_fallback=region if elsewhere else None,
        )
    return Coefficient(
        name, None, "USD/hour", "unknown", "no SageMaker or EC2 price in the catalog"
    )


def instance_footprint(
    instance_type: str,
    *,
    hours: float,
    region: str,
    utilization: float | None = None,
    count: float = 1,
    catalog: Catalog | None = None,
    feature: str = "hosting",
) -> InstanceFootprint:
    """Energy, location-based emissions, embodied emissions and indicative cost of ``count``
    ``instance_type`` instances for ``hours`` each at ``utilization`` (default: the catalog's
    ``default_utilization``) in ``region`` (an unknown region uses the catalog's average),
    priced for the SageMaker ``feature`` (:func:`price_coefficient`)."""
    catalog = catalog or Catalog.default()
    return shape_footprint(
        catalog.instance(instance_type),
        hours=hours,
        region=region,
        utilization=utilization,
        count=count,
        catalog=catalog,
        feature=feature,
    )


def shape_footprint(
    shape: InstanceType,
    *,
    hours: float,
    region: str,
    utilization: float | None = None,
    count: float = 1,
    catalog: Catalog | None = None,
    feature: str = "hosting",
) -> InstanceFootprint:
    """:func:`instance_footprint` of an instance shape that need not be in the catalog (the
    compute behind a serverless endpoint, described by the estimator's assumptions)."""
    catalog = catalog or Catalog.default()
    if hours < 0 or count < 0:
        raise ValueError(f"hours and count must be >= 0, got hours={hours}, count={count}")
    if utilization is None:
        utilization = catalog.constant("default_utilization").value
    watts, used = instance_watts(shape, utilization, catalog)
    pue = catalog.constant("pue_aws")
    grid = catalog.region(region, fallback=True)
    instance_hours = hours * count
    kwh = watts * instance_hours * pue.value / 1000
    embodied = embodied_kgco2e(shape, instance_hours, catalog)
    price = price_coefficient(shape, feature, region, catalog)
    used += [
        Coefficient("PUE", pue.value, pue.unit, "published", pue.source),
        _grid_coefficient(grid),
        Coefficient(
            f"embodied emissions ({shape.family} platform)",
            shape.embodied_platform_kgco2e,
            "kgCO2e per platform",
            "published" if shape.embodied_platform_kgco2e is not None else "unknown",
            shape.embodied_source or shape.source,
        ),
        price,
    ]
    return InstanceFootprint(
        instance_type=shape.name,
        region=grid.name,
        count=count,
        hours=hours,
        utilization=utilization,
        watts=watts,
        kwh=kwh,
        kgco2e=kwh * grid.kgco2e_per_kwh,
        embodied_kgco2e=embodied,
        usd=price.value * instance_hours if price.value is not None else None,
        coefficients=tuple(used),
    )


def _grid_coefficient(grid: Region) -> Coefficient:
    return Coefficient(
        f"grid intensity ({grid.name})", grid.kgco2e_per_kwh, "kgCO2e/kWh", grid.basis, grid.source
    )


@dataclass(frozen=True)
class StorageFootprint:
    """The footprint of ``gb`` gigabytes stored for ``hours`` (CCF's storage method)."""

    gb: float
    hours: float
    region: str
    kwh: float
    kgco2e: float
    coefficients: tuple[Coefficient, ...] = field(default_factory=tuple)


def storage_footprint(
    *,
    gb: float,
    hours: float,
    region: str,
    medium: str = "hdd",
    replication: str = "s3_replication_factor",
    catalog: Catalog | None = None,
) -> StorageFootprint:
    """CCF storage energy: ``TB x hours x Wh per TB-hour x replication x PUE / 1000`` kWh.

    ``medium`` is ``hdd`` (S3, as CCF classifies it) or ``ssd``; ``replication`` names the
    catalog constant with the copies the service keeps.
    """
    if gb < 0 or hours < 0:
        raise ValueError(f"gb and hours must be >= 0, got gb={gb}, hours={hours}")
    if medium not in ("hdd", "ssd"):
        raise ValueError(f"medium must be hdd or ssd, got {medium!r}")
    catalog = catalog or Catalog.default()
    per_tb = catalog.constant(f"{medium}_wh_per_tb_hour")
    copies = catalog.constant(replication)
    pue = catalog.constant("pue_aws")
    grid = catalog.region(region, fallback=True)
    kwh = gb / 1000 * hours * per_tb.value * copies.value * pue.value / 1000
    used = (
        Coefficient(f"{medium} energy", per_tb.value, per_tb.unit, "published", per_tb.source),
        Coefficient(replication, copies.value, copies.unit, "published", copies.source),
        Coefficient("PUE", pue.value, pue.unit, "published", pue.source),
        _grid_coefficient(grid),
    )
    return StorageFootprint(
        gb=gb,
        hours=hours,
        region=grid.name,
        kwh=kwh,
        kgco2e=kwh * grid.kgco2e_per_kwh,
        coefficients=used,
    )
