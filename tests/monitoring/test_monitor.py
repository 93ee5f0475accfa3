"""SustainabilityMonitor on each kind of resource: the estimator's coefficients in the metric
math, settable thresholds, IMetric hooks, and validation naming the property."""

from __future__ import annotations

import json
import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk.assertions import Template

from green_constructs.catalog import Catalog
from green_constructs.estimate.footprint import instance_footprint, instance_watts
from green_constructs.inference import (
    BatchTransformPipeline,
    CustomImage,
    HuggingFaceNeuronModel,
    RealtimeEndpoint,
)
from green_constructs.monitoring import PowerModel, SustainabilityMonitor
from green_constructs.training import TrainiumCluster, TrainiumWorkerGroup

ENV = cdk.Environment(account="123456789012", region="eu-north-1")
SOURCE = HuggingFaceNeuronModel(
    model_id="Qwen/Qwen2.5-1.5B-Instruct", parameters_billion=1.5, server="tgi"
)


def stack(env: cdk.Environment = ENV) -> cdk.Stack:
    return cdk.Stack(cdk.App(), "S", env=env)


def evaluate(expression: str, **values: float) -> float:
    """Evaluate the monitor's metric math for one datapoint (FILL and PERIOD as CloudWatch)."""
    python = re.sub(r"FILL\((\w+), 0\)", r"\1", expression)
    python = re.sub(r"PERIOD\(\w+\)", str(values.pop("period")), python)
    return eval(python, {}, values)  # noqa: S307 - the expression is ours


def test_power_model_comes_from_instance_watts() -> None:
    catalog = Catalog.default()
    shape = catalog.instance("ml.inf2.xlarge")
    model = PowerModel.of("ml.inf2.xlarge", "eu-north-1")
    assert model.idle_watts == instance_watts(shape, 0.0, catalog)[0]
    assert model.peak_watts == instance_watts(shape, 1.0, catalog)[0]
    assert model.grams_per_wh == catalog.region("eu-north-1").kgco2e_per_kwh
    assert PowerModel.of("ml.inf2.xlarge", "${Token[AWS.Region.7]}").region == "*"


def test_endpoint_energy_math_equals_the_estimator() -> None:
    scope = stack()
    endpoint = RealtimeEndpoint(scope, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    monitored = (
        SustainabilityMonitor(scope, "Monitor")
        .monitor_realtime_endpoint(endpoint)
        .resource(endpoint)
    )
    energy = monitored.carbon.energy_wh
    co2e = monitored.carbon.co2e_grams
    assert isinstance(energy, cloudwatch.MathExpression)
    # an hour of 3 instances at 120% CPU of 4 vCPUs: SampleCount 180, utilization 0.3
    point = {"samples": 180, "util": 120, "period": 3600}
    expected = instance_footprint(
        "ml.inf2.xlarge", hours=1, region="eu-north-1", utilization=0.3, count=3
    )
    assert evaluate(energy.expression, **point) == pytest.approx(expected.kwh * 1000)
    assert evaluate(co2e.expression, **point) == pytest.approx(expected.kgco2e * 1000)
    per_request = monitored.carbon.co2e_per_thousand_requests.expression
    python = per_request.replace("IF(requests > 0, ", "(")
    assert evaluate(python, **point, requests=500) == pytest.approx(expected.kgco2e * 1e6 / 500)


def test_every_exposed_metric_is_an_imetric() -> None:
    scope = stack()
    endpoint = RealtimeEndpoint(scope, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    monitored = (
        SustainabilityMonitor(scope, "Monitor")
        .monitor_realtime_endpoint(endpoint)
        .resource(endpoint)
    )
    metrics = [*monitored.utilization.values(), *monitored.demand.values()]
    metrics += [
        monitored.carbon.power_watts,
        monitored.carbon.energy_wh,
        monitored.carbon.co2e_grams,
    ]
    for metric in metrics:
        assert isinstance(
            metric, (cloudwatch.Metric, cloudwatch.MathExpression, cloudwatch.SearchExpression)
        )
        assert metric.to_metric_config() is not None


def test_realtime_thresholds_are_settable() -> None:
    scope = stack()
    endpoint = RealtimeEndpoint(scope, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    monitored = (
        SustainabilityMonitor(scope, "Monitor")
        .monitor_realtime_endpoint(
            endpoint,
            idle_after=cdk.Duration.hours(2),
            low_utilization_percent=25,
            low_utilization_after=cdk.Duration.hours(12),
        )
        .resource(endpoint)
    )
    assert set(monitored.alarms) == {"idle", "low_utilization"}
    template = Template.from_stack(scope).to_json()
    alarms = {
        k: v["Properties"]
        for k, v in template["Resources"].items()
        if v["Type"] == "AWS::CloudWatch::Alarm" and k.startswith("Monitor")
    }
    idle = next(v for k, v in alarms.items() if "Idle" in k)
    low = next(v for k, v in alarms.items() if "LowUtilization" in k)
    assert idle["EvaluationPeriods"] == 2
    assert (low["Threshold"], low["EvaluationPeriods"]) == (25, 12)
    assert '"MetricName": "Invocations"' in json.dumps(idle)


def test_gpu_endpoint_graphs_gpu_metrics_and_uses_gpu_utilization() -> None:
    scope = stack()
    image = "763104351884.dkr.ecr.eu-north-1.amazonaws.com/pytorch-inference:2.3-gpu"
    endpoint = RealtimeEndpoint(
        scope, "Chat", source=CustomImage(image, accelerator="gpu"), instance_type="ml.g5.xlarge"
    )
    monitored = (
        SustainabilityMonitor(scope, "Monitor")
        .monitor_realtime_endpoint(endpoint)
        .resource(endpoint)
    )
    assert {"GPUUtilization", "GPUMemoryUtilization"} <= set(monitored.utilization)
    assert "util * 100 / 100" in monitored.utilization["Busy share (%)"].expression


def test_custom_utilization_metric_replaces_the_published_one() -> None:
    scope = stack()
    endpoint = RealtimeEndpoint(scope, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    neuron = cloudwatch.Metric(namespace="MyApp/Neuron", metric_name="NeuronCoreUtilization")
    monitored = (
        SustainabilityMonitor(scope, "Monitor")
        .monitor_realtime_endpoint(endpoint, utilization=neuron)
        .resource(endpoint)
    )
    assert "FILL(util, 0) / 100" in monitored.carbon.power_watts.expression
    assert monitored.utilization["Busy share (%)"] is neuron


def test_job_carbon_reads_the_shared_utilization_metric() -> None:
    """GPU transform jobs: hosts counted by CPUUtilization samples, busy share from
    GPUUtilization per GPU, as the carbon metrics Lambda reads them."""
    scope = stack(cdk.Environment(account="123456789012", region="us-west-2"))
    image = "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference:2.3-gpu"
    pipeline = BatchTransformPipeline(
        scope, "Batch", source=CustomImage(image, accelerator="gpu"), instance_type="ml.g5.12xlarge"
    )
    batch = (
        SustainabilityMonitor(scope, "Monitor").monitor_batch_pipeline(pipeline).resource(pipeline)
    )
    expression = batch.carbon.power_watts.expression
    metric = PowerModel.of("ml.g5.12xlarge", "us-west-2").utilization
    assert metric.name == "GPUUtilization"
    assert 'MetricName="CPUUtilization" Host=' in expression and "'SampleCount'" in expression
    assert re.search(r"MetricName=\"GPUUtilization\" Host=[\w-]+', 'Average'", expression)
    assert f"""CPUUtilization" Host={pipeline.job_name_prefix}', 'Average'""" not in expression
    assert f"/ {metric.divisor})" in expression


def test_batch_pipeline_and_cluster_segments() -> None:
    scope = stack(cdk.Environment(account="123456789012", region="us-west-2"))  # trn1 offered
    pipeline = BatchTransformPipeline(scope, "Batch", source=SOURCE, instance_type="ml.inf2.xlarge")
    cluster = TrainiumCluster(
        scope, "Cluster", worker_groups=[TrainiumWorkerGroup(instance_count=2)]
    )
    monitor = SustainabilityMonitor(scope, "Monitor")
    batch = monitor.monitor_batch_pipeline(pipeline).resource(pipeline)
    assert "/aws/sagemaker/TransformJobs" in batch.carbon.power_watts.expression
    assert batch.alarms == {}
    hyperpod = monitor.monitor_cluster(cluster, low_utilization_percent=5).resource(cluster)
    model = PowerModel.of("ml.trn1.32xlarge", "us-west-2")
    watts = evaluate(hyperpod.carbon.power_watts.expression, neuron=50, period=300)
    assert watts == pytest.approx(2 * (model.idle_watts + model.peak_watts) / 2 * model.pue)
    low = Template.from_stack(scope).find_resources(
        "AWS::CloudWatch::Alarm", {"Properties": {"MetricName": "NeuronCoreUtilization"}}
    )
    (alarm,) = low.values()
    assert (alarm["Properties"]["Threshold"], alarm["Properties"]["EvaluationPeriods"]) == (5, 6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"idle_after": cdk.Duration.minutes(90)}, "idle_after must be whole hours from 1 to 24"),
        ({"low_utilization_after": cdk.Duration.hours(48)}, "low_utilization_after must be whole"),
        ({"low_utilization_percent": 0}, "low_utilization_percent must be a number between 0"),
    ],
)
def test_bad_thresholds_name_the_property(kwargs, message) -> None:
    scope = stack()
    endpoint = RealtimeEndpoint(scope, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    with pytest.raises(ValueError, match=message):
        SustainabilityMonitor(scope, "Monitor").monitor_realtime_endpoint(endpoint, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"period": cdk.Duration.seconds(30)},
            "period must be a whole number of minutes, at least 1 minute, got 30 seconds",
        ),
        (
            {"period": cdk.Duration.seconds(90)},
            "period must be a whole number of minutes, at least 1 minute",
        ),
        (
            {"carbon_period": cdk.Duration.seconds(0)},
            "carbon_period must be a whole number of minutes, at least 1 minute",
        ),
        ({"region": "mars-1"}, "region: unknown region 'mars-1'; known: af-south-1, "),
        ({"region": "eu-nort-1"}, "region: unknown region 'eu-nort-1'; did you mean eu-north-1"),
        ({"dashboard_name": "my dashboard"}, "dashboard_name must be 1 to 255 letters, digits"),
    ],
)
def test_bad_monitor_props_name_the_property(kwargs, message) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        SustainabilityMonitor(stack(), "Monitor", **kwargs)


def test_region_sets_the_grid_and_a_token_region_is_accepted() -> None:
    scope = stack()
    endpoint = RealtimeEndpoint(scope, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    monitor = SustainabilityMonitor(
        scope, "Monitor", region="us-east-1", period=cdk.Duration.minutes(1)
    )
    (power,) = monitor.monitor_realtime_endpoint(endpoint).resource(endpoint).power
    assert power.region == "us-east-1"
    assert SustainabilityMonitor(scope, "Agnostic", region=cdk.Aws.REGION).region == cdk.Aws.REGION


def test_a_resource_is_monitored_once_per_monitor() -> None:
    scope = stack()
    endpoint = RealtimeEndpoint(scope, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    monitor = SustainabilityMonitor(scope, "Monitor")
    monitor.monitor_realtime_endpoint(endpoint)
    with pytest.raises(ValueError, match="endpoint: S/Chat is already monitored by S/Monitor"):
        monitor.monitor_realtime_endpoint(endpoint, idle_after=cdk.Duration.hours(2))
    assert len(monitor.monitored) == 1
    SustainabilityMonitor(scope, "Other").monitor_realtime_endpoint(endpoint)  # its own alarms
    alarms = Template.from_stack(scope).find_resources("AWS::CloudWatch::Alarm")
    assert sum(name.startswith(("Monitor", "Other")) for name in alarms) == 4


def test_wrong_resource_type_names_the_parameter() -> None:
    scope = stack()
    endpoint = RealtimeEndpoint(scope, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    with pytest.raises(
        TypeError, match="endpoint must be of type AsyncInferenceEndpoint, got RealtimeEndpoint"
    ):
        SustainabilityMonitor(scope, "Monitor").monitor_async_endpoint(endpoint)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"low_utilization_percent": "10"}, "low_utilization_percent must be a number between 0"),
        ({"idle_after": 6}, "idle_after must be a cdk.Duration, got 6"),
        ({"utilization": "NeuronCoreUtilization"}, "utilization must be a cloudwatch.Metric"),
    ],
)
def test_threshold_of_a_wrong_kind_is_a_type_error(kwargs, message) -> None:
    scope = stack()
    endpoint = RealtimeEndpoint(scope, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    with pytest.raises(TypeError, match=message):
        SustainabilityMonitor(scope, "Monitor").monitor_realtime_endpoint(endpoint, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": "300"}, "period must be a cdk.Duration, got '300'"),
        ({"region": 5}, "region must be a region name such as 'eu-north-1', got 5"),
        ({"catalog": "default"}, "catalog must be a green_constructs Catalog"),
        ({"dashboard_name": 5}, "dashboard_name must be 1 to 255 letters"),
        ({"alarm_topic": "arn:aws:sns:eu-north-1:123456789012:x"}, "alarm_topic must be an"),
    ],
)
def test_monitor_prop_of_a_wrong_kind_is_a_type_error(kwargs, message) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        SustainabilityMonitor(stack(), "Monitor", **kwargs)
