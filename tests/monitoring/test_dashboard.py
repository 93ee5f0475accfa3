"""The default app's dashboard: valid widget JSON, only metrics and dimensions AWS publishes,
alarms with the documented defaults, and our rules passing."""

from __future__ import annotations

import json
import re

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks
from compliance import cfn_lint_errors, our_findings
from template_helpers import assert_alarms_can_publish

from app import build_app

# What AWS publishes, by namespace: metric name -> its dimension names (one set each).
# SageMaker developer guide, "Amazon SageMaker AI metrics in Amazon CloudWatch" (endpoint
# instance metrics, invocation metrics, job instance metrics) and "Monitor asynchronous
# endpoints"; Step Functions developer guide, "Execution metrics" (StateMachineArn); the
# HyperPod lifecycle scripts of this library (GreenConstructs/HyperPod, ClusterName).
_VARIANT = frozenset({"EndpointName", "VariantName"})
_ENDPOINT = frozenset({"EndpointName"})
_MACHINE = frozenset({"StateMachineArn"})
PUBLISHED: dict[str, dict[str, frozenset[str]]] = {
    "/aws/sagemaker/Endpoints": {
        name: _VARIANT
        for name in (
            "CPUUtilization",
            "MemoryUtilization",
            "DiskUtilization",
            "GPUUtilization",
            "GPUMemoryUtilization",
        )
    },
    "AWS/SageMaker": {
        "Invocations": _VARIANT,
        "InvocationsProcessed": _VARIANT,
        "ModelLatency": _VARIANT,
        "InvocationFailures": _VARIANT,
        "ApproximateBacklogSize": _ENDPOINT,
        "ApproximateBacklogSizePerInstance": _ENDPOINT,
        "ApproximateAgeOfOldestRequest": _ENDPOINT,
        "HasBacklogWithoutCapacity": _ENDPOINT,
    },
    "AWS/States": {
        name: _MACHINE
        for name in (
            "ExecutionsStarted",
            "ExecutionsSucceeded",
            "ExecutionsFailed",
            "ExecutionTime",
        )
    },
    "GreenConstructs/HyperPod": {
        "NeuronCoreUtilization": frozenset({"ClusterName"}),
        "NeuronUncorrectedEccErrors": frozenset({"ClusterName"}),
    },
}
JOB_SEARCH_METRICS = {
    "/aws/sagemaker/TrainingJobs": {"CPUUtilization", "MemoryUtilization", "DiskUtilization"},
    "/aws/sagemaker/TransformJobs": {"CPUUtilization", "MemoryUtilization"},
}
_SEARCH = re.compile(
    r"SEARCH\('\{\"([^\"]+)\",(\w+)\} MetricName=\"(\w+)\" Host=[\w-]+', '(\w+)', (\d+)\)"
)
_FUNCTIONS = {"FILL", "PERIOD", "IF", "AND", "SUM", "SEARCH"}
_STATS = {"Average", "Sum", "SampleCount", "Maximum", "Minimum", "p90"}


def resolve(value) -> str:
    """A ``DashboardBody``: ``Fn::Join`` of strings and tokens, tokens as a placeholder."""
    if isinstance(value, str):
        return value
    ((function, argument),) = value.items()
    if function == "Fn::Join":
        separator, parts = argument
        return separator.join(resolve(part) for part in parts)
    return "TOKEN"


def dashboard_bodies(template: dict) -> list[dict]:
    return [
        json.loads(resolve(resource["Properties"]["DashboardBody"]))
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::CloudWatch::Dashboard"
    ]


def check_widgets(body: dict) -> list[tuple[str, str, frozenset[str]]]:
    """Assert the body is valid dashboard JSON; return every (namespace, metric, dimensions)."""
    assert set(body) <= {"widgets", "start", "end", "periodOverride"}
    seen = []
    for widget in body["widgets"]:
        assert widget["type"] in {"metric", "text", "alarm"}
        for key in ("x", "y", "width", "height"):
            assert isinstance(widget[key], int) and widget[key] >= 0, (key, widget)
        assert 1 <= widget["width"] <= 24 and widget["x"] + widget["width"] <= 24
        properties = widget["properties"]
        if widget["type"] == "text":
            assert properties["markdown"].strip()
        elif widget["type"] == "alarm":
            assert properties["alarms"]
        else:
            assert properties["view"] == "timeSeries" and properties["region"]
            seen += check_metrics(properties["metrics"])
    return seen


def check_metrics(rows: list) -> list[tuple[str, str, frozenset[str]]]:
    ids = [row[-1]["id"] for row in rows if isinstance(row[-1], dict) and "id" in row[-1]]
    assert len(ids) == len(set(ids)), ids
    assert all(re.fullmatch(r"[a-z][a-zA-Z0-9_]*", each) for each in ids), ids
    seen = []
    for row in rows:
        options = row[-1] if isinstance(row[-1], dict) else {}
        if "expression" in options:
            assert len(row) == 1
            expression = options["expression"]
            names = set(re.findall(r"\b([a-zA-Z_]\w*)\b", re.sub(r"'[^']*'", "", expression)))
            assert names - _FUNCTIONS <= set(ids), (expression, ids)
            for namespace, dimension, metric, stat, period in _SEARCH.findall(expression):
                assert dimension == "Host" and metric in JOB_SEARCH_METRICS[namespace]
                assert stat in _STATS and int(period) % 60 == 0
            assert expression.count("SEARCH(") == len(_SEARCH.findall(expression))
            continue
        metric = row[:-1] if options else row
        assert len(metric) >= 2 and len(metric) % 2 == 0, row
        assert all(isinstance(part, str) and part for part in metric), row
        namespace, name, *pairs = metric
        seen.append((namespace, name, frozenset(pairs[0::2])))
        if "stat" in options:
            assert options["stat"] in _STATS
    return seen


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    app = build_app({"account": "210987654321"}, outdir=str(tmp_path_factory.mktemp("monitor")))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks())  # its errors fail this synth
    return app.synth()


@pytest.fixture(scope="module")
def template(assembly) -> dict:
    return assembly.get_stack_by_name("GreenGenAI").template


def test_dashboard_body_is_valid_widget_json_of_published_metrics(template) -> None:
    (body,) = dashboard_bodies(template)
    seen = check_widgets(body)
    assert seen, "the dashboard graphs metrics"
    for namespace, name, dimensions in seen:
        assert namespace in PUBLISHED, namespace
        assert PUBLISHED[namespace].get(name) == dimensions, (namespace, name, dimensions)
    graphed = {(namespace, name) for namespace, name, _ in seen}
    assert {
        ("/aws/sagemaker/Endpoints", "CPUUtilization"),
        ("/aws/sagemaker/Endpoints", "MemoryUtilization"),
        ("/aws/sagemaker/Endpoints", "DiskUtilization"),
        ("AWS/SageMaker", "ApproximateBacklogSize"),
        ("AWS/SageMaker", "InvocationsProcessed"),
        ("AWS/SageMaker", "ModelLatency"),
    } <= graphed
    # inf2 and trn1 have no GPU: no GPU metric is graphed for them
    assert not any(name.startswith("GPU") for _, name in graphed)


def test_dashboard_shows_power_energy_co2e_and_training_search(template) -> None:
    (body,) = dashboard_bodies(template)
    text = json.dumps(body)
    for title in ("Estimated power (W)", "gCO2e per 1,000 requests", "Utilization (%)"):
        assert title in text
    assert '{\\"/aws/sagemaker/TrainingJobs\\",Host} MetricName=\\"CPUUtilization\\"' in text


def _alarms(template: dict) -> dict[str, dict]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm" and "Sustainability" in logical_id
    }


def test_waste_alarms_have_their_defaults_and_notify_the_encrypted_topic(template) -> None:
    alarms = _alarms(template)
    by_name = {
        next(n for n in ("Idle", "LowUtilization", "Backlog", "Overrun") if n in k): v
        for k, v in alarms.items()
    }
    assert set(by_name) == {"Idle", "LowUtilization", "Backlog", "Overrun"}
    idle = by_name["Idle"]
    assert (idle["Threshold"], idle["EvaluationPeriods"], idle["DatapointsToAlarm"]) == (1, 6, 6)
    assert "IF(FILL(samples, 0) > 0 AND FILL(requests, 0) == 0, 1, 0)" in json.dumps(idle)
    low = by_name["LowUtilization"]
    assert (low["Threshold"], low["EvaluationPeriods"], low["ComparisonOperator"]) == (
        10,
        24,
        "LessThanThreshold",
    )
    backlog = by_name["Backlog"]
    assert backlog["MetricName"] == "HasBacklogWithoutCapacity"
    assert (backlog["Period"], backlog["EvaluationPeriods"], backlog["Statistic"]) == (
        300,
        6,
        "Maximum",
    )
    overrun = by_name["Overrun"]
    assert (overrun["MetricName"], overrun["Namespace"]) == ("ExecutionTime", "AWS/States")
    assert overrun["Threshold"] == 8 * 3600 * 1000  # the job's max_runtime
    for alarm in alarms.values():
        assert alarm["TreatMissingData"] == "notBreaching"
        (action,) = alarm["AlarmActions"]
        assert "SustainabilityAlarmTopic" in json.dumps(action)
    Template.from_json(template).has_resource_properties(
        "AWS::SNS::Topic",
        {
            "DisplayName": "Sustainability alarms",
            "KmsMasterKeyId": {
                "Fn::GetAtt": [
                    next(
                        k for k in template["Resources"] if k.startswith("SustainabilityAlarmKey")
                    ),
                    "Arn",
                ]
            },
        },
    )
    # every topic of the app (alarms, async results and failures, training) lets the account's
    # CloudWatch alarms publish: a topic policy replaces SNS's default one
    assert_alarms_can_publish(Template.from_json(template))


def test_alarm_metrics_use_only_published_dimensions(template) -> None:
    for alarm in _alarms(template).values():
        stats = (
            [alarm]
            if "MetricName" in alarm
            else [
                query["MetricStat"]["Metric"] for query in alarm["Metrics"] if "MetricStat" in query
            ]
        )
        for metric in stats:
            names = frozenset(d["Name"] for d in metric["Dimensions"])
            assert PUBLISHED[metric["Namespace"]][metric["MetricName"]] == names


def test_default_app_passes_our_rules_awssolutions_and_cfn_lint(assembly) -> None:
    assert (
        our_findings(assembly) == []
    )  # GenAI-ScalingMetricDimensions, GenAI-EndpointMonitoring...
    assert cfn_lint_errors(assembly) == []
