"""AsyncInferenceEndpoint: scale-to-zero wiring, failure handling, grants, checks, moto deploy."""

from __future__ import annotations

import json
import re

import aws_cdk as cdk
import boto3
import pytest
import requests
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template
from compliance import cfn_lint_errors, our_findings, synth_checked
from moto import mock_aws
from moto_deploy import create_stack, for_moto
from template_helpers import assert_alarms_can_publish

from green_constructs.inference import CustomImage, InferenceModel, S3ModelArtifact
from green_constructs.inference.async_endpoint import AsyncInferenceEndpoint
from green_constructs.rules import evaluate, get_rule
from green_constructs.runtime import AsyncInferenceClient

REGION = "eu-north-1"
ENV = cdk.Environment(account="111111111111", region=REGION)
NEURON_IMAGE = (
    f"763104351884.dkr.ecr.{REGION}.amazonaws.com/huggingface-pytorch-tgi-inference:"
    "2.1.2-optimum0.0.28-neuronx-py310-ubuntu22.04"
)
GPU_IMAGE = (
    f"763104351884.dkr.ecr.{REGION}.amazonaws.com/huggingface-pytorch-inference:"
    "2.1.0-transformers4.37.0-gpu-py310-cu118-ubuntu20.04"
)
SKIPPED_BY_MOTO = {
    # moto's CloudFormation does not model these: listed here and removed with references.
    "AWS::CloudWatch::Alarm",
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::TopicPolicy",
}
MOTO_INSTANCE_TYPE = "ml.inf1.xlarge"  # moto's instance-type list predates ml.inf2


class AsyncStack(cdk.Stack):
    def __init__(self, scope, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, env=ENV, **kwargs)
        self.endpoint = AsyncInferenceEndpoint(
            self, "Llm", source=CustomImage(NEURON_IMAGE), instance_type="ml.inf2.xlarge"
        )
        self.client_role = iam.Role(self, "Client", assumed_by=iam.AccountRootPrincipal())
        self.endpoint.grant_invoke(self.client_role)
        cdk.CfnOutput(self, "EndpointName", value=self.endpoint.endpoint_name)
        cdk.CfnOutput(self, "BucketName", value=self.endpoint.bucket.bucket_name)


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("async")))
    AsyncStack(app, "Async")
    return synth_checked(app)


@pytest.fixture(scope="module")
def template_json(assembly) -> dict:
    return assembly.get_stack_by_name("Async").template


@pytest.fixture(scope="module")
def template(template_json) -> Template:
    return Template.from_json(template_json)


def only(template: Template, resource_type: str, props: dict | None = None) -> tuple[str, dict]:
    found = template.find_resources(resource_type, {"Properties": props} if props else None)
    assert len(found) == 1, found
    return next(iter(found.items()))


def endpoint_id(template: Template) -> str:
    return only(template, "AWS::SageMaker::Endpoint")[0]


def endpoint_name_ref(template: Template) -> dict:
    return {"Fn::GetAtt": [endpoint_id(template), "EndpointName"]}


# -- scale to zero -----------------------------------------------------------------------


def test_scalable_target_starts_at_zero_on_the_variant(template) -> None:
    logical_id, target = only(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    props = target["Properties"]
    assert props["MinCapacity"] == 0 and props["MaxCapacity"] == 2
    assert props["ServiceNamespace"] == "sagemaker"
    assert props["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    assert props["ResourceId"] == {
        "Fn::Join": ["", ["endpoint/", endpoint_name_ref(template), "/variant/AllTraffic"]]
    }
    assert endpoint_id(template) in target["DependsOn"]
    assert "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint" in json.dumps(
        props["RoleARN"]
    )


def test_endpoint_is_created_with_one_instance(template) -> None:
    _, config = only(template, "AWS::SageMaker::EndpointConfig")
    (variant,) = config["Properties"]["ProductionVariants"]
    assert variant["InitialInstanceCount"] == 1
    assert variant["InstanceType"] == "ml.inf2.xlarge"
    assert variant["VariantName"] == "AllTraffic"
    # a custom image asks for no startup time: SageMaker's defaults apply
    for name in (
        "ContainerStartupHealthCheckTimeoutInSeconds",
        "ModelDataDownloadTimeoutInSeconds",
        "VolumeSizeInGB",
    ):
        assert name not in variant


def test_target_tracking_on_backlog_per_instance_by_endpoint_name(template) -> None:
    target_id = only(template, "AWS::ApplicationAutoScaling::ScalableTarget")[0]
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
            "ScalingTargetId": {"Ref": target_id},
            "TargetTrackingScalingPolicyConfiguration": {
                "CustomizedMetricSpecification": {
                    "Namespace": "AWS/SageMaker",
                    "MetricName": "ApproximateBacklogSizePerInstance",
                    "Dimensions": [{"Name": "EndpointName", "Value": endpoint_name_ref(template)}],
                    "Statistic": "Average",
                },
                "TargetValue": 5,
                "ScaleInCooldown": 600,
                "ScaleOutCooldown": 300,
            },
        },
    )


def test_wake_up_alarm_on_has_backlog_without_capacity_triggers_the_step_policy(template) -> None:
    target_id = only(template, "AWS::ApplicationAutoScaling::ScalableTarget")[0]
    policy_id, _ = only(
        template,
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "PolicyType": "StepScaling",
            "ScalingTargetId": {"Ref": target_id},
            "StepScalingPolicyConfiguration": Match.object_like(
                {
                    "AdjustmentType": "ChangeInCapacity",
                    "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
                }
            ),
        },
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/SageMaker",
            "MetricName": "HasBacklogWithoutCapacity",
            "Dimensions": [{"Name": "EndpointName", "Value": endpoint_name_ref(template)}],
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 1,
            "AlarmActions": [{"Ref": policy_id}],
        },
    )


def test_oldest_request_alarm_watches_the_endpoint(template) -> None:
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ApproximateAgeOfOldestRequest",
            "Dimensions": [{"Name": "EndpointName", "Value": endpoint_name_ref(template)}],
            "Threshold": 3600,
            "AlarmActions": Match.absent(),
        },
    )


# -- outputs, failures and notifications ------------------------------------------------


def test_failure_path_and_both_topics_are_set(template) -> None:
    bucket_id = only(template, "AWS::S3::Bucket")[0]
    success_id, _ = only(template, "AWS::SNS::Topic", {"DisplayName": "Async inference results"})
    error_id, _ = only(template, "AWS::SNS::Topic", {"DisplayName": "Async inference failures"})
    _, config = only(template, "AWS::SageMaker::EndpointConfig")
    output = config["Properties"]["AsyncInferenceConfig"]["OutputConfig"]
    assert output["S3OutputPath"] == {"Fn::Join": ["", ["s3://", {"Ref": bucket_id}, "/output/"]]}
    assert output["S3FailurePath"] == {"Fn::Join": ["", ["s3://", {"Ref": bucket_id}, "/failure/"]]}
    assert output["NotificationConfig"] == {
        "SuccessTopic": {"Ref": success_id},
        "ErrorTopic": {"Ref": error_id},
    }


def test_results_bucket_is_retained_versioned_and_expires_results(template) -> None:
    template.has_resource(
        "AWS::S3::Bucket",
        {
            "DeletionPolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "LifecycleConfiguration": {
                        "Rules": [Match.object_like({"ExpirationInDays": 30})]
                    },
                }
            ),
        },
    )


def test_topics_are_encrypted_and_ssl_only(template) -> None:
    topics = template.find_resources("AWS::SNS::Topic")
    assert len(topics) == 2
    assert all("KmsMasterKeyId" in t["Properties"] for t in topics.values())
    policies = template.find_resources("AWS::SNS::TopicPolicy")
    covered = set()
    for policy in policies.values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            for s in statements
        )
        covered.update(t["Ref"] for t in policy["Properties"]["Topics"])
    assert covered == set(topics)
    assert_alarms_can_publish(template)


def test_endpoint_keeps_its_instance_count_across_updates(template) -> None:
    _, endpoint = only(template, "AWS::SageMaker::Endpoint")
    assert endpoint["Properties"]["RetainAllVariantProperties"] is True


def _endpoint_name(instance_type: str, variant_name: str = "AllTraffic") -> str:
    stack = cdk.Stack(cdk.App(), "Names", env=ENV)
    built = AsyncInferenceEndpoint(
        stack,
        "Llm",
        source=CustomImage(NEURON_IMAGE),
        instance_type=instance_type,
        variant_name=variant_name,
    )
    return stack.resolve(built.cfn_endpoint.endpoint_name)


def test_a_new_instance_type_replaces_the_endpoint_under_a_new_name() -> None:
    # UpdateEndpoint fails for a variant registered with Application Auto Scaling whose
    # instance type changes: a new name makes CloudFormation create a new endpoint (and
    # scalable target) and delete the old one instead
    small, large = _endpoint_name("ml.inf2.xlarge"), _endpoint_name("ml.inf2.8xlarge")
    assert small != large
    assert small == _endpoint_name("ml.inf2.xlarge")  # stable: same type, same name
    assert small.rsplit("-", 1)[0] == large.rsplit("-", 1)[0]
    for name in (small, large):
        assert len(name) <= 63 and re.fullmatch(r"[a-zA-Z0-9](-*[a-zA-Z0-9])*", name)


# -- grants -------------------------------------------------------------------------------


def test_grant_invoke_gives_exactly_what_a_client_needs(template) -> None:
    policies = template.find_resources(
        "AWS::IAM::Policy",
        {"Properties": {"Roles": [{"Ref": Match.string_like_regexp("^Client")}]}},
    )
    (policy,) = policies.values()
    bucket_arn = {"Fn::GetAtt": [only(template, "AWS::S3::Bucket")[0], "Arn"]}
    bucket_key_id, _ = only(template, "AWS::KMS::Key", {"Description": Match.absent()})
    key_arn = {"Fn::GetAtt": [bucket_key_id, "Arn"]}

    def objects(prefix: str) -> dict:
        return {"Fn::Join": ["", [bucket_arn, f"/{prefix}/*"]]}

    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Action": "sagemaker:InvokeEndpointAsync",
            "Effect": "Allow",
            "Resource": {"Ref": endpoint_id(template)},
        },
        {
            "Action": ["s3:PutObject", "s3:DeleteObject"],
            "Effect": "Allow",
            "Resource": objects("input"),
        },
        {
            "Action": "s3:GetObject",
            "Effect": "Allow",
            "Resource": [objects("output"), objects("failure")],
        },
        {
            "Action": "s3:ListBucket",
            "Condition": {"StringLike": {"s3:prefix": ["output/*", "failure/*"]}},
            "Effect": "Allow",
            "Resource": bucket_arn,
        },
        {
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}},
            "Effect": "Allow",
            "Resource": key_arn,
        },
    ]


def test_execution_role_reads_requests_and_writes_results_and_notifications(template) -> None:
    policies = template.find_resources(
        "AWS::IAM::Policy",
        {"Properties": {"Roles": [{"Ref": Match.string_like_regexp("ExecutionRole")}]}},
    )
    (policy,) = policies.values()
    by_action: dict[str, list] = {}
    for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
        actions = statement["Action"]
        for action in actions if isinstance(actions, list) else [actions]:
            by_action.setdefault(action, []).append(statement["Resource"])
    assert "input" in json.dumps(by_action["s3:GetObject"])
    written = json.dumps(by_action["s3:PutObject"])
    assert "/output/*" in written and "/failure/*" in written
    assert len(by_action["sns:Publish"]) == 2
    assert not any(a.startswith("s3:Delete") or a == "s3:*" for a in by_action)


# -- checks ------------------------------------------------------------------------------


def test_passes_every_check(assembly) -> None:
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


@pytest.mark.parametrize(
    "props, problem",
    [
        ({"min_capacity": 1}, "MinCapacity 1 instead of 0"),
        ({}, "no step-scaling policy triggered by HasBacklogWithoutCapacity"),
    ],
)
def test_scale_to_zero_rule_sees_what_the_construct_wires(props, problem) -> None:
    """The rule passes on the default construct because of its wiring, not by missing it."""
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    endpoint = AsyncInferenceEndpoint(
        stack, "Llm", source=CustomImage(NEURON_IMAGE), instance_type="ml.inf2.xlarge", **props
    )
    if not props:  # without the wake-up alarm, nothing starts an instance at zero
        endpoint.node.try_remove_child("WakeUpAlarm")
    findings = evaluate(Template.from_stack(stack).to_json(), [get_rule("GenAI-AsyncScaleToZero")])
    assert [problem in f.message for f in findings] == [True]


def test_l1s_are_reachable() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    endpoint = AsyncInferenceEndpoint(
        stack, "Llm", source=CustomImage(NEURON_IMAGE), instance_type="ml.inf2.xlarge"
    )
    assert endpoint.node.default_child is endpoint.cfn_endpoint
    assert endpoint.model.instance_type == "ml.inf2.xlarge"
    assert endpoint.input_prefix == "input/"


def test_metrics_use_the_published_names_and_dimensions() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    endpoint = AsyncInferenceEndpoint(
        stack, "Llm", source=CustomImage(NEURON_IMAGE), instance_type="ml.inf2.xlarge"
    )
    expected = {
        "metric_backlog": ("ApproximateBacklogSize", {"EndpointName"}),
        "metric_backlog_per_instance": ("ApproximateBacklogSizePerInstance", {"EndpointName"}),
        "metric_oldest_request_age": ("ApproximateAgeOfOldestRequest", {"EndpointName"}),
        "metric_has_backlog_without_capacity": ("HasBacklogWithoutCapacity", {"EndpointName"}),
        "metric_invocation_failures": ("InvocationFailures", {"EndpointName", "VariantName"}),
    }
    for method, (name, dimensions) in expected.items():
        metric = getattr(endpoint, method)()
        assert metric.namespace == "AWS/SageMaker"
        assert metric.metric_name == name
        assert set(metric.dimensions) == dimensions


def test_user_bucket_and_topics_are_used() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    bucket = s3.Bucket.from_bucket_name(stack, "Mine", "my-results")
    error_topic = sns.Topic.from_topic_arn(
        stack, "Errors", f"arn:aws:sns:{REGION}:111111111111:errors"
    )
    alarm_topic = sns.Topic.from_topic_arn(
        stack, "Alarms", f"arn:aws:sns:{REGION}:111111111111:alarms"
    )
    endpoint = AsyncInferenceEndpoint(
        stack,
        "Llm",
        source=S3ModelArtifact(bucket, "models/llm/", image=NEURON_IMAGE),
        instance_type="ml.inf2.xlarge",
        bucket=bucket,
        error_topic=error_topic,
        input_prefix="requests/",
        max_concurrent_invocations_per_instance=4,
        volume_key=kms.Key(stack, "VolumeKey", enable_key_rotation=True),
        alarm_topic=alarm_topic,
        variant_name="llm-v2",
        container_startup_health_check_timeout=cdk.Duration.minutes(40),
        model_data_download_timeout=cdk.Duration.minutes(20),
        volume_size_gb=128,
    )
    assert endpoint.bucket is bucket and endpoint.error_topic is error_topic
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::S3::Bucket", 0)
    template.resource_count_is("AWS::SNS::Topic", 1)
    template.has_resource_properties(
        "AWS::SageMaker::EndpointConfig",
        {
            "AsyncInferenceConfig": {
                "OutputConfig": Match.object_like(
                    {
                        "S3OutputPath": "s3://my-results/output/",
                        "NotificationConfig": Match.object_like(
                            {"ErrorTopic": error_topic.topic_arn}
                        ),
                    }
                ),
                "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
            },
            "KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^VolumeKey"), "Arn"]},
            "ProductionVariants": [
                Match.object_like(
                    {
                        "VariantName": "llm-v2",
                        "ContainerStartupHealthCheckTimeoutInSeconds": 2400,
                        "ModelDataDownloadTimeoutInSeconds": 1200,
                        "VolumeSizeInGB": 128,
                    }
                )
            ],
        },
    )
    alarms = {
        alarm["Properties"]["MetricName"]: alarm["Properties"]["AlarmActions"]
        for alarm in template.find_resources("AWS::CloudWatch::Alarm").values()
    }
    assert alarms["ApproximateAgeOfOldestRequest"] == [alarm_topic.topic_arn]
    # the wake-up alarm only starts an instance
    [wake_up_action] = alarms["HasBacklogWithoutCapacity"]
    assert "Ref" in wake_up_action


@pytest.mark.parametrize(
    "props, message",
    [
        ({"min_capacity": 3, "max_capacity": 2}, "min_capacity"),
        ({"max_capacity": 0}, "max_capacity must be a whole number >= 1"),
        ({"min_capacity": -1}, "min_capacity must be a whole number >= 0"),
        ({"initial_instance_count": 0}, "initial_instance_count must be a whole number >= 1"),
        ({"initial_instance_count": 3}, "initial_instance_count must be between 1"),
        (
            {"target_backlog_per_instance": 0},
            "target_backlog_per_instance must be a finite number > 0",
        ),
        (
            {"scale_in_cooldown": cdk.Duration.days(2)},
            "scale_in_cooldown must be .* between 0 seconds and 1 day",
        ),
        (
            {"scale_out_cooldown": cdk.Duration.millis(1500)},
            "scale_out_cooldown must be a cdk.Duration of whole seconds",
        ),
        (
            {"wake_up_period": cdk.Duration.seconds(90)},
            "wake_up_period must be a cdk.Duration of whole minutes",
        ),
        (
            {"wake_up_period": cdk.Duration.seconds(30)},
            "wake_up_period must be .* between 1 minute and 1 day",
        ),
        ({"wake_up_evaluation_periods": 0}, "wake_up_evaluation_periods must be a whole number"),
        (
            {"results_expire_after": cdk.Duration.hours(12)},
            "results_expire_after must be a cdk.Duration of whole days",
        ),
        ({"max_concurrent_invocations_per_instance": 0}, "max_concurrent_invocations_per_instance"),
        ({"input_prefix": "/in"}, "input_prefix must be a key prefix"),
        ({"output_prefix": "input/results/"}, "input_prefix .* must not contain output_prefix"),
        (
            {"oldest_request_alarm_threshold": cdk.Duration.seconds(10)},
            "oldest_request_alarm_threshold must be .* between 1 minute and 1 day",
        ),
        (
            {"variant_name": "All Traffic"},
            "variant_name must be 1 to 63 letters, digits and hyphens",
        ),
        (
            {"container_startup_health_check_timeout": cdk.Duration.seconds(59)},
            "container_startup_health_check_timeout must be .* between 1 minute and 1 hour",
        ),
        (
            {"model_data_download_timeout": cdk.Duration.hours(2)},
            "model_data_download_timeout must be .* between 1 minute and 1 hour",
        ),
        ({"volume_size_gb": 1024}, "volume_size_gb must be a whole number from 1 to 512"),
    ],
)
def test_bad_input_names_the_property(props, message) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match=message):
        AsyncInferenceEndpoint(
            stack, "Llm", source=CustomImage(NEURON_IMAGE), instance_type="ml.inf2.xlarge", **props
        )


@pytest.mark.parametrize(
    ("instance_type", "use"),
    [("ml.p3.2xlarge", "ml.p5.4xlarge"), ("ml.g4dn.xlarge", "ml.inf2.xlarge")],
)
def test_previous_generation_instances_fail_like_the_other_endpoints(instance_type, use) -> None:
    message = f"^instance_type: {instance_type} is a previous-generation instance; use {use} "
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    source = CustomImage(GPU_IMAGE)
    with pytest.raises(ValueError, match=message):
        AsyncInferenceEndpoint(stack, "Llm", source=source, instance_type=instance_type)
    model = InferenceModel(stack, "Model", source=source, instance_type=instance_type)
    with pytest.raises(ValueError, match=message):
        AsyncInferenceEndpoint(stack, "FromModel", model=model)


def test_source_or_model_but_not_both() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match="source: required"):
        AsyncInferenceEndpoint(stack, "A")
    with pytest.raises(ValueError, match="results_expire_after"):
        AsyncInferenceEndpoint(
            stack,
            "B",
            source=CustomImage(NEURON_IMAGE),
            instance_type="ml.inf2.xlarge",
            bucket=s3.Bucket.from_bucket_name(stack, "Mine", "mine"),
            results_expire_after=cdk.Duration.days(7),
        )


# -- deployment into moto -----------------------------------------------------------------


def _moto_instance_types(template: dict) -> None:
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::SageMaker::EndpointConfig":
            for variant in resource["Properties"]["ProductionVariants"]:
                variant["InstanceType"] = MOTO_INSTANCE_TYPE


def test_deploys_into_moto_and_serves_a_request(template_json) -> None:
    with mock_aws():
        stack = create_stack(
            "Async",
            for_moto(template_json, SKIPPED_BY_MOTO, _moto_instance_types),
            REGION,
        )
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        endpoint = boto3.client("sagemaker", region_name=REGION).describe_endpoint(
            EndpointName=outputs["EndpointName"]
        )
        assert endpoint["EndpointStatus"] == "InService"

        results = {"region": REGION, "results": [{"data": json.dumps({"generated_text": "hi"})}]}
        requests.post(
            "http://motoapi.amazonaws.com/moto-api/static/sagemaker/async-endpoint-results",
            json=results,
        ).raise_for_status()
        client = AsyncInferenceClient(
            outputs["EndpointName"],
            outputs["BucketName"],
            server="tgi",
            session=boto3.session.Session(region_name=REGION),
        )
        invocation = client.submit({"inputs": "Say hi"})
        assert invocation.input_location.startswith(f"s3://{outputs['BucketName']}/input/")
        answer = client.wait_json(invocation, timeout=5, initial_delay=0.01)
        assert answer == {"generated_text": "hi"}


def test_hugging_face_neuron_model_source() -> None:
    from green_constructs.inference.huggingface import HuggingFaceNeuronModel

    app = cdk.App()
    # the vLLM Neuron image is published in eu-west-3, not eu-north-1
    stack = cdk.Stack(app, "Hf", env=cdk.Environment(account="111111111111", region="eu-west-3"))
    endpoint = AsyncInferenceEndpoint(
        stack,
        "Llm",
        source=HuggingFaceNeuronModel(
            model_id="meta-llama/Llama-3.1-8B-Instruct", parameters_billion=8
        ),
    )
    assert endpoint.model.instance_type.startswith("ml.inf2.")
    assembly = synth_checked(app)
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []
    # the Neuron image downloads, compiles and loads the model: an hour unless told otherwise
    _, config = only(
        Template.from_json(assembly.get_stack_by_name("Hf").template),
        "AWS::SageMaker::EndpointConfig",
    )
    [variant] = config["Properties"]["ProductionVariants"]
    assert variant["ContainerStartupHealthCheckTimeoutInSeconds"] == 3600
    # current Neuron SDK images need the Neuron 2.x driver of this host image
    assert variant["InferenceAmiVersion"] == "al2-ami-sagemaker-inference-neuron-2"
