"""Coefficient overrides: range checks that keep every number of an estimate finite."""

from __future__ import annotations

import pytest

from green_constructs.catalog import Catalog
from green_constructs.estimate.coefficients import apply
from green_constructs.estimate.workload import WorkloadError

CATALOG = Catalog.default()
INF, NAN = float("inf"), float("nan")


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"constants": {"server_lifespan_hours": 0}},
            "c.constants.server_lifespan_hours: must be a number between 1 and 1e+06, got 0",
        ),
        ({"constants": {"pue_aws": 0.9}}, "c.constants.pue_aws: must be a number between 1 and 10"),
        ({"constants": {"pue_aws": INF}}, "c.constants.pue_aws: must be a number between 1 and 10"),
        (
            {"constants": {"default_utilization": 5}},
            "c.constants.default_utilization: must be a number between 0 and 1, got 5",
        ),
        (
            {"constants": {"hdd_wh_per_tb_hour": 1e308}},
            "c.constants.hdd_wh_per_tb_hour: must be a number between 0 and 1e+06",
        ),
        (
            {"grid_intensity": {"eu-north-1": 1e308}},
            "c.grid_intensity.eu-north-1: must be a number between 0 and 10",
        ),
        ({"grid_intensity": {"eu-north-1": NAN}}, "c.grid_intensity.eu-north-1: must be a number"),
        ({"power": {"Inferentia2": [INF, INF]}}, "c.power.Inferentia2: must be [idle_watts, max"),
        ({"power": {"Inferentia2": [90, 10]}}, "c.power.Inferentia2: must be [idle_watts, max"),
        ({"power": {"Inferentia2": [-1, 10]}}, "c.power.Inferentia2: must be [idle_watts, max"),
        ({"power": {"Inferentia2": [0, 1e5]}}, "c.power.Inferentia2: must be [idle_watts, max"),
        ({"constants": {"a\nb": 1}}, "c: unknown constant"),
        ({"power": {"a\nb": 1}}, "c.power.'a\\nb': must be [idle_watts, max_watts]"),
    ],
)
def test_out_of_range_coefficients_are_refused_naming_the_field(overrides, message) -> None:
    with pytest.raises(WorkloadError) as raised:
        apply(CATALOG, overrides, where="c")
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_bounds_are_inclusive() -> None:
    catalog = apply(
        CATALOG,
        {
            "constants": {"pue_aws": 1, "default_utilization": 1, "server_lifespan_hours": 1},
            "grid_intensity": {"eu-north-1": 0},
            "power": {"Inferentia2": [0, 0]},
        },
    )
    assert catalog.constant("pue_aws").value == 1.0
    assert catalog.power("Inferentia2").max_watts == 0.0
