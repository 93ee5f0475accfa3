"""The CCF formula, term by term, and the worked example of the data README."""

from __future__ import annotations

import pytest

from green_constructs.catalog import Catalog
from green_constructs.estimate import instance_footprint, instance_watts

CATALOG = Catalog.default()
CCF = CATALOG.with_grid(
    "ccf"
)  # CCF parity: its own grid factors (us-east-1 0.379069, eGRID2020 SERC)


# CCF's memory term (packages/core/src/memory/helpers.ts @b7a049c): GB above the SPECpower
# memory per chip of the largest size in the family, shared by memory, at 0.392 W per GB.
M5_LARGE_MEMORY_W = (384 / 1 - 81.32) / (384 / 8) * 0.392  # m5.24xlarge 96 vCPU 384 GB, Skylake
# inf2.48xlarge: 192 vCPU, 768 GB, 2 chips; EPYC-3 is not in CCF's AWS list: MEMORY_AVG 80.69
INF2_24XLARGE_MEMORY_W = (768 / 2 - 80.69) / (768 / 384) * 0.392


def test_worked_example_g5_2xlarge_year_in_us_east_1() -> None:
    # the data README's example: 94.14 W of CPU and GPU + 4.152 W of memory (10.5925 GB),
    # with CCF's grid factor (977.3 kWh * 0.379069 = 370.5 kg) and with the default lifecycle
    # one (PJM, Electricity Maps 2025: 977.3 kWh * 0.418 = 408.5 kg)
    year = instance_footprint(
        "ml.g5.2xlarge", hours=8760, region="us-east-1", utilization=0.5, catalog=CCF
    )
    assert year.watts == pytest.approx(98.29, rel=0.005)
    assert year.kwh == pytest.approx(977.3, rel=0.005)
    assert year.kgco2e == pytest.approx(370.5, rel=0.005)
    lifecycle = instance_footprint("ml.g5.2xlarge", hours=8760, region="us-east-1", utilization=0.5)
    assert lifecycle.kwh == year.kwh
    assert lifecycle.kgco2e == pytest.approx(408.5, rel=0.005)


def test_memory_term_g5_2xlarge_matches_ccf_by_hand() -> None:
    # CCF constants (AwsFootprintEstimationConstants.ts, AWSInstanceTypes.ts @b7a049c):
    # g5.48xlarge, the largest g5, has 192 vCPU and 768 GB: ceil(192/96) = 2 chips, 384 GB each;
    # AMD EPYC 2nd Gen accounts for 129.78 GB per chip: 384 - 129.78 = 254.22 GB above it;
    # g5.2xlarge has 32 GB: ratio 768/32 = 24, so 254.22/24 = 10.5925 GB charged.
    # compute: 8*(0.47+0.5*(1.69-0.47)) + 1*(18+0.5*(153-18)) = 8.64 + 85.5 = 94.14 W
    # memory: 10.5925 GB * 0.000392 kWh/GB-h = 0.0041523 kWh/h = 4.1523 W
    # year: (94.14 + 4.1523) W * 8760 h * 1.135 / 1000 = 98.2923 * 9.9426 = 977.28 kWh
    expected_kwh = (94.14 + 10.5925 * 0.392) * 8760 * 1.135 / 1000
    assert expected_kwh == pytest.approx(977.28, rel=1e-4)
    year = instance_footprint(
        "ml.g5.2xlarge", hours=8760, region="us-east-1", utilization=0.5, catalog=CCF
    )
    assert year.kwh == pytest.approx(expected_kwh, rel=0.005)
    assert year.kgco2e == pytest.approx(expected_kwh * 0.379069, rel=0.005)
    assert year.kwh / (94.14 * 8760 * 1.135 / 1000) == pytest.approx(1.0441, rel=1e-3)  # +4.4%


def test_memory_term_p4d_24xlarge_matches_ccf_by_hand() -> None:
    # p4d.24xlarge is its family's only size: 96 vCPU, 1152 GB: ceil(96/96) = 1 chip;
    # Cascade Lake accounts for 98.12 GB: 1152 - 98.12 = 1053.88 GB, ratio 1152/1152 = 1.
    # compute: 96*(0.64+0.5*(3.97-0.64)) + 8*(46+0.5*(407-46)) = 221.28 + 1812 = 2033.28 W
    # memory: 1053.88 GB * 0.392 W/GB = 413.121 W
    # year: (2033.28 + 413.121) W * 8760 h * 1.135 / 1000 = 2446.401 * 9.9426 = 24323.6 kWh
    expected_kwh = (2033.28 + 1053.88 * 0.392) * 8760 * 1.135 / 1000
    assert expected_kwh == pytest.approx(24323.6, rel=1e-4)
    year = instance_footprint("ml.p4d.24xlarge", hours=8760, region="us-east-1", utilization=0.5)
    assert year.kwh == pytest.approx(expected_kwh, rel=0.005)
    assert year.kwh / (2033.28 * 8760 * 1.135 / 1000) == pytest.approx(1.2032, rel=1e-3)  # +20%


def test_memory_term_not_applied_without_a_family() -> None:
    shape = CATALOG.instance("ml.m5.large")._replace(name="serverless-2048MB")
    watts, used = instance_watts(shape, 0.25, CATALOG)
    assert watts == pytest.approx(2 * (0.65 + 0.25 * (4.26 - 0.65)))
    assert any(c.name == "memory energy" and c.basis == "not applied" for c in used)


def test_cpu_term_per_vcpu() -> None:
    # ml.m5.large: 2 vCPU Skylake (0.65-4.26 W), no accelerator; at 25%: 2*(0.65+0.25*3.61)
    watts, _ = instance_watts(CATALOG.instance("ml.m5.large"), 0.25, CATALOG)
    assert watts == pytest.approx(2 * (0.65 + 0.25 * (4.26 - 0.65)) + M5_LARGE_MEMORY_W)


def test_accelerator_term_per_chip() -> None:
    # ml.inf2.24xlarge: 96 vCPU EPYC-3 (0.45-2.02) + 6 Inferentia2 (an assumption), idle
    watts, used = instance_watts(CATALOG.instance("ml.inf2.24xlarge"), 0.0, CATALOG)
    chip = CATALOG.power("Inferentia2").idle_watts
    assert watts == pytest.approx(96 * 0.45 + 6 * chip + INF2_24XLARGE_MEMORY_W)
    assert any(c.basis == "assumption" for c in used)  # Inferentia2 power is an assumption


def test_energy_emissions_and_cost_terms() -> None:
    result = instance_footprint(
        "ml.m5.large", hours=10, region="eu-north-1", utilization=1.0, count=3
    )
    watts = 2 * 4.26 + M5_LARGE_MEMORY_W
    assert result.kwh == pytest.approx(watts * 30 * 1.135 / 1000)
    assert result.kgco2e == pytest.approx(result.kwh * 0.020)  # SE3, Electricity Maps 2025
    assert result.usd == pytest.approx(30 * 0.115)  # us-east-1 SageMaker price, marked


def test_embodied_share_of_the_platform() -> None:
    result = instance_footprint("ml.g5.2xlarge", hours=35040, region="us-east-1")
    # a whole lifespan of an 8-vCPU slice of a 192-vCPU g5 platform (2.2 t, CCF 2026)
    assert result.embodied_kgco2e == pytest.approx(2200 * 8 / 192)
    assert (
        instance_footprint("ml.trn2.48xlarge", hours=1, region="us-east-1").embodied_kgco2e is None
    )


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
