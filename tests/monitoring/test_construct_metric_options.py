"""The ``metric_*`` methods of the training job, HyperPod cluster, batch pipeline and carbon
publisher take aws-cdk-lib's ``MetricOptions`` keywords over their documented defaults, and
each returns a ``Metric`` an alarm can use; the per-instance job searches, which no alarm can
use, are named ``search_*``."""

from __future__ import annotations

import inspect

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk.assertions import Match, Template

from green_constructs.inference import BatchTransformPipeline, CustomImage
from green_constructs.monitoring import CarbonMetricsPublisher
from green_constructs.training import TrainiumCluster, TrainiumTrainingJob

ENV = cdk.Environment(account="111111111111", region="us-west-2")
IMAGE = "763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-tgi-inference:x-neuronx"
DEFAULTS = {  # class: {method: (statistic, period in minutes)}, as the docstrings say
    "TrainiumTrainingJob": {
        "metric_executions_succeeded": ("Sum", 5),
        "metric_executions_failed": ("Sum", 5),
        "metric_executions_started": ("Sum", 5),
        "metric_execution_time": ("Average", 5),
    },
    "BatchTransformPipeline": {
        "metric_executions_succeeded": ("Sum", 5),
        "metric_executions_failed": ("Sum", 5),
        "metric_executions_started": ("Sum", 5),
        "metric_execution_time": ("Average", 5),
    },
    "TrainiumCluster": {
        "metric_neuron_core_utilization": ("Average", 5),
        "metric_neuron_ecc_errors": ("Maximum", 5),
    },
    "CarbonMetricsPublisher": {
        "metric_energy_wh": ("Sum", 60),
        "metric_co2e_grams": ("Sum", 60),
        "metric_region_co2e_grams": ("Sum", 60),
    },
}
OPTIONS = {
    "label": "mine",
    "color": "#ff0000",
    "unit": cloudwatch.Unit.COUNT,
    "period": cdk.Duration.minutes(10),
    "statistic": "Minimum",
}


@pytest.fixture(scope="module")
def constructs(tmp_path_factory):
    source = tmp_path_factory.mktemp("source")
    (source / "train.py").write_text("print('training')\n")
    stack = cdk.Stack(cdk.App(), "Metrics", env=ENV)
    job = TrainiumTrainingJob(stack, "Finetune", source_dir=str(source))
    pipeline = BatchTransformPipeline(
        stack, "Summarize", source=CustomImage(IMAGE), instance_type="ml.inf2.xlarge"
    )
    cluster = TrainiumCluster(stack, "Cluster")
    publisher = CarbonMetricsPublisher(stack, "Carbon", training_jobs=[job])
    return stack, job, [job, pipeline, cluster, publisher]


def _methods(construct) -> list[str]:
    return [
        n
        for n, _ in inspect.getmembers(type(construct), inspect.isfunction)
        if n.startswith("metric_")
    ]


def _call(construct, name: str, job, **options) -> cloudwatch.Metric:
    method = getattr(construct, name)
    if name in ("metric_energy_wh", "metric_co2e_grams"):
        return method(job, **options)
    return method(**options)


def test_every_metric_method_is_covered(constructs) -> None:
    _, _, every = constructs
    for construct in every:
        assert _methods(construct) == sorted(DEFAULTS[type(construct).__name__])


def test_defaults_then_every_option_honoured(constructs) -> None:
    _, job, every = constructs
    for construct in every:
        for name in _methods(construct):
            statistic, minutes = DEFAULTS[type(construct).__name__][name]
            plain = _call(construct, name, job)
            assert isinstance(plain, cloudwatch.Metric), name
            assert (plain.statistic, plain.period.to_minutes()) == (statistic, minutes), name
            custom = _call(construct, name, job, **OPTIONS, dimensions_map={"Mine": "x"})
            assert (custom.label, custom.color, custom.unit) == (
                "mine",
                "#ff0000",
                cloudwatch.Unit.COUNT,
            ), name
            assert (custom.statistic, custom.period.to_minutes()) == ("Minimum", 10), name
            assert custom.dimensions == {"Mine": "x"}, name


def test_every_metric_drives_an_alarm(constructs) -> None:
    stack, job, every = constructs
    expected = []
    for construct in every:
        for name in _methods(construct):
            metric = _call(construct, name, job, period=cdk.Duration.minutes(15))
            alarm_id = f"{type(construct).__name__}{name}"
            metric.create_alarm(stack, alarm_id, threshold=1, evaluation_periods=2)
            expected.append(metric.metric_name)
    template = Template.from_stack(stack)
    alarms = template.find_resources(
        "AWS::CloudWatch::Alarm", {"Properties": {"Period": 900, "EvaluationPeriods": 2}}
    )
    assert sorted(a["Properties"]["MetricName"] for a in alarms.values()) == sorted(expected)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "NeuronCoreUtilization",
            "Namespace": "GreenConstructs/HyperPod",
            "Dimensions": [{"Name": "ClusterName", "Value": Match.any_value()}],
        },
    )


def test_instance_searches_are_for_dashboards(constructs) -> None:
    _, job, every = constructs
    pipeline = every[1]
    for search in (
        job.search_training_instances("MemoryUtilization", period=cdk.Duration.minutes(1)),
        pipeline.search_transform_instances(label="hosts"),
    ):
        assert isinstance(search, cloudwatch.SearchExpression)
    assert "MemoryUtilization" in job.search_training_instances("MemoryUtilization").expression
    assert pipeline.search_transform_instances(label="hosts").label == "hosts"
    assert job.search_training_instances(period=cdk.Duration.minutes(1)).period.to_minutes() == 1
