"""RealtimeEndpoint: Inferentia2, target tracking, off-hours floor, sampled capture, alarms."""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Match, Template
from compliance import cfn_lint_errors, our_findings, synth_checked

from green_constructs.inference import CustomImage
from green_constructs.inference.notification_topic import encrypted_topic, notification_key
from green_constructs.inference.realtime_endpoint import OffHoursSchedule, RealtimeEndpoint

ENV = cdk.Environment(account="111111111111", region="eu-north-1")
NEURON_IMAGE = (
    "763104351884.dkr.ecr.eu-north-1.amazonaws.com/huggingface-pytorch-tgi-inference:"
    "2.1.2-optimum0.0.28-neuronx-py310-ubuntu22.04"
)
WEEKDAYS_7 = appscaling.Schedule.cron(hour="7", minute="0", week_day="MON-FRI")
WEEKDAYS_19 = appscaling.Schedule.cron(hour="19", minute="0", week_day="MON-FRI")
HOURLY = appscaling.Schedule.rate(cdk.Duration.hours(1))


def _off_hours(**props) -> OffHoursSchedule:
    return OffHoursSchedule(**{"scale_down": WEEKDAYS_19, "scale_up": WEEKDAYS_7, **props})


def _endpoint(stack: cdk.Stack, construct_id: str = "Chat", **props) -> RealtimeEndpoint:
    props.setdefault("instance_type", "ml.inf2.xlarge")
    return RealtimeEndpoint(stack, construct_id, source=CustomImage(NEURON_IMAGE), **props)


@pytest.fixture(scope="module")
def default_assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("realtime-default")))
    stack = cdk.Stack(app, "Realtime", env=ENV)
    endpoint = _endpoint(stack)
    endpoint.grant_invoke(iam.Role(stack, "Client", assumed_by=iam.AccountRootPrincipal()))
    return synth_checked(app)


@pytest.fixture(scope="module")
def default_template(default_assembly) -> Template:
    return Template.from_json(default_assembly.get_stack_by_name("Realtime").template)


@pytest.fixture(scope="module")
def tuned_assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("realtime-tuned")))
    stack = cdk.Stack(app, "Tuned", env=ENV)
    alarms = encrypted_topic(
        stack, "Alarms", master_key=notification_key(stack, "AlarmKey"), display_name="Alarms"
    )
    _endpoint(
        stack,
        min_capacity=2,
        max_capacity=6,
        target_invocations_per_instance=30,
        scale_in_cooldown=cdk.Duration.minutes(10),
        off_hours=_off_hours(time_zone=cdk.TimeZone.of("Europe/Stockholm")),
        data_capture_sampling_percent=5,
        alarm_topic=alarms,
        volume_key=kms.Key(stack, "VolumeKey", enable_key_rotation=True),
        container_startup_health_check_timeout=cdk.Duration.minutes(30),
        model_data_download_timeout=cdk.Duration.minutes(15),
        volume_size_gb=256,
    )
    _endpoint(
        stack,
        "Audited",
        data_capture_sampling_percent=100,
        data_capture_audit_reason="Regulated use: every exchange is kept 30 days for audit.",
    )
    return synth_checked(app)


@pytest.fixture(scope="module")
def tuned_template(tuned_assembly) -> Template:
    return Template.from_json(tuned_assembly.get_stack_by_name("Tuned").template)


def _logical_id(template: Template, resource_type: str, prefix: str) -> str:
    """The logical ID of the one ``resource_type`` whose construct path joins to ``prefix``."""
    found = [
        logical_id
        for logical_id in template.find_resources(resource_type)
        if re.fullmatch(f"{prefix}[0-9A-F]{{8}}", logical_id)
    ]
    assert len(found) == 1, found
    return found[0]


def test_defaults_pass_every_check(default_assembly) -> None:
    assert our_findings(default_assembly) == []
    assert cfn_lint_errors(default_assembly) == []


def test_tuned_endpoints_pass_every_check(tuned_assembly) -> None:
    assert our_findings(tuned_assembly) == []
    assert cfn_lint_errors(tuned_assembly) == []


def test_default_variant_runs_on_inferentia2_without_capture(default_template) -> None:
    default_template.has_resource_properties(
        "AWS::SageMaker::EndpointConfig",
        {
            "ProductionVariants": [
                Match.object_like(
                    {
                        "InstanceType": "ml.inf2.xlarge",
                        "InitialInstanceCount": 1,
                        "VariantName": "AllTraffic",
                        "ContainerStartupHealthCheckTimeoutInSeconds": Match.absent(),
                        "ModelDataDownloadTimeoutInSeconds": Match.absent(),
                        "VolumeSizeInGB": Match.absent(),
                    }
                )
            ],
            "DataCaptureConfig": Match.absent(),
            "KmsKeyId": Match.absent(),
        },
    )
    # updates keep the instance count scaling set, instead of InitialInstanceCount
    default_template.has_resource_properties(
        "AWS::SageMaker::Endpoint",
        {
            "RetainAllVariantProperties": True,
            "ExcludeRetainedVariantProperties": [{"VariantPropertyType": "DataCaptureConfig"}],
        },
    )


def test_tuned_variant_startup_volume_and_key_reach_the_config(tuned_template) -> None:
    key = _logical_id(tuned_template, "AWS::KMS::Key", "VolumeKey")
    config = _logical_id(tuned_template, "AWS::SageMaker::EndpointConfig", "ChatEndpointConfig")
    properties = tuned_template.to_json()["Resources"][config]["Properties"]
    assert properties["KmsKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    [variant] = properties["ProductionVariants"]
    assert variant["ContainerStartupHealthCheckTimeoutInSeconds"] == 1800
    assert variant["ModelDataDownloadTimeoutInSeconds"] == 900
    assert variant["VolumeSizeInGB"] == 256


def test_alarm_topic_is_notified_by_the_errors_and_idle_alarms(tuned_template) -> None:
    topic = _logical_id(tuned_template, "AWS::SNS::Topic", "Alarms")
    alarms = tuned_template.find_resources("AWS::CloudWatch::Alarm")
    actions = {
        logical_id.removeprefix("Chat")[:-8]: alarm["Properties"].get("AlarmActions")
        for logical_id, alarm in alarms.items()
        if logical_id.startswith("Chat")
    }
    assert actions == {"ErrorsAlarm": [{"Ref": topic}], "IdleAlarm": [{"Ref": topic}]}
    audited = [a for i, a in alarms.items() if i.startswith("Audited")]
    assert len(audited) == 2 and all("AlarmActions" not in a["Properties"] for a in audited)


def test_scalable_target_and_target_tracking(default_template) -> None:
    endpoint = _logical_id(default_template, "AWS::SageMaker::Endpoint", "ChatEndpoint")
    target = _logical_id(
        default_template, "AWS::ApplicationAutoScaling::ScalableTarget", "ChatScalableTarget"
    )
    default_template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        {
            "MinCapacity": 1,
            "MaxCapacity": 4,
            "ServiceNamespace": "sagemaker",
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
            "ResourceId": {
                "Fn::Join": [
                    "",
                    [
                        "endpoint/",
                        {"Fn::GetAtt": [endpoint, "EndpointName"]},
                        "/variant/AllTraffic",
                    ],
                ]
            },
        },
    )
    default_template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
            "ScalingTargetId": {"Ref": target},
            "TargetTrackingScalingPolicyConfiguration": {
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
                },
                "TargetValue": 60,
                "ScaleInCooldown": 300,
                "ScaleOutCooldown": 60,
            },
        },
    )


def test_alarms_watch_the_published_dimensions(default_template) -> None:
    endpoint = _logical_id(default_template, "AWS::SageMaker::Endpoint", "ChatEndpoint")
    dimensions = [
        {"Name": "EndpointName", "Value": {"Fn::GetAtt": [endpoint, "EndpointName"]}},
        {"Name": "VariantName", "Value": "AllTraffic"},
    ]
    default_template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/SageMaker",
            "MetricName": "Invocation5XXErrors",
            "Dimensions": dimensions,
            "Statistic": "Sum",
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "AlarmActions": Match.absent(),
        },
    )
    default_template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/SageMaker",
            "MetricName": "Invocations",
            "Dimensions": dimensions,
            "Period": 3600,
            "EvaluationPeriods": 24,
            "ComparisonOperator": "LessThanThreshold",
            "TreatMissingData": "breaching",
            "AlarmActions": Match.absent(),
        },
    )


def test_grant_invoke_is_this_endpoint_only(default_template) -> None:
    endpoint = _logical_id(default_template, "AWS::SageMaker::Endpoint", "ChatEndpoint")
    policies = default_template.find_resources(
        "AWS::IAM::Policy",
        {"Properties": {"Roles": [{"Ref": Match.string_like_regexp("^Client")}]}},
    )
    [policy] = policies.values()
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Action": ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"],
            "Effect": "Allow",
            "Resource": {"Ref": endpoint},
        }
    ]


def test_off_hours_schedule_lowers_and_restores_the_minimum(tuned_template) -> None:
    tuned_template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        {
            "MinCapacity": 2,
            "MaxCapacity": 6,
            "ScheduledActions": [
                {
                    "ScheduledActionName": "ScaleDownOffHours",
                    "Schedule": "cron(0 19 ? * MON-FRI *)",
                    "ScalableTargetAction": {"MinCapacity": 1, "MaxCapacity": 6},
                    "Timezone": "Europe/Stockholm",
                },
                {
                    "ScheduledActionName": "ScaleUpBusinessHours",
                    "Schedule": "cron(0 7 ? * MON-FRI *)",
                    "ScalableTargetAction": {"MinCapacity": 2, "MaxCapacity": 6},
                    "Timezone": "Europe/Stockholm",
                },
            ],
        },
    )


def test_data_capture_is_sampled_encrypted_and_expires(tuned_template) -> None:
    key = _logical_id(tuned_template, "AWS::KMS::Key", "ChatDataCapture(Key|Bucket)")
    tuned_template.has_resource_properties(
        "AWS::SageMaker::EndpointConfig",
        {
            "ProductionVariants": [Match.object_like({"InitialInstanceCount": 2})],
            "DataCaptureConfig": Match.object_like(
                {
                    "EnableCapture": True,
                    "InitialSamplingPercentage": 5,
                    "KmsKeyId": {"Fn::GetAtt": [key, "Arn"]},
                    "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
                }
            ),
        },
    )
    bucket = _logical_id(tuned_template, "AWS::S3::Bucket", "ChatDataCapture(Key|Bucket)")
    rules = tuned_template.to_json()["Resources"][bucket]["Properties"]["LifecycleConfiguration"]
    assert rules["Rules"][0]["ExpirationInDays"] == 30


def test_capture_above_the_threshold_is_acknowledged_with_the_reason(tuned_template) -> None:
    # the tuned app synthesized under strict packs, so GenAI-DataCaptureSampling was acknowledged
    config = _logical_id(tuned_template, "AWS::SageMaker::EndpointConfig", "AuditedEndpointConfig")
    body = tuned_template.to_json()["Resources"][config]
    assert body["Properties"]["DataCaptureConfig"]["InitialSamplingPercentage"] == 100


def test_right_sized_huggingface_model(tmp_path) -> None:
    from green_constructs.inference.huggingface import HuggingFaceNeuronModel

    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Hf", env=cdk.Environment(account="111111111111", region="eu-west-3"))
    source = HuggingFaceNeuronModel(
        model_id="meta-llama/Llama-3.1-8B-Instruct", parameters_billion=8
    )
    endpoint = RealtimeEndpoint(stack, "Llama", source=source)
    RealtimeEndpoint(
        stack,
        "Quick",
        source=source,
        container_startup_health_check_timeout=cdk.Duration.minutes(20),
    )
    assert endpoint.model.instance_type.startswith("ml.inf2.")
    template = Template.from_stack(stack)
    # the Neuron image downloads, compiles and loads the model: an hour unless told otherwise
    for prefix, seconds in (("Llama", 3600), ("Quick", 1200)):
        config = _logical_id(template, "AWS::SageMaker::EndpointConfig", f"{prefix}EndpointConfig")
        [variant] = template.to_json()["Resources"][config]["Properties"]["ProductionVariants"]
        assert variant["InstanceType"] == endpoint.model.instance_type
        assert variant["ContainerStartupHealthCheckTimeoutInSeconds"] == seconds
        assert variant["InferenceAmiVersion"] == "al2-ami-sagemaker-inference-neuron-2"
        assert (
            "ModelDataDownloadTimeoutInSeconds" not in variant and "VolumeSizeInGB" not in variant
        )


@pytest.mark.parametrize("variant_name", ["AllTraffic", "llama-3-8b", "a--b", "7", "x" * 63])
def test_variant_names_sagemaker_accepts(variant_name) -> None:
    endpoint = _endpoint(cdk.Stack(cdk.App(), "Ok", env=ENV), variant_name=variant_name)
    assert endpoint.cfn_endpoint_config.production_variants[0].variant_name == variant_name


def test_metrics_use_endpoint_and_variant_dimensions() -> None:
    stack = cdk.Stack(cdk.App(), "Metrics", env=ENV)
    endpoint = _endpoint(stack)
    for metric, name in (
        (endpoint.metric_invocations(), "Invocations"),
        (endpoint.metric_invocations_per_instance(), "InvocationsPerInstance"),
        (endpoint.metric_model_latency(), "ModelLatency"),
        (endpoint.metric_errors(), "Invocation5XXErrors"),
        (endpoint.metric_client_errors(), "Invocation4XXErrors"),
    ):
        assert (metric.namespace, metric.metric_name) == ("AWS/SageMaker", name)
        assert set(metric.dimensions) == {"EndpointName", "VariantName"}
        assert metric.dimensions["VariantName"] == "AllTraffic"


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {"min_capacity": 3, "max_capacity": 2},
            r"min_capacity \(3\) must be at most max_capacity \(2\)",
        ),
        ({"min_capacity": 0}, "min_capacity must be at least 1"),
        ({"min_capacity": -1}, "min_capacity must be at least 1"),
        ({"max_capacity": 0, "min_capacity": 1}, "max_capacity"),
        (
            {"target_invocations_per_instance": 0},
            "target_invocations_per_instance must be a finite number > 0",
        ),
        (
            {"data_capture_sampling_percent": 0},
            "data_capture_sampling_percent must be a whole number from 1 to 100",
        ),
        (
            {"data_capture_sampling_percent": 101},
            "data_capture_sampling_percent must be a whole number from 1 to 100",
        ),
        (
            {"data_capture_sampling_percent": 50},
            "data_capture_sampling_percent above 20 needs data_capture_audit_reason",
        ),
        (
            {"data_capture_sampling_percent": 10, "data_capture_audit_reason": "x"},
            "data_capture_audit_reason is only allowed",
        ),
        (
            {"off_hours": OffHoursSchedule(scale_down=WEEKDAYS_19, scale_up=WEEKDAYS_7)},
            r"off_hours.floor \(1\) must be below min_capacity \(1\)",
        ),
        (
            {"min_capacity": 2, "off_hours": _off_hours(floor=0)},
            "off_hours.floor must be a whole number >= 1",
        ),
        (
            {"min_capacity": 2, "off_hours": _off_hours(scale_down=HOURLY)},
            "off_hours.scale_down must be a recurring",
        ),
        (
            {"min_capacity": 2, "off_hours": _off_hours(scale_down=WEEKDAYS_7)},
            "off_hours.scale_down and off_hours.scale_up must differ",
        ),
        (
            {"idle_alarm_after": cdk.Duration.minutes(90)},
            "idle_alarm_after must be a cdk.Duration of whole hours",
        ),
        (
            {"instance_type": "ml.inf1.xlarge"},
            "instance_type: ml.inf1.xlarge is a previous-generation instance; use ml.inf2.xlarge ",
        ),
        (
            {"instance_type": "ml.g5.xlarge"},
            "image: .* is a neuron image, but instance_type ml.g5.xlarge needs a gpu image",
        ),
        (
            {"variant_name": "All_Traffic"},
            "variant_name must be 1 to 63 letters, digits and hyphens",
        ),
        ({"variant_name": "-blue"}, "variant_name must be 1 to 63 letters, digits and hyphens"),
        ({"variant_name": "blue-"}, "variant_name must be 1 to 63"),
        ({"variant_name": ""}, "variant_name must be 1 to 63"),
        ({"variant_name": "x" * 64}, "variant_name must be 1 to 63"),
        (
            {"container_startup_health_check_timeout": cdk.Duration.seconds(30)},
            "container_startup_health_check_timeout must be .* between 1 minute and 1 hour",
        ),
        (
            {"container_startup_health_check_timeout": cdk.Duration.hours(2)},
            "container_startup_health_check_timeout must be .* between 1 minute and 1 hour",
        ),
        (
            {"model_data_download_timeout": cdk.Duration.minutes(61)},
            "model_data_download_timeout must be .* between 1 minute and 1 hour",
        ),
        (
            {"volume_size_gb": 0},
            r"volume_size_gb must be a whole number from 1 to 512 \(GB\), got 0",
        ),
        ({"volume_size_gb": 513}, "volume_size_gb must be a whole number from 1 to 512"),
    ],
)
def test_bad_input_names_the_property(props, message) -> None:
    stack = cdk.Stack(cdk.App(), "Bad", env=ENV)
    with pytest.raises(ValueError, match=message):
        _endpoint(stack, **props)
