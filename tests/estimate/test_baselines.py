"""Baselines at the same service level (transform vs a GPU transform job, async vs a GPU async
endpoint of at least one instance) and the start-up and scale-in tail of scaled endpoints.

Expected figures are computed here by hand from the catalog's coefficients (the Cloud Carbon
Footprint formula of green_constructs/estimate/footprint.py), and the grid is pinned by an
override, so the tests hold whatever the catalog's grid figures become."""

from __future__ import annotations

import json

import pytest
from templates import endpoint, state_machine, transform_state

from green_constructs.catalog import Catalog
from green_constructs.estimate.footprint import memory_gb
from green_constructs.estimate.report import render
from green_constructs.estimate.workload import WorkloadError, parse_workload

DAYS = 730 / 24
CATALOG = Catalog.default()
GRID = {"grid_intensity": {"us-east-1": 0.4}}
SIZED_7B = {
    "reason": "7.6B parameters in bf16 = 14.2 GiB of weights + 25% KV-cache headroom = 17.7 GiB",
    "required_gib": 17.7,
}


def hand_kwh(instance_type: str, hours: float, utilization: float, count: float = 1) -> float:
    """CCF by hand: vCPUs and accelerators between idle and max watts, CCF's memory term,
    times PUE."""
    shape = CATALOG.instance(instance_type)
    cpu, chip = CATALOG.power(shape.host_cpu), CATALOG.power(shape.accelerator)
    watts = shape.vcpu * (cpu.idle_watts + utilization * (cpu.max_watts - cpu.idle_watts))
    watts += shape.accelerator_count * (
        chip.idle_watts + utilization * (chip.max_watts - chip.idle_watts)
    )
    watts += memory_gb(shape, CATALOG)[0] * CATALOG.constant("memory_kwh_per_gb_hour").value * 1000
    return watts * hours * count * CATALOG.constant("pue_aws").value / 1000


def test_batch_compared_with_a_transform_job(run) -> None:
    """One 2-hour job a night on 1 x ml.inf2.xlarge at 80% (a 1.5B model): the baseline is a
    GPU transform job, 1 x ml.g5.xlarge (right-sized for 1.5B in bf16) for the same 2 hours a
    night at 80%, nothing in between; no longer a GPU endpoint kept up 24/7."""
    template = state_machine(transform_state(), model=True)
    workload = {"default": {"jobs_per_day": 1, "job_hours": 2, "utilization": 0.8}}
    estimate = run(template, workload, coefficient_overrides=GRID)
    ours, naive = estimate.resources[0], estimate.baseline[0]

    ours_kwh = hand_kwh("ml.inf2.xlarge", 2 * DAYS, 0.8)
    naive_kwh = hand_kwh("ml.g5.xlarge", 2 * DAYS, 0.8)
    assert ours.kwh == pytest.approx(ours_kwh)
    assert naive.plan.kind == "transform-job" and naive.plan.instance_type == "ml.g5.xlarge"
    assert [(line.phase, line.count, line.utilization) for line in naive.lines] == [
        ("jobs", 1, 0.8)
    ]
    assert naive.lines[0].hours == pytest.approx(2 * DAYS)
    assert naive.kwh == pytest.approx(naive_kwh)
    assert naive.kgco2e == pytest.approx(naive_kwh * 0.4)
    assert any("same throughput per instance" in note for note in naive.plan.notes)
    report = estimate.to_dict()
    assert report["ratios"]["design"]["kwh"] == pytest.approx(naive_kwh / ours_kwh, abs=0.01)
    assert report["ratio_to_baseline"] == pytest.approx(naive_kwh / ours_kwh, abs=0.01)

    # the former baseline is still shown, as an alternative: the endpoint up 24/7
    (always_on,) = report["baselines"]
    assert always_on["name"] == "gpu-realtime-24x7"
    assert always_on["applies_to"] == ["Jobs"]
    always_on_kwh = hand_kwh("ml.g5.xlarge", 2 * DAYS, 0.8) + hand_kwh("ml.g5.xlarge", 22 * DAYS, 0)
    assert always_on["kwh_month"] == pytest.approx(always_on_kwh, abs=1e-3)
    assert always_on["ratio"]["kwh"] == pytest.approx(always_on_kwh / ours_kwh, abs=0.01)


def test_transform_baseline_keeps_the_instance_count_and_sizes_over_transform_types(run) -> None:
    # 70B in bf16 needs more than one g5/g6 GPU; SageMaker transform takes no p4d or p5
    sized_70b = {"reason": "70B parameters in bf16 = ...", "required_gib": 163}
    template = state_machine(transform_state(instance_type="ml.inf2.48xlarge", count=3), model=True)
    template["Resources"]["Model"]["Metadata"]["green-constructs:right-sizing"] = sized_70b
    estimate = run(template, {"default": {"jobs_per_day": 2, "job_hours": 1.5}})
    naive = estimate.baseline[0]
    assert CATALOG.api_accepts(naive.plan.instance_type, "transform")
    assert naive.lines[0].count == 3
    assert naive.lines[0].hours == pytest.approx(3 * DAYS)


def _with_policies(template: dict, *, step_scale_in: bool = False) -> dict:
    """What AsyncInferenceEndpoint deploys: target tracking on the backlog per instance
    (ScaleInCooldown 600 s) and a step policy that adds an instance; optionally a step policy
    that removes one, woken by an alarm of 2 x 300 s."""
    resources = template["Resources"]
    resources["Tracking"] = {
        "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
        "Properties": {
            "PolicyType": "TargetTrackingScaling",
            "ScalingTargetId": {"Ref": "Target"},
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": 5,
                "ScaleInCooldown": 600,
                "ScaleOutCooldown": 300,
            },
        },
    }
    resources["WakeUp"] = {
        "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
        "Properties": {
            "PolicyType": "StepScaling",
            "ScalingTargetId": {"Ref": "Target"},
            "StepScalingPolicyConfiguration": {
                "AdjustmentType": "ChangeInCapacity",
                "Cooldown": 600,
                "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
            },
        },
    }
    if step_scale_in:
        resources["ScaleIn"] = {
            "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
            "Properties": {
                "PolicyType": "StepScaling",
                "ScalingTargetId": {"Ref": "Target"},
                "StepScalingPolicyConfiguration": {
                    "AdjustmentType": "ChangeInCapacity",
                    "Cooldown": 60,
                    "StepAdjustments": [{"MetricIntervalUpperBound": 0, "ScalingAdjustment": -1}],
                },
            },
        }
        resources["Empty"] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmActions": [{"Ref": "ScaleIn"}],
                "EvaluationPeriods": 2,
                "Period": 300,
                "MetricName": "ApproximateBacklogSize",
                "Namespace": "AWS/SageMaker",
                "Threshold": 0,
                "ComparisonOperator": "LessThanOrEqualToThreshold",
            },
        }
    return template


def _lines(resource) -> dict:
    return {line.phase: line for line in resource.lines}


def test_scale_from_zero_counts_start_up_and_scale_in_tail(run) -> None:
    """7200 requests x 4 s = 8 instance-hours over 8 h at 50%: 2 instances; 3 bursts a day,
    each 12 min of start-up (the workload's) and a 25 min tail (target tracking's low alarm,
    15 x 60 s, + ScaleInCooldown 600 s), idle, on both instances."""
    template = _with_policies(
        endpoint(asynchronous=True, scaling={"MinCapacity": 0, "MaxCapacity": 4})
    )
    workload = {
        "default": {
            "requests_per_day": 7200,
            "seconds_per_request": 4,
            "active_hours_per_day": 8,
            "bursts_per_day": 3,
            "startup_minutes": 12,
        }
    }
    estimate = run(template, workload, coefficient_overrides=GRID)
    lines = _lines(estimate.resources[0])
    assert list(lines) == ["active", "start-up", "scale-in tail"]
    startup, tail = lines["start-up"], lines["scale-in tail"]
    assert (startup.count, startup.utilization, tail.count, tail.utilization) == (2, 0.0, 2, 0.0)
    assert startup.hours == pytest.approx(3 * 12 / 60 * DAYS)
    assert tail.hours == pytest.approx(3 * 25 / 60 * DAYS)
    assert tail.kwh == pytest.approx(hand_kwh("ml.inf2.xlarge", 3 * 25 / 60 * DAYS, 0, count=2))
    notes = " ".join(estimate.resources[0].plan.notes)
    assert "Tracking" in notes and "ScaleInCooldown 600 s" in notes
    assert any("start-up" in a and "startup_minutes" in a for a in estimate.assumptions)


def test_default_start_up_per_accelerator_and_quickest_scale_in_policy(run) -> None:
    template = _with_policies(
        endpoint(asynchronous=True, scaling={"MinCapacity": 0, "MaxCapacity": 4}),
        step_scale_in=True,
    )
    workload = {"default": {"requests_per_day": 1800, "active_hours_per_day": 6}}
    lines = _lines(run(template, workload).resources[0])
    # one burst a day (default); Inferentia2: 10 min; the step policy's alarm 2 x 300 s + 60 s
    assert lines["start-up"].hours == pytest.approx(10 / 60 * DAYS)
    assert lines["scale-in tail"].hours == pytest.approx(660 / 3600 * DAYS)


def test_start_ups_and_tails_never_exceed_the_quiet_hours(run) -> None:
    template = _with_policies(
        endpoint(asynchronous=True, scaling={"MinCapacity": 0, "MaxCapacity": 4})
    )
    workload = {
        "default": {"requests_per_day": 100, "active_hours_per_day": 20, "bursts_per_day": 60}
    }
    found = run(template, workload).resources[0]
    lines = _lines(found)
    assert lines["start-up"].hours + lines["scale-in tail"].hours == pytest.approx(4 * DAYS)
    assert any("stay up between bursts" in note for note in found.plan.notes)


def test_an_endpoint_active_all_day_never_scales_from_zero(run) -> None:
    template = _with_policies(
        endpoint(asynchronous=True, scaling={"MinCapacity": 0, "MaxCapacity": 4})
    )
    found = run(template, {"default": {"requests_per_day": 1800}}).resources[0]
    assert [line.phase for line in found.lines] == ["active"]


def test_async_endpoint_alternative_is_a_gpu_async_endpoint_with_one_instance(run) -> None:
    """36000 requests x 4 s = 40 instance-hours over 10 h at 50%: 8 x ml.g5.xlarge while
    active, 1 the other 14 h; the 7 added start and stop once a day (8 min GPU start-up,
    target tracking's default tail: 15 x 60 s + SageMaker's default 300 s cooldown)."""
    template = endpoint(
        asynchronous=True, scaling={"MinCapacity": 0, "MaxCapacity": 10}, sizing=SIZED_7B
    )
    workload = {
        "default": {"requests_per_day": 36000, "seconds_per_request": 4, "active_hours_per_day": 10}
    }
    estimate = run(template, workload, coefficient_overrides=GRID)
    assert estimate.baseline[0].plan.kind == "realtime-endpoint"  # the primary: up 24/7
    assert sum(line.hours for line in estimate.baseline[0].lines) == pytest.approx(730)
    (alternative,) = estimate.alternative_baselines
    assert alternative.name == "gpu-async-min-1"
    found = alternative.resources[0]
    assert found.plan.kind == "async-endpoint" and found.plan.instance_type == "ml.g5.xlarge"
    lines = _lines(found)
    assert (lines["active"].count, lines["active"].hours) == (8, pytest.approx(10 * DAYS))
    assert lines["active"].utilization == pytest.approx(0.5)
    assert (lines["idle"].count, lines["idle"].hours) == (1, pytest.approx(14 * DAYS))
    assert (lines["start-up"].count, lines["start-up"].hours) == (7, pytest.approx(8 / 60 * DAYS))
    assert lines["scale-in tail"].hours == pytest.approx(20 / 60 * DAYS)
    expected = (
        hand_kwh("ml.g5.xlarge", 10 * DAYS, 0.5, count=8)
        + hand_kwh("ml.g5.xlarge", 14 * DAYS, 0)
        + hand_kwh("ml.g5.xlarge", 28 / 60 * DAYS, 0, count=7)
    )
    assert found.kwh == pytest.approx(expected)
    entry = estimate.to_dict()["baselines"][0]
    assert entry["kgco2e_month"] == pytest.approx(expected * 0.4, abs=1e-3)
    assert entry["ratio"]["kgco2e"] == pytest.approx(
        expected * 0.4 / estimate.total.kgco2e, abs=0.01
    )


def test_baselines_in_json_and_reports(run) -> None:
    template = endpoint(asynchronous=True, scaling={"MinCapacity": 0, "MaxCapacity": 2})
    estimate = run(template, {"default": {"requests_per_day": 1000, "active_hours_per_day": 4}})
    report = json.loads(render("json", estimate))
    assert set(report["baseline"]) >= {"kwh_month", "kgco2e_month", "description", "resources"}
    assert "transform job" in report["baseline"]["description"]
    (entry,) = report["baselines"]
    assert set(entry) == {
        "name",
        "description",
        "applies_to",
        "kwh_month",
        "kgco2e_month",
        "embodied_kgco2e_month",
        "usd_month",
        "usd_complete",
        "embodied_complete",
        "unknown_resources",
        "ratio",
        "design_ratio",
        "resources",
    }
    assert set(entry["ratio"]) == set(entry["design_ratio"]) == {"kwh", "kgco2e"}
    for fmt in ("text", "markdown", "html"):
        assert "alternative baseline (us-east-1): asynchronous endpoints as a GPU" in render(
            fmt, estimate
        )
    plain = run(endpoint())  # a real-time endpoint has no alternative
    assert plain.to_dict()["baselines"] == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bursts_per_day", 0, "must be greater than 0"),
        ("bursts_per_day", 2000, "must be between 0 and 1440"),
        ("startup_minutes", 200, "must be between 0 and 180"),
        ("startup_minutes", "ten", "must be a number"),
    ],
)
def test_burst_fields_are_validated(field, value, message) -> None:
    with pytest.raises(WorkloadError, match=f"workload.resources.Llm.{field}: {message}"):
        parse_workload({"resources": {"Llm": {field: value}}})
