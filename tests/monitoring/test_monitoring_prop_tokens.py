"""SustainabilityMonitor and CarbonMetricsPublisher take tokens where the dashboard, alarm,
function or schedule would: the parameters reach the template and each token prop is noted as
unchecked; values the monitor computes with are refused as tokens, naming the prop."""

from __future__ import annotations

import json
import re

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from prop_token_sources import SOURCES, Tokens, notes

from green_constructs.monitoring import (
    CarbonMetricsPublisher,
    LowUtilizationThreshold,
    MonitoredEndpoint,
    SustainabilityMonitor,
)
from green_constructs.training import TrainiumCluster

ENV = cdk.Environment(account="111111111111", region="us-west-2")


@pytest.fixture(scope="module", params=SOURCES)
def built(request) -> tuple[dict, SustainabilityMonitor, CarbonMetricsPublisher]:
    tokens = Tokens(
        request.param,
        numbers=("LowPercent", "Datapoints", "ScheduleMinutes"),
        strings=(
            "DashboardName",
            "GridRegion",
            "EndpointName",
            "InstanceType",
            "VariantName",
            "EndpointRegion",
        ),
        env=ENV,
    )
    stack = tokens.stack
    cluster = TrainiumCluster(stack, "Cluster")
    monitor = SustainabilityMonitor(
        stack,
        "Monitor",
        dashboard_name=tokens.string("DashboardName"),
        region=tokens.string("GridRegion"),
    )
    monitor.monitor_cluster(
        cluster,
        low_utilization_alarm=LowUtilizationThreshold(
            percent=tokens.number("LowPercent"),
            datapoints_to_alarm=tokens.number("Datapoints"),
        ),
    )
    publisher = CarbonMetricsPublisher(
        stack,
        "Carbon",
        endpoints=[
            MonitoredEndpoint(
                endpoint_name=tokens.string("EndpointName"),
                instance_type=tokens.string("InstanceType"),
                variant_name=tokens.string("VariantName"),
                region=tokens.string("EndpointRegion"),
            )
        ],
        schedule=cdk.Duration.minutes(tokens.number("ScheduleMinutes")),
        namespace=cdk.Token.as_string(cdk.Fn.import_value("Namespace")),
    )
    return Template.from_stack(stack).to_json(), monitor, publisher


def _resources(template: dict, kind: str) -> list[dict]:
    return [r for r in template["Resources"].values() if r["Type"] == kind]


def _ref(name: str) -> str:
    return json.dumps({"Ref": name})


def test_monitor_parameters_reach_the_dashboard_and_alarm(built) -> None:
    template, _, _ = built
    [dashboard] = _resources(template, "AWS::CloudWatch::Dashboard")
    assert dashboard["Properties"]["DashboardName"] == {"Ref": "DashboardName"}
    [alarm] = _resources(template, "AWS::CloudWatch::Alarm")
    assert alarm["Properties"]["Threshold"] == {"Ref": "LowPercent"}
    assert alarm["Properties"]["DatapointsToAlarm"] == {"Ref": "Datapoints"}
    assert _ref("LowPercent") in json.dumps(alarm["Properties"]["AlarmDescription"])


def test_publisher_parameters_reach_the_function_and_schedule(built) -> None:
    template, _, _ = built
    [function] = [
        f
        for f in _resources(template, "AWS::Lambda::Function")
        if "NAMESPACE" in json.dumps(f["Properties"].get("Environment", {}))
    ]
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["NAMESPACE"] == {"Fn::ImportValue": "Namespace"}
    assert variables["WINDOW_MINUTES"] == {"Ref": "ScheduleMinutes"}
    for name in ("EndpointName", "InstanceType", "VariantName", "EndpointRegion"):
        assert _ref(name) in json.dumps(variables["RESOURCES"]), name
    [rule] = _resources(template, "AWS::Events::Rule")
    assert _ref("ScheduleMinutes") in json.dumps(rule["Properties"]["ScheduleExpression"])


def test_each_token_prop_is_noted(built) -> None:
    _, monitor, publisher = built
    assert sorted(notes(monitor)) == ["dashboard_name", "low_utilization_percent", "region"]
    [alarms] = [c for c in monitor.node.children if notes(c)]
    assert notes(alarms) == ["datapoints_to_alarm of LowUtilizationAlarm"]
    assert sorted(notes(publisher)) == sorted(
        [
            "schedule",
            "namespace",
            "endpoints[0].endpoint_name",
            "endpoints[0].variant_name",
            "endpoints[0].instance_type",
            "endpoints[0].region",
        ]
    )


def _token() -> float:
    return cdk.Token.as_number({"Ref": "N"})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": cdk.Duration.minutes(_token())}, "period must be a concrete value"),
        ({"carbon_period": cdk.Duration.hours(_token())}, "carbon_period must be a concrete"),
    ],
)
def test_monitor_refuses_tokens_it_computes_with(kwargs, message) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match=re.escape(message)):
        SustainabilityMonitor(stack, "Monitor", **kwargs)


def test_cluster_alarm_after_must_be_concrete() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    cluster = TrainiumCluster(stack, "Cluster")
    with pytest.raises(ValueError, match="low_utilization_after must be a concrete value"):
        SustainabilityMonitor(stack, "Monitor").monitor_cluster(
            cluster, low_utilization_after=cdk.Duration.hours(_token())
        )


def test_publisher_schedule_token_must_count_minutes() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match=r"schedule must be a concrete cdk.Duration or .*minutes"):
        CarbonMetricsPublisher(
            stack,
            "Carbon",
            endpoints=[MonitoredEndpoint(endpoint_name="x", instance_type="ml.inf2.xlarge")],
            schedule=cdk.Duration.hours(_token()),
        )


@pytest.mark.parametrize(
    ("threshold", "error", "message"),
    [
        (
            LowUtilizationThreshold(datapoints_to_alarm=float("nan")),
            ValueError,
            "datapoints_to_alarm of LowUtilizationAlarm must be a whole number from 1 to its",
        ),
        (
            LowUtilizationThreshold(datapoints_to_alarm="2"),  # type: ignore[arg-type]
            TypeError,
            "datapoints_to_alarm of LowUtilizationAlarm must be a whole number",
        ),
        (
            LowUtilizationThreshold(enabled="yes"),  # type: ignore[arg-type]
            TypeError,
            "enabled of LowUtilizationAlarm must be True or False",
        ),
        (
            LowUtilizationThreshold(action="arn:aws:sns:..."),  # type: ignore[arg-type]
            TypeError,
            "action of LowUtilizationAlarm must be an AlarmActionStrategy",
        ),
        (
            LowUtilizationThreshold(description=5),  # type: ignore[arg-type]
            TypeError,
            "description of LowUtilizationAlarm must be a string",
        ),
    ],
)
def test_alarm_thresholds_are_checked(threshold, error, message) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    cluster = TrainiumCluster(stack, "Cluster")
    with pytest.raises(error, match=re.escape(message)):
        SustainabilityMonitor(stack, "Monitor").monitor_cluster(
            cluster, low_utilization_alarm=threshold
        )
