"""Every endpoint ``metric_*`` method takes aws-cdk-lib's ``MetricOptions`` keywords, keeps
its documented default statistic and period otherwise, and returns a metric an alarm can use."""

from __future__ import annotations

import inspect

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk.assertions import Template

from green_constructs.inference import AsyncInferenceEndpoint, CustomImage, RealtimeEndpoint

ENV = cdk.Environment(account="111111111111", region="us-east-1")
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:x"
DEFAULTS = {  # (class, method): (statistic, period in minutes), as the docstrings say
    "RealtimeEndpoint": {
        "metric_invocations": ("Sum", 1),
        "metric_invocations_per_instance": ("Sum", 1),
        "metric_model_latency": ("p90", 1),
        "metric_errors": ("Sum", 1),
        "metric_client_errors": ("Sum", 1),
    },
    "AsyncInferenceEndpoint": {
        "metric_backlog": ("Average", 1),
        "metric_backlog_per_instance": ("Average", 1),
        "metric_oldest_request_age": ("Maximum", 1),
        "metric_has_backlog_without_capacity": ("Average", 1),
        "metric_invocations_processed": ("Sum", 5),
        "metric_model_latency": ("p90", 5),
        "metric_invocation_failures": ("Sum", 5),
    },
}
OPTIONS = {
    "label": "mine",
    "color": "#ff0000",
    "unit": cloudwatch.Unit.COUNT,
    "period": cdk.Duration.minutes(10),
    "statistic": "Maximum",
}


@pytest.fixture(scope="module")
def endpoints() -> tuple[cdk.Stack, list]:
    stack = cdk.Stack(cdk.App(), "Metrics", env=ENV)
    source = CustomImage(IMAGE)
    return stack, [
        RealtimeEndpoint(stack, "Chat", source=source, instance_type="ml.inf2.xlarge"),
        AsyncInferenceEndpoint(stack, "Batch", source=source, instance_type="ml.inf2.xlarge"),
    ]


def _methods(endpoint) -> list[str]:
    return [
        n
        for n, _ in inspect.getmembers(type(endpoint), inspect.isfunction)
        if n.startswith("metric_")
    ]


def test_every_metric_method_is_covered(endpoints) -> None:
    _, both = endpoints
    for endpoint in both:
        assert _methods(endpoint) == sorted(DEFAULTS[type(endpoint).__name__])


def test_defaults_then_every_option_honoured(endpoints) -> None:
    _, both = endpoints
    for endpoint in both:
        for name in _methods(endpoint):
            statistic, minutes = DEFAULTS[type(endpoint).__name__][name]
            plain = getattr(endpoint, name)()
            assert isinstance(plain, cloudwatch.Metric), name
            assert (plain.statistic, plain.period.to_minutes()) == (statistic, minutes), name
            custom = getattr(endpoint, name)(**OPTIONS, dimensions_map={"EndpointName": "x"})
            assert custom.label == "mine" and custom.color == "#ff0000", name
            assert custom.unit == cloudwatch.Unit.COUNT, name
            assert (custom.statistic, custom.period.to_minutes()) == ("Maximum", 10), name
            assert custom.dimensions == {"EndpointName": "x"}, name


def test_metrics_drive_alarms(endpoints) -> None:
    stack, both = endpoints
    async_endpoint = both[1]
    async_endpoint.metric_oldest_request_age(period=cdk.Duration.minutes(15)).create_alarm(
        stack, "OldAlarm", threshold=3600, evaluation_periods=1
    )
    both[0].metric_model_latency(statistic="p99").create_alarm(
        stack, "SlowAlarm", threshold=2_000_000, evaluation_periods=3
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"MetricName": "ApproximateAgeOfOldestRequest", "Period": 900, "Statistic": "Maximum"},
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"MetricName": "ModelLatency", "ExtendedStatistic": "p99", "Period": 60},
    )
