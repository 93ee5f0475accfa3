"""CarbonMetricsPublisher: an arm64 Python 3.12 Lambda with least privilege, shipping only the
estimator's pure-Python code; a stack with the monitor and the publisher passes every check."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match, Template
from compliance import cfn_lint_errors, our_findings, synth_checked

from app import GreenGenAIStack
from green_constructs.monitoring import (
    CarbonMetricsPublisher,
    MonitoredEndpoint,
    MonitoredTrainingJob,
)
from green_constructs.monitoring.publisher_asset import publisher_asset_dir


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("publisher")))
    GreenGenAIStack(  # the default app's stack publishes its endpoint's carbon metrics
        app, "Monitored", env=cdk.Environment(account="123456789012", region="us-west-2")
    )
    return synth_checked(app)  # AwsSolutions errors and any finding of ours fail it


@pytest.fixture(scope="module")
def template(assembly) -> Template:
    return Template.from_json(assembly.get_stack_by_name("Monitored").template)


def test_stack_with_monitor_and_publisher_passes_every_check(assembly) -> None:
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


def test_function_is_arm64_python_312_with_its_config(template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Architectures": ["arm64"],
            "Runtime": "python3.12",
            "Handler": "publisher_handler.handler",
            "Environment": {
                "Variables": {
                    "NAMESPACE": "GreenConstructs/Carbon",
                    "WINDOW_MINUTES": "60",
                    "RESOURCES": Match.any_value(),
                }
            },
        },
    )
    (function,) = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Runtime": "python3.12"}}
    ).values()
    resources = json.dumps(function["Properties"]["Environment"]["Variables"]["RESOURCES"])
    for expected in ("ml.inf2.xlarge", "AllTraffic", "us-west-2", "EndpointName"):
        assert expected in resources
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})
    template.has_resource_properties(
        "AWS::Events::Rule", {"ScheduleExpression": "rate(1 hour)", "State": "ENABLED"}
    )


def test_failed_runs_are_not_retried(template) -> None:
    # a retried run would publish again what it had published before failing
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {"MaximumRetryAttempts": 0, "Qualifier": "$LATEST"},
    )
    # EventBridge still resends events Lambda did not accept (the window follows the event time)
    template.has_resource_properties(
        "AWS::Events::Rule",
        {"Targets": [Match.object_like({"RetryPolicy": {"MaximumRetryAttempts": 2}})]},
    )


def test_role_reads_metrics_and_publishes_only_its_namespace(template, assembly) -> None:
    policies = template.find_resources("AWS::IAM::Policy")
    statements = [
        statement
        for policy in policies.values()
        if "CarbonMetricsRole" in json.dumps(policy["Properties"]["Roles"])
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = {json.dumps(s["Action"]): s for s in statements}
    assert actions['"cloudwatch:GetMetricData"']["Resource"] == "*"
    put = actions['"cloudwatch:PutMetricData"']
    assert put["Condition"] == {"StringEquals": {"cloudwatch:namespace": "GreenConstructs/Carbon"}}
    assert {json.dumps(s["Action"]) for s in statements} == {
        '"cloudwatch:GetMetricData"',
        '"cloudwatch:PutMetricData"',
        '["logs:CreateLogStream", "logs:PutLogEvents"]',
        '"sagemaker:ListTrainingJobs"',
        '"sagemaker:DescribeTrainingJob"',
    }
    assert actions['"sagemaker:ListTrainingJobs"']["Resource"] == "*"  # it takes no resource
    # the training job construct's jobs only (SageMaker ARNs hold names in lower case)
    describe = actions['"sagemaker:DescribeTrainingJob"']["Resource"]
    stack = assembly.get_stack_by_name("Monitored")
    assert describe == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                f":sagemaker:us-west-2:123456789012:training-job/{_prefix(stack.template)}-*",
            ],
        ]
    }
    template.resource_count_is("AWS::IAM::ManagedPolicy", 0)


def _prefix(template: dict) -> str:
    (function,) = [
        r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function"
        and r["Properties"].get("Handler") == "publisher_handler.handler"
    ]
    text = json.dumps(function["Properties"]["Environment"]["Variables"]["RESOURCES"])
    (prefix,) = re.findall(r'job_name_prefix\\":\\"([a-z0-9-]+)', text)
    return prefix


def test_asset_ships_only_the_estimator_catalog_and_utilization_metric() -> None:
    root = Path(publisher_asset_dir())
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert "publisher_handler.py" in files
    assert "green_constructs/estimate/footprint.py" in files
    assert "green_constructs/catalog/data/instances.csv" in files
    assert "green_constructs/monitoring/utilization.py" in files
    assert all(
        f == "publisher_handler.py"
        or f.startswith(("green_constructs/catalog/", "green_constructs/estimate/"))
        or f
        in (
            "green_constructs/__init__.py",
            "green_constructs/monitoring/__init__.py",
            "green_constructs/monitoring/utilization.py",
        )
        for f in files
    ), files
    cdk_import = re.compile(r"^\s*(from|import)\s+(aws_cdk|constructs|jsii|cdk_nag)\b", re.M)
    for path in root.rglob("*.py"):
        assert not cdk_import.search(path.read_text()), path


def test_handler_imports_from_the_asset_alone() -> None:
    """Only the asset and boto3 on the path, as in Lambda: no aws_cdk gets imported."""
    boto = str(Path(boto3.__file__).parent.parent)
    code = (
        "import sys; import publisher_handler as h; "
        "from green_constructs.catalog import Catalog; "
        "assert h.instance_footprint('ml.inf2.xlarge', hours=1, region='us-west-2').kwh > 0; "
        "assert not any(m.startswith(('aws_cdk', 'jsii', 'green_constructs.monitoring.')) "
        "and m != 'green_constructs.monitoring.utilization' "
        "for m in sys.modules), sorted(sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([publisher_asset_dir(), boto])}
    result = subprocess.run(
        [sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, cwd="/"
    )
    assert result.returncode == 0, result.stderr


X = MonitoredEndpoint(endpoint_name="x", instance_type="ml.inf2.xlarge")
J = MonitoredTrainingJob(job_name_prefix="train-1", instance_type="ml.trn1.32xlarge")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"endpoints": []}, "endpoints, training_jobs: give at least one endpoint or training job"),
        (
            {"training_jobs": [J, dataclasses.replace(J, job_name_prefix="TRAIN-1")]},
            "training_jobs[1]: the jobs of TRAIN-1 in ${Token[AWS.Region",
        ),
        (
            {"training_jobs": [dataclasses.replace(J, job_name_prefix="train_1")]},
            "training_jobs[0].job_name_prefix must be 1 to 28 letters, digits and hyphens",
        ),
        (
            {"training_jobs": [dataclasses.replace(J, instance_type="ml.zz9.huge")]},
            "training_jobs[0].instance_type: unknown instance type 'ml.zz9.huge'",
        ),
        (
            {"training_jobs": [dataclasses.replace(J, region="mars-1")]},
            "training_jobs[0].region: unknown region 'mars-1'",
        ),
        (
            {"endpoints": [dataclasses.replace(X, region="eu-west-1")] * 2},
            "endpoints[1]: x/AllTraffic in eu-west-1 is listed twice",
        ),
        (
            {"endpoints": [MonitoredEndpoint(endpoint_name="x", instance_type="ml.zz9.huge")]},
            "endpoints[0].instance_type: unknown instance type 'ml.zz9.huge'",
        ),
        (
            {
                "endpoints": [
                    MonitoredEndpoint(
                        endpoint_name="x", instance_type="ml.inf2.xlarge", region="mars-1"
                    )
                ]
            },
            "endpoints[0].region: unknown region 'mars-1'; known: af-south-1",
        ),
        (
            {"schedule": cdk.Duration.minutes(1)},
            "schedule must be a whole number of minutes from 5 minutes to 1 day, got 1 minute",
        ),
        ({"schedule": cdk.Duration.seconds(330)}, "schedule must be a whole number of minutes"),
        (
            {"namespace": "AWS/Carbon"},
            "namespace must be 1 to 255 letters, digits, spaces or . - _ / # : characters, not starting with ':' or 'AWS/'",
        ),
        ({"namespace": ""}, "namespace must be 1 to 255 letters"),
        ({"namespace": ":Carbon"}, "namespace must be 1 to 255 letters"),
        ({"namespace": "Carbon\n"}, "namespace must be 1 to 255 letters"),
        ({"namespace": "C" * 256}, "namespace must be 1 to 255 letters"),
    ],
)
def test_bad_props_name_the_property(kwargs, message) -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(ValueError, match=re.escape(message)):
        CarbonMetricsPublisher(stack, "Carbon", **{"endpoints": [X], **kwargs})


def test_namespace_and_retention_are_settable() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    CarbonMetricsPublisher(
        stack,
        "Carbon",
        endpoints=[X],
        namespace="MyTeam/Carbon footprint",
        log_retention=logs.RetentionDays.ONE_WEEK,
        schedule=cdk.Duration.minutes(15),
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like(
                    {"NAMESPACE": "MyTeam/Carbon footprint", "WINDOW_MINUTES": "15"}
                )
            }
        },
    )
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 7})


def test_published_metrics_are_exposed_as_metrics() -> None:
    stack = cdk.Stack(
        cdk.App(), "S", env=cdk.Environment(account="123456789012", region="us-west-2")
    )
    endpoint = MonitoredEndpoint(endpoint_name="llm", instance_type="ml.inf2.xlarge")
    publisher = CarbonMetricsPublisher(stack, "Carbon", endpoints=[endpoint])
    energy = publisher.metric_energy_wh(endpoint)
    assert (energy.namespace, energy.metric_name, energy.statistic) == (
        "GreenConstructs/Carbon",
        "EnergyWh",
        "Sum",
    )
    assert energy.dimensions == {
        "EndpointName": "llm",
        "VariantName": "AllTraffic",
        "Region": "us-west-2",
    }
    assert publisher.metric_co2e_grams(endpoint).metric_name == "EmissionsGramsCO2e"
    assert publisher.metric_region_co2e_grams().dimensions == {"Region": "us-west-2"}


def test_training_jobs_alone_are_published_by_prefix() -> None:
    stack = cdk.Stack(
        cdk.App(), "S", env=cdk.Environment(account="123456789012", region="us-west-2")
    )
    job = MonitoredTrainingJob(job_name_prefix="Train-1", instance_type="ml.trn1.32xlarge")
    publisher = CarbonMetricsPublisher(stack, "Carbon", training_jobs=[job])
    assert publisher.metric_energy_wh(job).dimensions == {
        "TrainingJobNamePrefix": "Train-1",
        "Region": "us-west-2",
    }
    template = Template.from_stack(stack)
    (function,) = template.find_resources("AWS::Lambda::Function").values()
    assert json.loads(function["Properties"]["Environment"]["Variables"]["RESOURCES"]) == [
        {
            "kind": "training_job",
            "job_name_prefix": "Train-1",
            "instance_type": "ml.trn1.32xlarge",
            "region": "us-west-2",
        }
    ]
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "sagemaker:DescribeTrainingJob",
                                "Resource": {
                                    "Fn::Join": [
                                        "",
                                        [
                                            "arn:",
                                            {"Ref": "AWS::Partition"},
                                            ":sagemaker:us-west-2:123456789012:training-job/train-1-*",
                                        ],
                                    ]
                                },
                            }
                        )
                    ]
                )
            }
        },
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"endpoints": X}, "endpoints: give a list, got MonitoredEndpoint("),
        ({"training_jobs": J}, "training_jobs: give a list, got MonitoredTrainingJob("),
        (
            {"training_jobs": ["x"]},
            "training_jobs: each must be a MonitoredTrainingJob or TrainiumTrainingJob",
        ),
        (
            {"endpoints": ["x"]},
            "endpoints: each must be a MonitoredEndpoint, AsyncInferenceEndpoint",
        ),
        (
            {"endpoints": [MonitoredEndpoint(endpoint_name=3, instance_type="ml.inf2.xlarge")]},
            "endpoints[0].endpoint_name must be a non-empty string, got 3",
        ),
        ({"schedule": "60"}, "schedule must be a cdk.Duration, got '60'"),
        ({"namespace": 5}, "namespace must be 1 to 255 letters"),
        (
            {"log_retention": 30},
            "log_retention must be a logs.RetentionDays such as ONE_MONTH, got 30",
        ),
    ],
)
def test_props_of_a_wrong_kind_are_type_errors(kwargs, message) -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(TypeError, match=re.escape(message)):
        CarbonMetricsPublisher(stack, "Carbon", **{"endpoints": [X], **kwargs})
