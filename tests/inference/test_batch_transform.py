"""BatchTransformPipeline: S3 -> EventBridge -> Step Functions -> SageMaker transform (.sync)."""

from __future__ import annotations

import json
import re

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk.assertions import Match, Template
from compliance import cfn_lint_errors, our_findings, synth_checked
from moto import mock_aws
from template_helpers import assert_encrypted_ssl_only_topic, state_machine_definition

from green_constructs.inference import CustomImage
from green_constructs.inference.batch_transform import (
    AssembleWith,
    BatchStrategy,
    BatchTransformPipeline,
    SplitType,
)
from green_constructs.rules import all_rules
from green_constructs.rules.engine import evaluate
from green_constructs.storage import SustainableBucket

ENV = cdk.Environment(account="111111111111", region="eu-north-1")
NEURON_IMAGE = (
    "763104351884.dkr.ecr.eu-north-1.amazonaws.com/huggingface-pytorch-tgi-inference:"
    "2.1.2-optimum0.0.28-neuronx-py310-ubuntu22.04"
)
CPU_IMAGE = (
    "763104351884.dkr.ecr.eu-north-1.amazonaws.com/pytorch-inference:"
    "2.3.0-cpu-py311-ubuntu20.04-sagemaker"
)
GPU_IMAGE = (
    "763104351884.dkr.ecr.eu-north-1.amazonaws.com/huggingface-pytorch-inference:"
    "2.1.0-transformers4.37.0-gpu-py310-cu118-ubuntu20.04"
)


PREFIX = "summarize-28229154"
"""The default job name prefix of ``Batch/Summarize``: its id and a hash of its path."""


def _pipeline(stack: cdk.Stack, construct_id: str = "Summarize", **props) -> BatchTransformPipeline:
    props.setdefault("instance_type", "ml.inf2.xlarge")
    props.setdefault("source", CustomImage(NEURON_IMAGE))
    return BatchTransformPipeline(stack, construct_id, **props)


def _logical_id(template: Template, resource_type: str, prefix: str) -> str:
    """The logical ID of the one ``resource_type`` whose construct path joins to ``prefix``."""
    found = [
        logical_id
        for logical_id in template.find_resources(resource_type)
        if re.fullmatch(f"{prefix}[0-9A-F]{{8}}", logical_id)
    ]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def default_assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("batch-default")))
    stack = cdk.Stack(app, "Batch", env=ENV)
    pipeline = _pipeline(stack)
    pipeline.grant_submit(iam.Role(stack, "Submitter", assumed_by=iam.AccountRootPrincipal()))
    return synth_checked(app)


@pytest.fixture(scope="module")
def template(default_assembly) -> Template:
    return Template.from_json(default_assembly.get_stack_by_name("Batch").template)


@pytest.fixture(scope="module")
def definition(template) -> dict:
    return state_machine_definition(template)


@pytest.fixture(scope="module")
def cpu_assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("batch-cpu")))
    stack = cdk.Stack(app, "Cpu", env=ENV)
    _pipeline(
        stack,
        "Classify",
        source=CustomImage(CPU_IMAGE),
        instance_type="ml.c5.xlarge",
        instance_count=2,
        input_prefix="incoming/csv/",
        output_prefix="scored/",
        batch_strategy=BatchStrategy.MULTI_RECORD,
        split_type=SplitType.LINE,
        assemble_with=AssembleWith.NONE,
        content_type="text/csv",
        accept="text/csv",
        max_payload_mb=10,
        max_concurrent_transforms=4,
        job_name_prefix="classify",
    )
    return synth_checked(app)


def test_defaults_pass_every_check(default_assembly) -> None:
    assert our_findings(default_assembly) == []
    assert cfn_lint_errors(default_assembly) == []


def test_cpu_pipeline_passes_every_check(cpu_assembly) -> None:
    assert our_findings(cpu_assembly) == []
    assert cfn_lint_errors(cpu_assembly) == []


def test_new_objects_under_the_input_prefix_start_the_state_machine(template) -> None:
    bucket = _logical_id(template, "AWS::S3::Bucket", "SummarizeBucket")
    machine = _logical_id(template, "AWS::StepFunctions::StateMachine", "SummarizeStateMachine")
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {"NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}},
    )
    [rule] = template.find_resources("AWS::Events::Rule").values()
    # console folders ('input/batch-1/', empty) would transform every object below them
    assert rule["Properties"]["EventPattern"] == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {
            "bucket": {"name": [{"Ref": bucket}]},
            "object": {"key": [{"prefix": "input/"}], "size": [{"numeric": [">", 0]}]},
        },
    }
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Ref": machine}
    # EventBridge is enabled on the bucket itself: no notification custom resource (Lambda)
    assert template.find_resources("AWS::Lambda::Function") == {}
    assert template.find_resources("Custom::S3BucketNotifications") == {}


def test_only_new_non_empty_objects_under_the_input_prefix_match(template) -> None:
    """The synthesized pattern, routed by moto's EventBridge to a queue."""
    [rule] = template.find_resources("AWS::Events::Rule").values()
    pattern = json.loads(
        json.dumps(rule["Properties"]["EventPattern"]).replace(
            json.dumps({"Ref": _logical_id(template, "AWS::S3::Bucket", "SummarizeBucket")}),
            '"inputs"',
        )
    )
    created = [
        ("input/a.jsonl", 120),
        ("input/batch-1/", 0),  # console "Create folder"
        ("input/empty.jsonl", 0),
        ("input/batch-1/b.jsonl", 80),
        ("output/a.jsonl", 50),
    ]
    with mock_aws():
        events = boto3.client("events", region_name="eu-north-1")
        sqs = boto3.client("sqs", region_name="eu-north-1")
        queue = sqs.create_queue(QueueName="started")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        events.put_rule(Name="ObjectCreated", EventPattern=json.dumps(pattern))
        events.put_targets(
            Rule="ObjectCreated",
            Targets=[{"Id": "queue", "Arn": queue_arn["Attributes"]["QueueArn"]}],
        )
        for key, size in created:
            detail = {"bucket": {"name": "inputs"}, "object": {"key": key, "size": size}}
            events.put_events(
                Entries=[
                    {
                        "Source": "aws.s3",
                        "DetailType": "Object Created",
                        "Detail": json.dumps(detail),
                    }
                ]
            )
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    started = sorted(json.loads(m["Body"])["detail"]["object"]["key"] for m in messages)
    assert started == ["input/a.jsonl", "input/batch-1/b.jsonl"]


def test_transform_job_runs_to_completion_with_the_settings(definition) -> None:
    task = definition["States"]["Transform"]
    assert task["Resource"] == "arn:<Ref:AWS::Partition>:states:::sagemaker:createTransformJob.sync"
    parameters = task["Parameters"]
    assert parameters["TransformResources"] == {
        "InstanceCount": 1,
        "InstanceType": "ml.inf2.xlarge",
    }
    assert parameters["BatchStrategy"] == "SingleRecord"
    assert parameters["MaxPayloadInMB"] == 6
    assert "MaxConcurrentTransforms" not in parameters
    assert parameters["ModelClientConfig"] == {
        "InvocationsMaxRetries": 1,
        "InvocationsTimeoutInSeconds": 600,
    }
    assert parameters["TransformInput"] == {
        "ContentType": "application/jsonlines",
        "SplitType": "Line",
        "DataSource": {"S3DataSource": {"S3Uri.$": "$.job.input", "S3DataType": "S3Prefix"}},
    }
    assert parameters["TransformOutput"] == {
        "S3OutputPath.$": "$.job.output",
        "AssembleWith": "Line",
    }
    assert parameters["TransformJobName.$"] == "$.job.name"
    assert task["TimeoutSeconds"] == 12 * 3600


def test_job_names_are_unique_per_execution_and_attempt(definition) -> None:
    job = definition["States"]["NameJob"]["Parameters"]
    name = f"States.Format('{{}}-{{}}-{{}}', '{PREFIX}', States.Hash($$.Execution.Name, 'MD5'), $.attempt)"
    assert job["name.$"] == name
    assert (
        job["output.$"]
        == f"States.Format('s3://{{}}/{{}}{{}}/', $.object.bucket, 'output/', {name})"
    )
    assert job["input.$"] == "States.Format('s3://{}/{}', $.object.bucket, $.object.key)"
    # prefix + '-' + 32 hex digits + '-' + one attempt digit
    assert len(PREFIX) + 1 + 32 + 1 + 1 <= 63


def test_api_rejections_are_retried_with_backoff(definition) -> None:
    assert definition["States"]["Transform"]["Retry"] == [
        {
            "ErrorEquals": [
                "SageMaker.AmazonSageMakerException",
                "SageMaker.ResourceLimitExceededException",
                "SageMaker.SageMakerException",
                "ThrottlingException",
            ],
            "IntervalSeconds": 30,
            "MaxAttempts": 5,
            "BackoffRate": 2,
            "JitterStrategy": "FULL",
        }
    ]


def test_capacity_failures_start_a_new_job_after_a_doubling_wait(definition) -> None:
    states = definition["States"]
    assert states["Transform"]["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "CapacityFailure?"}
    ]
    choice = states["CapacityFailure?"]
    assert choice["Choices"] == [
        {
            "And": [
                {"Variable": "$.failure.Cause", "StringMatches": "*CapacityError*"},
                {"Variable": "$.attempt", "NumericLessThan": 3},
            ],
            "Next": "WaitForCapacity",
        }
    ]
    assert choice["Default"] == "NotifyFailure"
    assert states["WaitForCapacity"] == {
        "Type": "Wait",
        "SecondsPath": "$.wait_seconds",
        "Next": "NextAttempt",
    }
    assert states["NextAttempt"]["Parameters"]["wait_seconds.$"] == (
        "States.MathAdd($.wait_seconds, $.wait_seconds)"
    )
    assert states["NextAttempt"]["Next"] == "NameJob"


def test_success_and_failure_are_published_to_the_encrypted_topic(template, definition) -> None:
    topic = _logical_id(template, "AWS::SNS::Topic", "SummarizeTopic")
    states = definition["States"]
    for state, status in (("NotifySuccess", "Succeeded"), ("NotifyFailure", "Failed")):
        task = states[state]
        assert task["Resource"].endswith(":states:::sns:publish")
        assert task["Parameters"]["TopicArn"] == f"<Ref:{topic}>"
        assert task["Parameters"]["Message"]["status"] == status
    assert states["Transform"]["Next"] == "NotifySuccess"
    assert states["NotifyFailure"]["Next"] == "Failed"
    assert_encrypted_ssl_only_topic(template)


def test_state_machine_logs_all_events_with_retention_and_traces(template) -> None:
    logs = _logical_id(template, "AWS::Logs::LogGroup", "SummarizeLogs")
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "TracingConfiguration": {"Enabled": True},
            "LoggingConfiguration": {
                "Level": "ALL",
                "Destinations": [
                    {"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": [logs, "Arn"]}}}
                ],
            },
        },
    )


def test_transform_role_reaches_only_the_two_prefixes(template) -> None:
    bucket = _logical_id(template, "AWS::S3::Bucket", "SummarizeBucket")
    role = _logical_id(template, "AWS::IAM::Role", "SummarizeModelExecutionRole")
    [policy] = template.find_resources(
        "AWS::IAM::Policy", {"Properties": {"Roles": [{"Ref": role}]}}
    ).values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    s3 = [s for s in statements if str(s["Action"]).startswith(("s3:", "['s3:"))]
    arn = {"Fn::GetAtt": [bucket, "Arn"]}
    assert s3 == [
        {
            "Action": "s3:GetObject",
            "Effect": "Allow",
            "Resource": {"Fn::Join": ["", [arn, "/input/*"]]},
        },
        {
            "Action": "s3:ListBucket",
            "Effect": "Allow",
            "Resource": arn,
            "Condition": {"StringLike": {"s3:prefix": ["input/*"]}},
        },
        {
            "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
            "Effect": "Allow",
            "Resource": {"Fn::Join": ["", [arn, "/output/*"]]},
        },
    ]


def test_grant_submit_writes_the_input_prefix_only(template) -> None:
    bucket = _logical_id(template, "AWS::S3::Bucket", "SummarizeBucket")
    key = _logical_id(template, "AWS::KMS::Key", "SummarizeBucketKey")
    [policy] = template.find_resources(
        "AWS::IAM::Policy",
        {"Properties": {"Roles": [{"Ref": Match.string_like_regexp("^Submitter")}]}},
    ).values()
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
            "Effect": "Allow",
            "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/input/*"]]},
        },
        {
            "Action": ["kms:GenerateDataKey", "kms:Encrypt"],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [key, "Arn"]},
        },
    ]


def test_cpu_settings_reach_the_job(cpu_assembly) -> None:
    template = Template.from_json(cpu_assembly.get_stack_by_name("Cpu").template)
    parameters = state_machine_definition(template)["States"]["Transform"]["Parameters"]
    assert parameters["TransformResources"] == {"InstanceCount": 2, "InstanceType": "ml.c5.xlarge"}
    assert parameters["BatchStrategy"] == "MultiRecord"
    assert parameters["MaxPayloadInMB"] == 10
    assert parameters["MaxConcurrentTransforms"] == 4
    assert parameters["TransformInput"]["ContentType"] == "text/csv"
    assert parameters["TransformOutput"] == {
        "S3OutputPath.$": "$.job.output",
        "AssembleWith": "None",
        "Accept": "text/csv",
    }
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": Match.object_like(
                {"detail": Match.object_like({"object": {"key": [{"prefix": "incoming/csv/"}]}})}
            )
        },
    )


def test_gpu_instances_synthesize_but_fail_inference_accelerator(tmp_path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Gpu", env=ENV)
    _pipeline(stack, source=CustomImage(GPU_IMAGE), instance_type="ml.g5.xlarge")
    template = Template.from_stack(stack).to_json()
    findings = evaluate(template, all_rules(), region="eu-north-1")
    flagged = {(f.rule.id, f.resource) for f in findings if not f.acknowledged}
    machine = _logical_id(
        Template.from_json(template), "AWS::StepFunctions::StateMachine", "SummarizeStateMachine"
    )
    assert ("GenAI-InferenceAccelerator", machine) in flagged


def test_metrics() -> None:
    stack = cdk.Stack(cdk.App(), "Metrics", env=ENV)
    pipeline = _pipeline(stack)
    assert isinstance(pipeline.node.default_child, sfn.CfnStateMachine)  # the L1 escape hatch
    assert pipeline.metric_executions_failed().metric_name == "ExecutionsFailed"
    assert pipeline.metric_executions_succeeded().metric_name == "ExecutionsSucceeded"
    assert pipeline.metric_executions_failed().namespace == "AWS/States"
    search = pipeline.search_transform_instances("MemoryUtilization")
    assert search.expression == (
        'SEARCH(\'{"/aws/sagemaker/TransformJobs",Host} MetricName="MemoryUtilization" '
        "Host=summarize-a220b5c8', 'Average', 300)"  # the prefix of Metrics/Summarize
    )
    assert (pipeline.input_prefix, pipeline.output_prefix) == ("input/", "output/")
    assert pipeline.topic is not None and pipeline.bucket is not None


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {"instance_type": "ml.p3.2xlarge", "source": CustomImage(GPU_IMAGE)},
            "instance_type: ml.p3.2xlarge is a previous-generation instance",
        ),
        (
            {"instance_type": "ml.m4.xlarge", "source": CustomImage(CPU_IMAGE)},
            "instance_type: ml.m4.xlarge is a previous-generation instance; use ml.m7i.xlarge ",
        ),
        (
            {"instance_type": "ml.c7g.xlarge"},
            "image: .* is a neuron image, but instance_type ml.c7g.xlarge needs a cpu image",
        ),
        ({"instance_count": 0}, "instance_count must be a whole number >= 1"),
        (
            {"input_prefix": "input"},
            "input_prefix must be a relative S3 key prefix ending with '/'",
        ),
        ({"output_prefix": "/out/"}, "output_prefix must be a relative S3 key prefix"),
        ({"output_prefix": "input/results/"}, "output_prefix .* must not overlap input_prefix"),
        ({"max_payload_mb": 101}, "max_payload_mb must be a whole number from 0 to 100"),
        ({"max_concurrent_transforms": 0}, "max_concurrent_transforms must be a whole number >= 1"),
        (
            {"max_concurrent_transforms": 20, "max_payload_mb": 6},
            r"max_concurrent_transforms \* max_payload_mb must be at most 100",
        ),
        (
            {"invocation_timeout": cdk.Duration.hours(2)},
            "invocation_timeout must be .* between 1 second and 1 hour",
        ),
        (
            {"invocation_max_retries": 4},
            "invocation_max_retries must be a whole number from 0 to 3",
        ),
        ({"job_name_prefix": "a" * 29}, "job_name_prefix must be 1 to 28"),
        ({"job_name_prefix": "bad_name"}, "job_name_prefix must be 1 to 28"),
        ({"capacity_retries": 10}, "capacity_retries must be a whole number from 0 to 9"),
        ({"job_timeout": cdk.Duration.seconds(30)}, "job_timeout must be at least 1 minute"),
    ],
)
def test_bad_input_names_the_property(props, message) -> None:
    stack = cdk.Stack(cdk.App(), "Bad", env=ENV)
    with pytest.raises(ValueError, match=message):
        _pipeline(stack, **props)


def test_expiry_belongs_to_the_bucket_the_pipeline_creates() -> None:
    stack = cdk.Stack(cdk.App(), "Own", env=ENV)
    with pytest.raises(ValueError, match="^expire_after: applies only to the bucket the pipeline"):
        _pipeline(stack, bucket=SustainableBucket(stack, "Mine"), expire_after=cdk.Duration.days(7))
