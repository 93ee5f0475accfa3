"""Reads the packaged CSV files (``catalog/data``) into records."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from functools import lru_cache
from operator import itemgetter

from .records import (
    Accelerator,
    AssumptionRange,
    Availability,
    Constant,
    DlcImage,
    DlcRegistry,
    Family,
    InstanceShape,
    InstanceType,
    PowerCoefficient,
    Price,
    Region,
)


def _rows(filename: str) -> Iterator[dict[str, str]]:
    yield from csv.DictReader(_text(filename).splitlines())


def _columns(filename: str, *names: str) -> Iterator[tuple[str, ...]]:
    """The ``names`` columns (two or more) of each row, as tuples: cheaper than dicts for
    large tables."""
    rows = csv.reader(_text(filename).splitlines())
    header = next(rows)
    pick = itemgetter(*(header.index(name) for name in names))
    yield from map(pick, rows)


_DATA = os.path.join(os.path.dirname(__file__), "data")


def _text(filename: str) -> str:
    """A packaged data file (a plain file of the installed package, as setuptools installs
    package data; ``importlib.resources`` would cost the lint's cold start its imports)."""
    with open(os.path.join(_DATA, filename), encoding="utf-8") as stream:
        return stream.read()


def _float(value: str) -> float | None:
    return float(value) if value.strip() else None


GRIDS = {"lifecycle": "grid_intensity.csv", "ccf": "grid_intensity_ccf.csv"}
"""Grid factor tables by name: ``lifecycle`` (the default: Electricity Maps' yearly
lifecycle intensity per region's grid zone) and ``ccf`` (Cloud Carbon Footprint's factors,
mixed bases and years, for parity with CCF)."""
DEFAULT_GRID = "lifecycle"


def load_regions(grid: str = DEFAULT_GRID) -> dict[str, Region]:
    """The grid factor of every region of table ``grid`` (:data:`GRIDS`). A table without a
    region the default table has gives it its own ``*`` value, marked ``fallback-average``."""
    if grid not in GRIDS:
        raise ValueError(f"unknown grid {grid!r}; allowed: {', '.join(GRIDS)}")
    regions = {
        row["region"]: Region(
            name=row["region"],
            kgco2e_per_kwh=float(row["kgco2e_per_kwh"]),
            basis=row["basis"],
            source=row["source"],
        )
        for row in _rows(GRIDS[grid])
    }
    if grid != DEFAULT_GRID:
        average = regions["*"]
        for name, _ in _columns(GRIDS[DEFAULT_GRID], "region", "basis"):
            if name not in regions:
                regions[name] = average._replace(
                    name=name,
                    basis="fallback-average",
                    source=f"not in the {grid} table; its average: {average.source}",
                )
    return regions


def load_instances() -> dict[str, InstanceType]:
    """SageMaker instance types by name (``instances.csv``)."""
    return {
        row["instance_type"]: InstanceType(
            name=row["instance_type"],
            kind=row["family_kind"],
            vcpu=int(row["vcpu"]),
            memory_gib=float(row["memory_gib"]),
            host_cpu=row["host_cpu"],
            accelerator=row["accelerator"] or None,
            accelerator_count=int(row["accelerator_count"] or 0),
            accelerator_memory_gib=_float(row["accelerator_memory_gib"]),
            embodied_platform_kgco2e=_float(row["embodied_platform_kgco2e"]),
            usd_per_hour=_float(row["ec2_on_demand_usd_per_hour_us_east_1_2023"]),
            source=row["source"],
            embodied_source=row.get("embodied_source", ""),
            price_source=row.get("ec2_price_source", ""),
        )
        for row in _rows("instances.csv")
    }


def load_prices() -> list[Price]:
    """SageMaker on-demand prices per instance type, feature and region (a dated snapshot,
    or the Price List API's with credentials; ``refresh`` writes it)."""
    return [
        Price(instance_type, feature, region, float(usd), source)
        for instance_type, feature, region, usd, source in _columns(
            "sagemaker_prices.csv", "instance_type", "feature", "region", "usd_per_hour", "source"
        )
    ]


def load_families() -> dict[str, Family]:
    """Instance families by name (``families.csv``)."""
    return {
        row["family"]: Family(
            name=row["family"],
            kind=row["kind"],
            generation=row["generation"],
            architecture=row["architecture"],
            accelerator=row["accelerator"] or None,
            superseded_by=row["superseded_by"] or None,
            source=row["source"],
        )
        for row in _rows("families.csv")
    }


SHAPE_COLUMNS = (
    "instance_type",
    "vcpu",
    "memory_gib",
    "architecture",
    "accelerator",
    "accelerator_count",
    "accelerator_memory_gib",
    "generation",
    "source",
)
"""The columns of ``instance_shapes.csv`` (written by ``refresh``, read here)."""


@lru_cache(maxsize=1)  # 1,400 rows: read once, and only when a rule sizes a suggestion
def _shape_rows() -> dict[str, list[tuple[str, ...]]]:
    """The rows of ``instance_shapes.csv`` by family, not yet converted."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    for row in _columns("instance_shapes.csv", *SHAPE_COLUMNS):
        rows.setdefault(row[0].split(".", 1)[0], []).append(row)
    return rows


def _shape(row: tuple[str, ...]) -> InstanceShape:
    return InstanceShape(
        row[0],
        int(row[1]),
        float(row[2]),
        row[3],
        row[4] or None,
        int(row[5]),
        _float(row[6]),
        row[7] or None,
        row[8],
    )


def load_family_shapes(family: str) -> dict[str, InstanceShape]:
    """EC2 instance type -> its size, for the types of ``family`` (generated from
    Karpenter's and ManageIQ's data; converted per family, as rules ask)."""
    return {row[0]: _shape(row) for row in _shape_rows().get(family, ())}


@lru_cache(maxsize=1)  # read only when an RDS rule names a class
def load_rds_classes() -> dict[str, frozenset[str]]:
    """RDS engine -> the DB instance classes some region offers (generated from cfn-lint)."""
    return {
        row["engine"]: frozenset(row["instance_classes"].split())
        for row in _rows("rds_instance_classes.csv")
    }


def load_power() -> dict[str, PowerCoefficient]:
    """Power coefficients by component (``power_coefficients.csv``)."""
    return {
        row["component"]: PowerCoefficient(
            component=row["component"],
            kind=row["kind"],
            idle_watts=_float(row["idle_watts"]),
            max_watts=_float(row["max_watts"]),
            basis=row["basis"],
            source=row["source"],
        )
        for row in _rows("power_coefficients.csv")
    }


def load_constants() -> dict[str, Constant]:
    """Constants (PUE, conversion factors...) by name (``constants.csv``)."""
    return {
        row["name"]: Constant(
            name=row["name"], value=float(row["value"]), unit=row["unit"], source=row["source"]
        )
        for row in _rows("constants.csv")
    }


def load_assumption_ranges() -> dict[str, AssumptionRange]:
    """Assumed coefficients' low, central and high values (``assumption_ranges.csv``)."""
    return {
        row["name"]: AssumptionRange(
            name=row["name"],
            section=row["section"],
            unit=row["unit"],
            low=float(row["low"]),
            central=float(row["central"]),
            high=float(row["high"]),
            basis=row["basis"],
            source=row["source"],
        )
        for row in _rows("assumption_ranges.csv")
    }


def load_accelerators() -> dict[str, Accelerator]:
    """Accelerators by name (``accelerators.csv``)."""
    return {
        row["accelerator"]: Accelerator(
            name=row["accelerator"],
            vendor=row["vendor"],
            neuron_cores_per_chip=int(row["neuron_cores_per_chip"]),
            memory_gib_per_chip=float(row["memory_gib_per_chip"]),
            source=row["source"],
        )
        for row in _rows("accelerators.csv")
    }


def load_dlc_registries() -> dict[str, DlcRegistry]:
    """The Deep Learning Containers registry account of each region (``dlc_registries.csv``)."""
    return {
        row["region"]: DlcRegistry(
            region=row["region"], account=row["account"], source=row["source"]
        )
        for row in _rows("dlc_registries.csv")
    }


def load_api_instance_types() -> dict[str, frozenset[str]]:
    """Feature -> the instance types its SageMaker API accepts (generated from botocore)."""
    accepted: dict[str, set[str]] = {}
    rows = _columns("sagemaker_instance_types.csv", "feature", "instance_type")
    for feature, instance_type in rows:
        accepted.setdefault(feature, set()).add(instance_type)
    return {feature: frozenset(types) for feature, types in accepted.items()}


def load_dlc_images() -> list[DlcImage]:
    """Neuron Deep Learning Container images and their regions (generated from sagemaker-core)."""
    return [
        DlcImage(
            image_table=row["image_table"],
            scope=row["scope"],
            version=row["version"],
            repository=row["repository"],
            tag=row["tag"],
            registries=tuple(_registry(pair) for pair in row["registries"].split()),
            source=row["source"],
        )
        for row in _rows("dlc_images.csv")
    ]


def _registry(pair: str) -> tuple[str, str]:
    """``region=account`` -> (region, account)."""
    region, account = pair.split("=", 1)
    return region, account


def load_availability() -> list[Availability]:
    """Which regions offer which instance types for which feature (a dated snapshot)."""
    return [
        Availability(instance_type, feature, region, offered == "yes", source)
        for instance_type, feature, region, offered, source in _columns(
            "region_availability.csv", "instance_type", "feature", "region", "offered", "source"
        )
    ]


def load_bedrock_model_sizes() -> list[dict[str, str]]:
    """Rows of ``bedrock_model_sizes.csv``: Bedrock model id prefix -> size class."""
    return list(_rows("bedrock_model_sizes.csv"))
