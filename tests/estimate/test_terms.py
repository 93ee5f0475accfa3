"""New formula terms against hand-computed values: arbitrary shapes (serverless), storage."""

from __future__ import annotations

import pytest

from green_constructs.catalog import Catalog
from green_constructs.estimate.footprint import (
    instance_footprint,
    shape_footprint,
    storage_footprint,
)

CATALOG = Catalog.default()


def test_shape_footprint_is_instance_footprint_for_a_catalog_shape() -> None:
    shape = CATALOG.instance("ml.g5.2xlarge")
    assert shape_footprint(
        shape, hours=8760, region="us-east-1", utilization=0.5
    ).kwh == pytest.approx(
        instance_footprint("ml.g5.2xlarge", hours=8760, region="us-east-1", utilization=0.5).kwh
    )


def test_fractional_vcpu_shape() -> None:
    # 2 vCPU at aws-average (0.74-3.50 W) at 50%: 2 * (0.74 + 0.5 * 2.76) = 4.24 W; 100 h
    shape = CATALOG.instance("ml.m5.large")._replace(
        name="serverless-3538MB",
        host_cpu="aws-average",
        usd_per_hour=None,
    )
    found = shape_footprint(shape, hours=100, region="eu-north-1", utilization=0.5)
    assert found.watts == pytest.approx(4.24)
    assert found.kwh == pytest.approx(4.24 * 100 * 1.135 / 1000)
    assert found.kgco2e == pytest.approx(found.kwh * 0.020)  # eu-north-1: SE3, 20 g (2025)
    assert found.usd is None


def test_storage_term() -> None:
    # 1000 GB = 1 TB for 730 h at 0.65 Wh/TB-h, 6 copies, PUE 1.135: 3.2303 kWh
    found = storage_footprint(gb=1000, hours=730, region="us-east-1")
    assert found.kwh == pytest.approx(1 * 730 * 0.65 * 6 * 1.135 / 1000)
    assert found.kgco2e == pytest.approx(found.kwh * 0.418)  # us-east-1: PJM, 418 g (2025)
    assert {c.name for c in found.coefficients} >= {"hdd energy", "s3_replication_factor", "PUE"}


def test_storage_rejects_negative_sizes_and_unknown_media() -> None:
    with pytest.raises(ValueError, match="gb and hours"):
        storage_footprint(gb=-1, hours=1, region="us-east-1")
    with pytest.raises(ValueError, match="medium"):
        storage_footprint(gb=1, hours=1, region="us-east-1", medium="tape")
