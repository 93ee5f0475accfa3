"""Properties of the estimator's inputs and figures: any workload data is accepted or refused
with one line naming the field; on endpoints of any type, size, mode and demand the figures
are finite and not negative, the low end of each range is at most the high end, the JSON
output is strict JSON (no Infinity), and the design and region ratios multiply to the combined
one (to their rounding). Every case has a time limit."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import values
from time_limits import time_limit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "estimate"))

from templates import endpoint  # noqa: E402  (tests/estimate/templates.py)

from green_constructs.estimate.estimator import estimate_templates  # noqa: E402
from green_constructs.estimate.workload import WorkloadError, parse_workload  # noqa: E402
from green_constructs.lint.decode import DecodedTemplate  # noqa: E402

SECONDS = 5
CASES = settings(max_examples=100, deadline=None, derandomize=True)
FIELDS = ["requests_per_day", "active_hours_per_day", "seconds_per_request", "utilization",
          "jobs_per_day", "job_hours", "training_hours_per_month", "nodes", "hours_per_month",
          "storage_gb", "bursts_per_day", "startup_minutes"]  # fmt: skip

workload_data = st.one_of(
    values,
    st.fixed_dictionaries(
        {},
        optional={
            "default": st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), values),
            "resources": st.dictionaries(
                st.text(max_size=8), st.dictionaries(st.sampled_from(FIELDS), values, max_size=4)
            ),
            "coefficients": values,
            "strategies": values,
        },
    ),
)


@CASES
@given(data=workload_data)
def test_any_workload_data_is_accepted_or_refused_naming_the_field(data: Any) -> None:
    try:
        with time_limit(SECONDS):
            parse_workload(data)
    except WorkloadError as error:
        message = str(error)
        assert message.startswith("workload") and "\n" not in message


demand = st.fixed_dictionaries(
    {},
    optional={
        "requests_per_day": st.floats(0, 10**7),
        "active_hours_per_day": st.floats(0, 24, exclude_min=True),
        "seconds_per_request": st.floats(0, 3600, exclude_min=True),
        "utilization": st.floats(0, 1),
        "bursts_per_day": st.floats(0, 1000, exclude_min=True),
        "startup_minutes": st.floats(0, 60),
    },
)


@CASES
@given(
    instance_type=st.sampled_from(
        [
            "ml.inf2.xlarge",
            "ml.inf2.48xlarge",
            "ml.g5.2xlarge",
            "ml.g6.xlarge",
            "ml.c7g.large",
            "ml.p4d.24xlarge",
            "ml.trn1.2xlarge",
            "ml.m5.large",
        ]
    ),  # fmt: skip
    count=st.integers(1, 8),
    asynchronous=st.booleans(),
    scale_to_zero=st.booleans(),
    region=st.sampled_from(["us-east-1", "eu-north-1", "ap-south-1", "ca-west-1", None]),
    profile=demand,
)
def test_figures_are_finite_ordered_and_multiply(
    instance_type: str,
    count: int,
    asynchronous: bool,
    scale_to_zero: bool,
    region: str | None,
    profile: dict,
) -> None:
    scaling = {"MinCapacity": 0 if scale_to_zero else 1, "MaxCapacity": count}
    template = endpoint(
        instance_type=instance_type, count=count, asynchronous=asynchronous, scaling=scaling
    )
    decoded = DecodedTemplate(path="/nonexistent/t.template.json", template=template, region=region)
    workload = parse_workload({"resources": {"Endpoint": profile}})
    with time_limit(SECONDS):
        estimate = estimate_templates([decoded], workload=workload, region="us-east-1")
    for totals in (estimate.total, estimate.baseline_total):
        for figure in (totals.kwh, totals.kgco2e, totals.usd):
            assert figure is None or (math.isfinite(figure) and figure >= 0)
    kwh_range = estimate.ranges.total("ours")["kwh_month"] if estimate.ranges else None
    if kwh_range is not None:
        assert kwh_range[0] <= kwh_range[1]
    json.dumps(estimate.to_dict(), allow_nan=False)  # the JSON output is strict JSON
    ratios = estimate.ratios
    design, region_effect, combined = (
        ratios[k]["kgco2e"] for k in ("design", "region", "combined")
    )
    if None not in (design, region_effect, combined):  # each rounded to 0.01
        rounding = 0.005 * (design + region_effect + 1.01)
        assert abs(design * region_effect - combined) <= rounding
