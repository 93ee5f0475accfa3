"""Baseline sizing, the greenest region and customization strategies."""

from __future__ import annotations

import json
import math

import pytest
from templates import endpoint, state_machine, training_state, transform_state

from green_constructs.estimate.footprint import instance_footprint
from green_constructs.estimate.report import render
from green_constructs.estimate.synth import summary

DAYS = 730 / 24
SIZED_7B = {
    "reason": "7.6B parameters in bf16 = 14.2 GiB of weights + 25% KV-cache headroom = 17.7 GiB",
    "required_gib": 17.7,
}


def test_baseline_is_a_right_sized_gpu_endpoint_24_7_in_us_east_1(run) -> None:
    template = endpoint(
        asynchronous=True, scaling={"MinCapacity": 0, "MaxCapacity": 2}, sizing=SIZED_7B
    )
    workload = {
        "default": {"requests_per_day": 1800, "seconds_per_request": 2, "active_hours_per_day": 6}
    }
    estimate = run(template, workload, region="eu-north-1")
    naive = estimate.baseline[0]
    assert naive.plan.region == "us-east-1" and naive.plan.instance_type == "ml.g5.xlarge"
    active = instance_footprint(
        "ml.g5.xlarge", hours=6 * DAYS, region="us-east-1", utilization=1 / 6
    )
    idle = instance_footprint("ml.g5.xlarge", hours=18 * DAYS, region="us-east-1", utilization=0.0)
    assert naive.kgco2e == pytest.approx(active.kgco2e + idle.kgco2e)
    assert sum(line.hours for line in naive.lines) == pytest.approx(730)
    assert estimate.to_dict()["ratio_to_baseline"] == pytest.approx(
        naive.kgco2e / estimate.total.kgco2e, rel=0.01
    )


def test_baseline_serves_the_same_demand_with_more_gpus_when_needed(run) -> None:
    workload = {
        "default": {"requests_per_day": 36000, "seconds_per_request": 4, "active_hours_per_day": 10}
    }
    estimate = run(
        endpoint(scaling={"MinCapacity": 1, "MaxCapacity": 10}, sizing=SIZED_7B), workload
    )
    # 40 instance-hours over 10 h at 50%: 8 instances, ours and the baseline's
    assert estimate.resources[0].lines[0].count == 8
    assert estimate.baseline[0].lines[0].count == 8


def test_model_size_from_accelerator_memory_without_metadata(run) -> None:
    estimate = run(endpoint(instance_type="ml.inf2.xlarge"))
    naive = estimate.baseline[0]
    # assumed to fill 32 GiB: needs a 4-GPU g5 (96 GiB) instance
    assert naive.plan.instance_type == "ml.g5.12xlarge"
    assert any("upper bound" in note for note in naive.plan.notes)


def test_transform_baseline_uses_the_served_model(run) -> None:
    template = state_machine(transform_state(), model=True)
    estimate = run(template, {"default": {"jobs_per_day": 1, "job_hours": 2}})
    naive = estimate.baseline[0]
    assert naive.plan.instance_type == "ml.g5.xlarge"
    assert any("1.5B parameters" in note for note in naive.plan.notes)
    # a GPU transform job over the same job hours; the 24/7 endpoint is the alternative
    assert naive.plan.kind == "transform-job"
    assert sum(line.hours for line in naive.lines) == pytest.approx(2 * DAYS)
    (always_on,) = estimate.alternative_baselines
    assert always_on.name == "gpu-realtime-24x7"
    assert sum(line.hours for line in always_on.resources[0].lines) == pytest.approx(730)


def test_training_baseline_runs_the_same_hours_on_gpus(run) -> None:
    estimate = run(state_machine(training_state()), {"default": {"training_hours_per_month": 10}})
    naive = estimate.baseline[0]
    expected = instance_footprint("ml.p4d.24xlarge", hours=10, region="us-east-1")
    assert naive.plan.instance_type == "ml.p4d.24xlarge"
    assert naive.kgco2e == pytest.approx(expected.kgco2e)


def test_greenest_region_offers_the_accelerators_in_use(run) -> None:
    estimate = run(endpoint(), region="ap-southeast-2")
    greenest = estimate.comparisons["greenest_region"]
    assert greenest["region"] == "eu-north-1" and greenest["accelerator"] == "inferentia"
    assert greenest["kgco2e_month"] < estimate.total.kgco2e
    assert estimate.comparisons["in_baseline_region"]["region"] == "us-east-1"


def test_strategies_compare_declared_compute(run) -> None:
    workload = {
        "strategies": {
            "rag": {"instance_type": "ml.inf2.xlarge", "hours_per_month": 10},
            "full_fine_tuning": {
                "instance_type": "ml.trn1.32xlarge",
                "hours_per_month": 24,
                "nodes": 4,
            },
            "pre_training": {"instance_type": "ml.zz.huge", "hours_per_month": 1},
        }
    }
    rows = run(endpoint(), workload).comparisons["strategies"]
    rag, full, pre = rows
    assert rag["kgco2e_month"] == pytest.approx(
        instance_footprint("ml.inf2.xlarge", hours=10, region="us-east-1").kgco2e, abs=1e-3
    )
    assert full["kgco2e_month"] > rag["kgco2e_month"]
    assert pre["estimated"] is False and "unknown instance type" in pre["reason"]
    assert [p.where for p in run(endpoint(), workload).problems] == [
        "workload.strategies.pre_training"
    ]


def _with_inf1_variant(template: dict) -> dict:
    """``template``'s endpoint with a second variant on ml.inf1 (no power figure: unknown)."""
    variants = template["Resources"]["Config"]["Properties"]["ProductionVariants"]
    variants.append({**variants[0], "VariantName": "Old", "InstanceType": "ml.inf1.xlarge"})
    return template


def test_a_resource_we_cannot_estimate_gets_no_baseline_and_no_ratio(run) -> None:
    estimate = run(_with_inf1_variant(endpoint(instance_type="ml.inf2.xlarge")))
    known, unknown = estimate.resources
    assert known.estimated and not unknown.estimated
    naive_known, naive_unknown = estimate.baseline
    assert not naive_unknown.estimated and "not compared" in naive_unknown.reason
    assert estimate.baseline_total.kgco2e == pytest.approx(naive_known.kgco2e)
    report = estimate.to_dict()
    assert report["ratio_to_baseline"] is None
    for side in (report["total"], report["baseline"]):
        assert side["unknown_resources"] == 1
        assert side["usd_complete"] is False and side["embodied_complete"] is False
    assert [p.where for p in estimate.problems] == ["Endpoint (variant Old)"]  # once, not per side


def test_nothing_estimated_is_unknown_never_zero(run) -> None:
    estimate = run(endpoint(instance_type="ml.inf1.xlarge"))
    total = estimate.to_dict()["total"]
    assert total["kgco2e_month"] is None and total["usd_month"] is None
    assert total["kwh_month"] is None and total["unknown_resources"] == 1
    text = render("text", estimate)
    assert "Our design: unknown (1 resource(s) not estimated)" in text
    assert "no ratio: resources not estimated are left out" in text
    assert "$0.00" not in text and " 0 kg" not in text
    assert "unknown a month (1 resource(s) not estimated)" in summary(estimate)


def test_the_largest_workload_allowed_stays_finite(run) -> None:
    # the upper bounds of docs/WORKLOADS.md, over the shortest day and the lowest utilization
    workload = {
        "default": {
            "requests_per_day": 1e10,
            "seconds_per_request": 3600,
            "active_hours_per_day": 1e-300,
            "utilization": 1e-300,
        },
        "resources": {"Data": {"storage_gb": 1e9}},
    }
    template = endpoint(scaling={"MinCapacity": 1, "MaxCapacity": 4})
    template["Resources"]["Data"] = {"Type": "AWS::S3::Bucket", "Properties": {}}
    estimate = run(template, workload)
    assert estimate.resources[0].lines[0].count == 4  # capped at MaxCapacity
    assert estimate.baseline[0].lines[0].count == 10_000  # capped at the most the estimate sizes
    numbers = json.loads(render("json", estimate), parse_constant=lambda c: pytest.fail(c))
    assert math.isfinite(numbers["total"]["kgco2e_month"])
    assert math.isfinite(numbers["baseline"]["kgco2e_month"])
