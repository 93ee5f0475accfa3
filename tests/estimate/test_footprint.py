"""The CCF formula, term by term, and the worked example of the data README."""

from __future__ import annotations

import pytest

from green_constructs.catalog import Catalog
from green_constructs.estimate import instance_footprint, instance_watts

CATALOG = Catalog.default()


def test_worked_example_g5_2xlarge_year_in_us_east_1() -> None:
    year = instance_footprint("ml.g5.2xlarge", hours=8760, region="us-east-1", utilization=0.5)
    assert year.watts == pytest.approx(94.14, rel=0.005)
    assert year.kwh == pytest.approx(936.0, rel=0.005)
    assert year.kgco2e == pytest.approx(354.8, rel=0.005)


def test_cpu_term_per_vcpu() -> None:
    # ml.m5.large: 2 vCPU Skylake (0.65-4.26 W), no accelerator; at 25%: 2*(0.65+0.25*3.61)
    watts, _ = instance_watts(CATALOG.instance("ml.m5.large"), 0.25, CATALOG)
    assert watts == pytest.approx(2 * (0.65 + 0.25 * (4.26 - 0.65)))


def test_accelerator_term_per_chip() -> None:
    # ml.inf2.24xlarge: 96 vCPU EPYC-3 (0.45-2.02) + 6 Inferentia2 (11.5-98.4), idle
    watts, used = instance_watts(CATALOG.instance("ml.inf2.24xlarge"), 0.0, CATALOG)
    assert watts == pytest.approx(96 * 0.45 + 6 * 11.5)
    assert any(c.basis == "assumption" for c in used)  # Inferentia2 power is an assumption


def test_energy_emissions_and_cost_terms() -> None:
    result = instance_footprint("ml.m5.large", hours=10, region="eu-north-1", utilization=1.0, count=3)
    watts = 2 * 4.26
    assert result.kwh == pytest.approx(watts * 30 * 1.135 / 1000)
    assert result.kgco2e == pytest.approx(result.kwh * 0.0088)
    assert result.usd is None  # no price in the catalog: unknown, not zero


def test_embodied_share_of_the_platform() -> None:
    result = instance_footprint("ml.g5.2xlarge", hours=35040, region="us-east-1")
    # a whole lifespan of an 8-vCPU slice of a 192-vCPU g5 platform (3434 kg)
    assert result.embodied_kgco2e == pytest.approx(3434 * 8 / 192)
    assert instance_footprint("ml.inf2.xlarge", hours=1, region="us-east-1").embodied_kgco2e is None


def test_unknown_region_uses_the_average_and_says_so() -> None:
    result = instance_footprint("ml.inf2.xlarge", hours=1, region="mars-north-1")
    assert result.region == "*"


def test_overrides_flow_into_the_estimate() -> None:
    greener = CATALOG.with_overrides(grid_intensity={"us-east-1": 0.1})
    result = instance_footprint("ml.g5.2xlarge", hours=1, region="us-east-1", catalog=greener)
    assert result.kgco2e == pytest.approx(result.kwh * 0.1)


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_utilization_outside_0_1_names_the_property(bad) -> None:
    with pytest.raises(ValueError, match="utilization must be between 0 and 1"):
        instance_footprint("ml.m5.large", hours=1, region="us-east-1", utilization=bad)


def test_unknown_instance_type_is_an_error_never_zero() -> None:
    with pytest.raises(LookupError, match="unknown instance type"):
        instance_footprint("ml.x9.large", hours=1, region="us-east-1")
