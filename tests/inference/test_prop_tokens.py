"""Inference constructs take CDK tokens wherever an aws-cdk-lib L2 would: a ``CfnParameter``
(number, string, a Duration of a number parameter) or a context value that is a token reaches
the template, unchecked, with a ``green-constructs:unchecked`` note on the construct."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template
from constructs import Construct

from green_constructs.inference import (
    AsyncInferenceEndpoint,
    BatchTransformPipeline,
    CustomImage,
    HuggingFaceNeuronModel,
    InferenceModel,
    OffHoursSchedule,
    RealtimeEndpoint,
    S3ModelArtifact,
)
from green_constructs.props import UNCHECKED

REGION = "eu-north-1"
ENV = cdk.Environment(account="111111111111", region=REGION)
NEURON_IMAGE = (
    f"763104351884.dkr.ecr.{REGION}.amazonaws.com/huggingface-pytorch-tgi-inference:"
    "2.1.2-optimum0.0.28-neuronx-py310-ubuntu22.04"
)
SCALING = "AWS::ApplicationAutoScaling::ScalingPolicy"
TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
CONFIG = "AWS::SageMaker::EndpointConfig"
ALARM = "AWS::CloudWatch::Alarm"
POLICY = "AWS::IAM::Policy"
BUCKET = "AWS::S3::Bucket"


class Tokens:
    """Parameters of one stack, and a context value that is a token."""

    def __init__(self, stack: cdk.Stack) -> None:
        self.stack = stack

    def number(self, name: str) -> float:
        return cdk.CfnParameter(self.stack, name, type="Number").value_as_number

    def string(self, name: str) -> str:
        return cdk.CfnParameter(self.stack, name, type="String").value_as_string

    def seconds(self, name: str) -> cdk.Duration:
        return cdk.Duration.seconds(self.number(name))

    def context(self, name: str) -> float:
        """A number read from context (``-c``), where a token was put."""
        cdk.CfnParameter(self.stack, name, type="Number")
        return self.stack.node.get_context(name)


def _app(*names: str) -> cdk.App:
    return cdk.App(context={name: cdk.Token.as_number(cdk.Fn.ref(name)) for name in names})


def _resources(template: Template, resource_type: str) -> str:
    return json.dumps(template.find_resources(resource_type))


def _notes(construct: Construct) -> list[str]:
    return [str(entry.data) for entry in construct.node.metadata if entry.type == UNCHECKED]


def _assert_reaches(template: Template, construct: Construct, prop: str, resource_type: str):
    parameter = "".join(part.title() for part in prop.split("_"))
    assert json.dumps({"Ref": parameter}) in _resources(template, resource_type), prop
    assert any(note.startswith(f"{prop} is a token") for note in _notes(construct)), prop


# -- AsyncInferenceEndpoint ---------------------------------------------------------------

ASYNC_PROPS = {
    "variant_name": CONFIG,
    "min_capacity": TARGET,
    "max_capacity": TARGET,
    "initial_instance_count": CONFIG,
    "target_backlog_per_instance": SCALING,
    "scale_in_cooldown": SCALING,
    "scale_out_cooldown": SCALING,
    "wake_up_evaluation_periods": ALARM,
    "wake_up_cooldown": SCALING,
    "max_concurrent_invocations_per_instance": CONFIG,
    "input_prefix": POLICY,
    "output_prefix": CONFIG,
    "failure_prefix": CONFIG,
    "oldest_request_alarm_threshold": ALARM,
    "container_startup_health_check_timeout": CONFIG,
    "model_data_download_timeout": CONFIG,
    "volume_size_gb": CONFIG,
    "results_expire_after": BUCKET,
}


@pytest.fixture(scope="module")
def async_endpoint() -> tuple[Template, AsyncInferenceEndpoint]:
    stack = cdk.Stack(_app("MaxCapacity"), "Async", env=ENV)
    tokens = Tokens(stack)
    endpoint = AsyncInferenceEndpoint(
        stack,
        "Llm",
        source=CustomImage(NEURON_IMAGE),
        instance_type="ml.inf2.xlarge",
        variant_name=tokens.string("VariantName"),
        min_capacity=tokens.number("MinCapacity"),
        max_capacity=tokens.context("MaxCapacity"),
        initial_instance_count=tokens.number("InitialInstanceCount"),
        target_backlog_per_instance=tokens.number("TargetBacklogPerInstance"),
        scale_in_cooldown=tokens.seconds("ScaleInCooldown"),
        scale_out_cooldown=tokens.seconds("ScaleOutCooldown"),
        wake_up_evaluation_periods=tokens.number("WakeUpEvaluationPeriods"),
        wake_up_cooldown=tokens.seconds("WakeUpCooldown"),
        max_concurrent_invocations_per_instance=tokens.number(
            "MaxConcurrentInvocationsPerInstance"
        ),
        input_prefix=tokens.string("InputPrefix"),
        output_prefix=tokens.string("OutputPrefix"),
        failure_prefix=tokens.string("FailurePrefix"),
        oldest_request_alarm_threshold=tokens.seconds("OldestRequestAlarmThreshold"),
        container_startup_health_check_timeout=tokens.seconds("ContainerStartupHealthCheckTimeout"),
        model_data_download_timeout=tokens.seconds("ModelDataDownloadTimeout"),
        volume_size_gb=tokens.number("VolumeSizeGb"),
        results_expire_after=cdk.Duration.days(tokens.number("ResultsExpireAfter")),
    )
    return Template.from_stack(stack), endpoint


@pytest.mark.parametrize(("prop", "resource_type"), ASYNC_PROPS.items())
def test_async_endpoint_token_reaches_the_template(async_endpoint, prop, resource_type) -> None:
    _assert_reaches(*async_endpoint, prop, resource_type)


# -- RealtimeEndpoint ---------------------------------------------------------------------

REALTIME_PROPS = {
    "variant_name": CONFIG,
    "min_capacity": TARGET,
    "max_capacity": TARGET,
    "target_invocations_per_instance": SCALING,
    "scale_in_cooldown": SCALING,
    "scale_out_cooldown": SCALING,
    "data_capture_sampling_percent": CONFIG,
    "data_capture_expire_after": BUCKET,
    "error_alarm_threshold": ALARM,
    "container_startup_health_check_timeout": CONFIG,
    "model_data_download_timeout": CONFIG,
    "volume_size_gb": CONFIG,
}


@pytest.fixture(scope="module")
def realtime_endpoint() -> tuple[Template, RealtimeEndpoint]:
    stack = cdk.Stack(_app("MaxCapacity", "OffHoursFloor"), "Realtime", env=ENV)
    tokens = Tokens(stack)
    endpoint = RealtimeEndpoint(
        stack,
        "Chat",
        source=CustomImage(NEURON_IMAGE),
        instance_type="ml.inf2.xlarge",
        variant_name=tokens.string("VariantName"),
        min_capacity=tokens.number("MinCapacity"),
        max_capacity=tokens.context("MaxCapacity"),
        target_invocations_per_instance=tokens.number("TargetInvocationsPerInstance"),
        scale_in_cooldown=tokens.seconds("ScaleInCooldown"),
        scale_out_cooldown=tokens.seconds("ScaleOutCooldown"),
        off_hours=OffHoursSchedule(
            scale_down=appscaling.Schedule.cron(hour="19", minute="0"),
            scale_up=appscaling.Schedule.cron(hour="7", minute="0"),
            floor=tokens.context("OffHoursFloor"),
        ),
        data_capture_sampling_percent=tokens.number("DataCaptureSamplingPercent"),
        data_capture_expire_after=cdk.Duration.days(tokens.number("DataCaptureExpireAfter")),
        error_alarm_threshold=tokens.number("ErrorAlarmThreshold"),
        container_startup_health_check_timeout=tokens.seconds("ContainerStartupHealthCheckTimeout"),
        model_data_download_timeout=tokens.seconds("ModelDataDownloadTimeout"),
        volume_size_gb=tokens.number("VolumeSizeGb"),
    )
    return Template.from_stack(stack), endpoint


@pytest.mark.parametrize(("prop", "resource_type"), REALTIME_PROPS.items())
def test_realtime_endpoint_token_reaches_the_template(
    realtime_endpoint, prop, resource_type
) -> None:
    _assert_reaches(*realtime_endpoint, prop, resource_type)


def test_realtime_off_hours_floor_token_reaches_the_schedule(realtime_endpoint) -> None:
    template, endpoint = realtime_endpoint
    assert json.dumps({"Ref": "OffHoursFloor"}) in _resources(template, TARGET)
    assert any(note.startswith("off_hours.floor is a token") for note in _notes(endpoint))


# -- Durations whose token amount is not in seconds --------------------------------------


@pytest.mark.parametrize(
    ("construct", "prop"),
    [
        (AsyncInferenceEndpoint, "scale_in_cooldown"),
        (AsyncInferenceEndpoint, "oldest_request_alarm_threshold"),
        (RealtimeEndpoint, "scale_out_cooldown"),
        (RealtimeEndpoint, "container_startup_health_check_timeout"),
    ],
)
def test_duration_token_in_minutes_is_rejected_naming_the_prop(construct, prop) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    minutes = cdk.Duration.minutes(Tokens(stack).number("Minutes"))
    with pytest.raises(ValueError, match=rf"^{prop} must be .* cdk.Duration.seconds\(token\)"):
        construct(
            stack,
            "E",
            source=CustomImage(NEURON_IMAGE),
            instance_type="ml.inf2.xlarge",
            **{prop: minutes},
        )


@pytest.mark.parametrize(
    ("construct", "prop"),
    [(AsyncInferenceEndpoint, "wake_up_period"), (RealtimeEndpoint, "idle_alarm_after")],
)
def test_duration_setting_an_alarm_period_takes_no_token(construct, prop) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match=rf"^{prop} must be a concrete cdk.Duration"):
        construct(
            stack,
            "E",
            source=CustomImage(NEURON_IMAGE),
            instance_type="ml.inf2.xlarge",
            **{prop: Tokens(stack).seconds("Period")},
        )


# -- BatchTransformPipeline -----------------------------------------------------------------

STATE_MACHINE = "AWS::StepFunctions::StateMachine"
BATCH_PROPS = {
    "instance_count": STATE_MACHINE,
    "input_prefix": "AWS::Events::Rule",
    "output_prefix": STATE_MACHINE,
    "content_type": STATE_MACHINE,
    "accept": STATE_MACHINE,
    "max_payload_mb": STATE_MACHINE,
    "max_concurrent_transforms": STATE_MACHINE,
    "invocation_timeout": STATE_MACHINE,
    "invocation_max_retries": STATE_MACHINE,
    "expire_after": BUCKET,
}


@pytest.fixture(scope="module")
def batch_pipeline() -> tuple[Template, BatchTransformPipeline]:
    stack = cdk.Stack(_app("InstanceCount"), "Batch", env=ENV)
    tokens = Tokens(stack)
    pipeline = BatchTransformPipeline(
        stack,
        "Summarize",
        source=CustomImage(NEURON_IMAGE),
        instance_type="ml.inf2.xlarge",
        instance_count=tokens.context("InstanceCount"),
        input_prefix=tokens.string("InputPrefix"),
        output_prefix=tokens.string("OutputPrefix"),
        content_type=tokens.string("ContentType"),
        accept=tokens.string("Accept"),
        max_payload_mb=tokens.number("MaxPayloadMb"),
        max_concurrent_transforms=tokens.number("MaxConcurrentTransforms"),
        invocation_timeout=tokens.seconds("InvocationTimeout"),
        invocation_max_retries=tokens.number("InvocationMaxRetries"),
        expire_after=cdk.Duration.days(tokens.number("ExpireAfter")),
    )
    return Template.from_stack(stack), pipeline


@pytest.mark.parametrize(("prop", "resource_type"), BATCH_PROPS.items())
def test_batch_pipeline_token_reaches_the_template(batch_pipeline, prop, resource_type) -> None:
    _assert_reaches(*batch_pipeline, prop, resource_type)


@pytest.mark.parametrize("prop", ["job_timeout", "capacity_retry_wait"])
def test_batch_durations_timing_the_execution_take_no_token(prop) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match=rf"^{prop} must be a concrete cdk.Duration"):
        BatchTransformPipeline(
            stack,
            "B",
            source=CustomImage(NEURON_IMAGE),
            instance_type="ml.inf2.xlarge",
            **{prop: Tokens(stack).seconds("Wait")},
        )


# -- Model sources (their notes go to the InferenceModel they bind to) -------------------

MODEL = "AWS::SageMaker::Model"


@pytest.fixture(scope="module")
def models() -> tuple[Template, dict[str, InferenceModel]]:
    env = cdk.Environment(account="111111111111", region="us-east-1")  # publishes vLLM Neuron
    stack = cdk.Stack(_app("BatchSize"), "Models", env=env)
    tokens = Tokens(stack)
    bucket = s3.Bucket(stack, "Weights")
    sources = {
        "huggingface": HuggingFaceNeuronModel(
            model_id=tokens.string("ModelId"),
            batch_size=tokens.context("BatchSize"),
            max_sequence_length=tokens.number("MaxSequenceLength"),
        ),
        "custom": CustomImage(tokens.string("Image"), model_data_url=tokens.string("ModelDataUrl")),
        "artifact": S3ModelArtifact(bucket, tokens.string("Key"), image=NEURON_IMAGE),
    }
    built = {
        name: InferenceModel(stack, name, source=source, instance_type="ml.inf2.xlarge")
        for name, source in sources.items()
    }
    return Template.from_stack(stack), built


@pytest.mark.parametrize(
    ("source", "prop"),
    [
        ("huggingface", "model_id"),
        ("huggingface", "batch_size"),
        ("huggingface", "max_sequence_length"),
        ("custom", "image"),
        ("custom", "model_data_url"),
        ("artifact", "key"),
    ],
)
def test_model_source_token_reaches_the_model(models, source, prop) -> None:
    template, built = models
    _assert_reaches(template, built[source], prop, MODEL)


def test_number_token_in_the_environment_is_its_token_expression(models) -> None:
    template, _ = models
    environment = json.dumps(template.find_resources(MODEL))
    assert '"SM_ON_BATCH_SIZE": {"Ref": "BatchSize"}' in environment
