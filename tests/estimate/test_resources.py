"""Per-resource estimates on small hand-written templates, one kind of resource at a time."""

from __future__ import annotations

import math

import pytest
from templates import endpoint, state_machine, training_state, transform_state

from green_constructs.catalog import Catalog
from green_constructs.estimate.footprint import instance_footprint
from green_constructs.estimate.workload import MAX_NODES

DAYS = 730 / 24
CATALOG = Catalog.default()


def _only(estimate):
    assert len(estimate.resources) == 1
    return estimate.resources[0]


def test_fixed_real_time_endpoint_runs_around_the_clock(run) -> None:
    found = _only(run(endpoint(instance_type="ml.g5.2xlarge", count=2)))
    expected = instance_footprint(
        "ml.g5.2xlarge", hours=730, region="us-east-1", utilization=0.5, count=2
    )
    assert found.plan.kind == "realtime-endpoint"
    assert found.kwh == pytest.approx(expected.kwh)
    assert found.kgco2e == pytest.approx(expected.kgco2e)
    assert found.usd == pytest.approx(2 * 730 * 1.515)  # SageMaker hosting, us-east-1
    assert found.embodied_kgco2e == pytest.approx(expected.embodied_kgco2e)


def test_demand_sets_active_instances_and_the_scheduled_floor_of_zero_runs_nothing(run) -> None:
    # 7200 requests x 4 s = 8 instance-hours a day over 8 h at 50%: 2 instances busy 50%;
    # the other 16 h a scheduled action lowers the floor to 0: nothing runs.
    scaling = {
        "MinCapacity": 1,
        "MaxCapacity": 4,
        "ScheduledActions": [
            {"ScalableTargetAction": {"MinCapacity": 0}, "Schedule": "cron(0 19 * * ? *)"}
        ],
    }
    workload = {
        "resources": {
            "Endpoint": {
                "requests_per_day": 7200,
                "seconds_per_request": 4,
                "active_hours_per_day": 8,
            }
        }
    }
    found = _only(run(endpoint(scaling=scaling), workload))
    # the 2 instances start once a day: 10 min idle start-up on Inferentia2 (no scale-in
    # policy in the template: no tail)
    active, startup = found.lines
    assert (startup.phase, startup.count, startup.utilization) == ("start-up", 2, 0.0)
    assert startup.hours == pytest.approx(10 / 60 * DAYS)
    assert (active.count, active.hours, active.utilization) == (
        2,
        pytest.approx(8 * DAYS),
        pytest.approx(0.5),
    )
    expected = instance_footprint(
        "ml.inf2.xlarge", hours=8 * DAYS, region="us-east-1", utilization=0.5, count=2
    )
    assert active.kwh == pytest.approx(expected.kwh)


def test_scheduled_floor_idles_outside_active_hours(run) -> None:
    scaling = {
        "MinCapacity": 2,
        "MaxCapacity": 6,
        "ScheduledActions": [{"ScalableTargetAction": {"MinCapacity": 1, "MaxCapacity": 6}}],
    }
    workload = {"default": {"active_hours_per_day": 12}}
    found = _only(run(endpoint(scaling=scaling), workload))
    active, idle, startup = found.lines  # the instance above the floor of 1 starts daily
    assert (active.count, idle.count, idle.utilization) == (2, 1, 0.0)
    assert (startup.phase, startup.count) == ("start-up", 1)
    idle_power = instance_footprint(
        "ml.inf2.xlarge", hours=12 * DAYS, region="us-east-1", utilization=0.0
    )
    assert idle.kwh == pytest.approx(idle_power.kwh)


@pytest.mark.parametrize("action", [None, [{"MinCapacity": 0}], 3, "0"])
def test_malformed_scheduled_actions_are_ignored(run, action) -> None:
    scaling = {
        "MinCapacity": 1,
        "MaxCapacity": 4,
        "ScheduledActions": [{"ScalableTargetAction": action, "Schedule": "cron(0 20 * * ? *)"}],
    }
    workload = {"default": {"active_hours_per_day": 12}}
    found = _only(run(endpoint(scaling=scaling), workload))
    active, idle = found.lines
    assert (active.count, idle.count) == (1, 1)  # the floor stays MinCapacity all day


def test_no_instance_to_serve_requests_is_a_problem_not_a_crash(run) -> None:
    template = endpoint(instance_type="ml.g5.2xlarge", count=0)
    estimate = run(template, {"resources": {"Endpoint": {"requests_per_day": 100}}})
    found = _only(estimate)
    assert not found.estimated and "no instance serves its 100 requests a day" in found.reason
    assert [p.where for p in estimate.problems] == ["Endpoint"]
    idle = _only(run(template))  # no requests: nothing runs, nothing is owed
    assert idle.estimated and idle.kwh == 0


def test_counts_beyond_any_fleet_are_capped_and_stay_finite(run) -> None:
    huge = _only(run(endpoint(instance_type="ml.g5.2xlarge", count=10**400)))
    capped = _only(run(endpoint(instance_type="ml.g5.2xlarge", count=MAX_NODES)))
    assert huge.plan.usages[0].count == MAX_NODES
    assert huge.kwh == pytest.approx(capped.kwh) and math.isfinite(huge.kwh)


def test_async_endpoint_scales_to_zero_outside_active_hours(run) -> None:
    template = endpoint(asynchronous=True, scaling={"MinCapacity": 0, "MaxCapacity": 4})
    workload = {
        "resources": {
            "Endpoint": {
                "requests_per_day": 1800,
                "seconds_per_request": 2,
                "active_hours_per_day": 6,
            }
        }
    }
    found = _only(run(template, workload))
    assert found.plan.kind == "async-endpoint"
    # nothing runs the other 18 h but the daily start-up (no scale-in policy: no tail)
    assert [line.phase for line in found.lines] == ["active", "start-up"]
    line = found.lines[0]
    # 1 instance-hour of work over 6 h: one instance, 1/6 utilized
    assert (line.count, line.hours, line.utilization) == (
        1,
        pytest.approx(6 * DAYS),
        pytest.approx(1 / 6),
    )


def test_demand_above_max_capacity_is_capped_and_said(run) -> None:
    template = endpoint(scaling={"MinCapacity": 0, "MaxCapacity": 1})
    workload = {
        "default": {
            "requests_per_day": 100000,
            "seconds_per_request": 10,
            "active_hours_per_day": 4,
        }
    }
    found = _only(run(template, workload))
    assert found.lines[0].utilization == 1.0
    assert any("exceeds" in note for note in found.plan.notes)


def test_serverless_with_requests_uses_the_documented_assumption(run) -> None:
    template = endpoint(serverless={"MemorySizeInMB": 3538, "MaxConcurrency": 5})
    workload = {"default": {"requests_per_day": 3600, "seconds_per_request": 1, "utilization": 0.5}}
    estimate = run(template, workload)
    found = _only(estimate)
    # 1 h of compute a day on 2 vCPU at aws-average (0.74-3.50 W) at 50% = 4.24 W
    assert found.plan.kind == "serverless-endpoint"
    assert found.kwh == pytest.approx(4.24 * DAYS * 1.135 / 1000)
    assert found.usd is None
    assert any(
        c.name == "serverless compute" and c.basis == "assumption" for c in estimate.coefficients
    )


def test_serverless_without_requests_is_not_estimated_with_the_reason(run) -> None:
    estimate = run(endpoint(serverless={"MemorySizeInMB": 2048}))
    found = _only(estimate)
    assert not found.estimated and "requests_per_day" in found.reason
    assert any("requests_per_day" in p.message for p in estimate.problems)
    assert estimate.total.unknown == 1


def test_unknown_instance_type_is_a_problem_never_zero(run) -> None:
    estimate = run(endpoint(instance_type="ml.x9.mega"))
    found = _only(estimate)
    assert not found.estimated and "unknown instance type 'ml.x9.mega'" in found.reason
    assert estimate.to_dict()["resources"][0]["kgco2e_month"] is None
    assert estimate.to_dict()["total"]["unknown_resources"] == 1
    assert any("ml.x9.mega" in p.message for p in estimate.problems)


def test_transform_jobs_per_day(run) -> None:
    template = state_machine(transform_state(count=2))
    workload = {"resources": {"Jobs": {"jobs_per_day": 2, "job_hours": 1.5, "utilization": 0.8}}}
    found = _only(run(template, workload))
    expected = instance_footprint(
        "ml.inf2.xlarge",
        hours=3 * DAYS,
        region="us-east-1",
        utilization=0.8,
        count=2,
        feature="transform",
    )
    assert found.plan.kind == "transform-job"
    assert found.kwh == pytest.approx(expected.kwh)
    assert found.usd == pytest.approx(expected.usd)


def test_training_hours_and_nodes_from_the_workload(run) -> None:
    template = state_machine(training_state(count=1))
    workload = {
        "resources": {"Jobs": {"training_hours_per_month": 10, "nodes": 2, "utilization": 0.9}}
    }
    found = _only(run(template, workload))
    expected = instance_footprint(
        "ml.trn1.32xlarge", hours=10, region="us-east-1", utilization=0.9, count=2
    )
    assert found.plan.kind == "training-job"
    assert found.kgco2e == pytest.approx(expected.kgco2e)


def test_training_defaults_to_one_run_at_its_time_limit(run) -> None:
    found = _only(run(state_machine(training_state(runtime=7200))))
    assert found.lines[0].hours == pytest.approx(2)
    unbounded = _only(run(state_machine(training_state(runtime=None))))
    assert not unbounded.estimated and "training_hours_per_month" in unbounded.reason


def test_training_in_a_sagemaker_pipeline(run) -> None:
    import json

    pipeline = {
        "Version": "2020-12-01",
        "Parameters": [{"Name": "Type", "Type": "String", "DefaultValue": "ml.trn1.2xlarge"}],
        "Steps": [
            {
                "Name": "Train",
                "Type": "Training",
                "Arguments": {
                    "ResourceConfig": {
                        "InstanceType": {"Get": "Parameters.Type"},
                        "InstanceCount": 1,
                    }
                },
            }
        ],
    }
    template = {
        "Resources": {
            "Pipeline": {
                "Type": "AWS::SageMaker::Pipeline",
                "Properties": {
                    "PipelineDefinition": {"PipelineDefinitionBody": json.dumps(pipeline)}
                },
            }
        }
    }
    found = _only(run(template, {"default": {"training_hours_per_month": 5}}))
    assert found.plan.instance_type == "ml.trn1.2xlarge"
    assert found.lines[0].hours == 5


def test_hyperpod_cluster_instance_groups(run) -> None:
    template = {
        "Resources": {
            "Cluster": {
                "Type": "AWS::SageMaker::Cluster",
                "Properties": {
                    "InstanceGroups": [
                        {
                            "InstanceGroupName": "controller",
                            "InstanceType": "ml.m5.xlarge",
                            "InstanceCount": 1,
                        },
                        {
                            "InstanceGroupName": "workers",
                            "InstanceType": "ml.trn1.32xlarge",
                            "InstanceCount": 2,
                        },
                    ]
                },
            }
        }
    }
    found = _only(run(template, {"resources": {"Cluster": {"hours_per_month": 100}}}))
    workers = instance_footprint(
        "ml.trn1.32xlarge", hours=100, region="us-east-1", count=2, feature="hyperpod"
    )
    controller = instance_footprint(
        "ml.m5.xlarge", hours=100, region="us-east-1", feature="hyperpod"
    )
    assert found.kwh == pytest.approx(workers.kwh + controller.kwh)
    assert found.usd == pytest.approx(workers.usd + controller.usd)  # HyperPod priced as training


def test_bucket_estimated_only_with_a_size(run) -> None:
    template = {"Resources": {"Data": {"Type": "AWS::S3::Bucket", "Properties": {}}}}
    assert run(template).resources == []
    found = _only(run(template, {"resources": {"Data": {"storage_gb": 1000}}}))
    assert found.plan.kind == "storage"
    assert found.kwh == pytest.approx(730 * 0.65 * 6 * 1.135 / 1000)


def test_unknown_region_uses_the_average_and_is_a_problem(run) -> None:
    estimate = run(endpoint(), region=None)
    assert estimate.resources[0].plan.region == "*"
    assert any("region unknown" in p.message for p in estimate.problems)
    named = run(endpoint(), region="mars-9")  # as a cdk.out manifest can say
    average = CATALOG.region("mars-9", fallback=True).kgco2e_per_kwh
    assert named.resources[0].kgco2e == pytest.approx(named.resources[0].kwh * average)
    assert [p.message for p in named.problems] == [
        "region 'mars-9' is unknown to the catalog: its average grid intensity is used"
    ]


def test_coefficient_overrides_flow_into_the_numbers_and_the_list(run) -> None:
    overrides = {"grid_intensity": {"us-east-1": 0.1}, "power": {"Inferentia2": [0, 100]}}
    estimate = run(endpoint(), coefficient_overrides=overrides)
    found = _only(estimate)
    assert found.kgco2e == pytest.approx(found.kwh * 0.1)
    assert any(c.basis == "user-override" for c in estimate.coefficients)
