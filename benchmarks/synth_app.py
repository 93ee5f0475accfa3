"""The CDK app that ``synth_overhead.py`` synthesizes: about 400 resources from real constructs.

One stack of ``units`` identical-shaped units (default 20). Each unit is 20 CloudFormation
resources built from L2 constructs where aws-cdk-lib has them and L1s where it does not:

    S3 buckets (2: one with a lifecycle rule, one without)                       2
    log groups (2: two weeks' retention, and kept forever)                       2
    SQS queue with its dead-letter queue                                         2
    SNS topic, subscribed by the queue (subscription + queue policy)             3
    Lambda functions with inline code (arm64 with a bucket grant, x86_64)        5
      (function + service role each, + the grant's default policy)
    DynamoDB table (on demand or provisioned)                                    1
    SageMaker execution role + its default policy (bucket read grant)            2
    SageMaker CfnModel, CfnEndpointConfig, CfnEndpoint (L1)                      3
      (endpoint configs alternate: real-time GPU, real-time Inferentia2,
       async with and without failure handling, serverless)

so both our packs and cdk-nag's ``AwsSolutionsChecks`` have plenty to look at, compliant and not.
``build_app`` only builds the tree; the caller adds validation plugins and synthesizes.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import (
    aws_dynamodb as dynamodb,
)
from aws_cdk import (
    aws_iam as iam,
)
from aws_cdk import (
    aws_lambda as lambda_,
)
from aws_cdk import (
    aws_logs as logs,
)
from aws_cdk import (
    aws_s3 as s3,
)
from aws_cdk import (
    aws_sagemaker as sagemaker,
)
from aws_cdk import (
    aws_sns as sns,
)
from aws_cdk import (
    aws_sns_subscriptions as subs,
)
from aws_cdk import (
    aws_sqs as sqs,
)
from constructs import Construct

RESOURCES_PER_UNIT = 20
DEFAULT_UNITS = 20

_IMAGE = (
    "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:"
    "2.1.2-optimum0.0.27-neuronx-py310-ubuntu22.04"
)
_HANDLER = "def handler(event, context):\n    return {'ok': True}\n"


class Unit(Construct):
    """Twenty resources of a small service with a model endpoint (variant picked by ``index``)."""

    def __init__(self, scope: Construct, id: str, *, index: int) -> None:
        super().__init__(scope, id)
        data = s3.Bucket(
            self,
            "Data",
            encryption=s3.BucketEncryption.S3_MANAGED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INTELLIGENT_TIERING,
                            transition_after=cdk.Duration.days(0),
                        )
                    ],
                    noncurrent_version_expiration=cdk.Duration.days(30),
                )
            ],
        )
        s3.Bucket(self, "Scratch")

        logs.LogGroup(self, "AppLogs", retention=logs.RetentionDays.TWO_WEEKS)
        logs.LogGroup(self, "AuditLogs", retention=logs.RetentionDays.INFINITE)

        dlq = sqs.Queue(self, "Dlq", retention_period=cdk.Duration.days(14))
        queue = sqs.Queue(
            self,
            "Queue",
            visibility_timeout=cdk.Duration.seconds(60),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dlq),
        )
        topic = sns.Topic(self, "Topic")
        topic.add_subscription(subs.SqsSubscription(queue, raw_message_delivery=True))

        worker = lambda_.Function(
            self,
            "Worker",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler="index.handler",
            code=lambda_.Code.from_inline(_HANDLER),
            memory_size=512,
            timeout=cdk.Duration.seconds(30),
            environment={"BUCKET": data.bucket_name},
        )
        data.grant_read(worker)
        lambda_.Function(
            self,
            "Legacy",
            runtime=lambda_.Runtime.PYTHON_3_11,
            architecture=lambda_.Architecture.X86_64,
            handler="index.handler",
            code=lambda_.Code.from_inline(_HANDLER),
        )

        if index % 2:
            dynamodb.Table(
                self,
                "Table",
                partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            )
        else:
            dynamodb.Table(
                self,
                "Table",
                partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
                billing_mode=dynamodb.BillingMode.PROVISIONED,
                read_capacity=5,
                write_capacity=5,
            )

        role = iam.Role(
            self, "ModelRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com")
        )
        data.grant_read(role)
        model = sagemaker.CfnModel(
            self,
            "Model",
            execution_role_arn=role.role_arn,
            primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                image=_IMAGE, model_data_url=data.s3_url_for_object("model.tar.gz")
            ),
        )
        model.node.add_dependency(role)
        sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_config_name=self._endpoint_config(
                index, model, data, topic
            ).attr_endpoint_config_name,
        )

    def _endpoint_config(
        self, index: int, model: sagemaker.CfnModel, data: s3.Bucket, topic: sns.Topic
    ) -> sagemaker.CfnEndpointConfig:
        variant: dict[str, Any] = {
            "model_name": model.attr_model_name,
            "variant_name": "AllTraffic",
            "initial_variant_weight": 1,
        }
        kind = index % 5
        async_config = None
        if kind == 0:  # real-time on GPUs
            variant.update(instance_type="ml.g5.xlarge", initial_instance_count=2)
        elif kind == 1:  # real-time on Inferentia2
            variant.update(instance_type="ml.inf2.xlarge", initial_instance_count=1)
        elif kind in (2, 3):  # async, with (2) and without (3) failure handling
            variant.update(
                instance_type="ml.inf2.xlarge" if kind == 2 else "ml.g5.2xlarge",
                initial_instance_count=1,
            )
            output = sagemaker.CfnEndpointConfig.AsyncInferenceOutputConfigProperty(
                s3_output_path=data.s3_url_for_object("out/"),
                s3_failure_path=data.s3_url_for_object("failed/") if kind == 2 else None,
                notification_config=(
                    sagemaker.CfnEndpointConfig.AsyncInferenceNotificationConfigProperty(
                        error_topic=topic.topic_arn
                    )
                    if kind == 2
                    else None
                ),
            )
            async_config = sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty(
                output_config=output,
                client_config=sagemaker.CfnEndpointConfig.AsyncInferenceClientConfigProperty(
                    max_concurrent_invocations_per_instance=4
                ),
            )
        else:  # serverless
            variant["serverless_config"] = sagemaker.CfnEndpointConfig.ServerlessConfigProperty(
                max_concurrency=5, memory_size_in_mb=4096
            )
        return sagemaker.CfnEndpointConfig(
            self,
            "EndpointConfig",
            production_variants=[sagemaker.CfnEndpointConfig.ProductionVariantProperty(**variant)],
            async_inference_config=async_config,
        )


def build_app(
    *, units: int = DEFAULT_UNITS, outdir: str | None = None, context: dict[str, Any] | None = None
) -> cdk.App:
    """An app with one stack ``BenchStack`` of ``units`` units (20 resources each)."""
    app = cdk.App(outdir=outdir, context=context or {})
    stack = cdk.Stack(
        app, "BenchStack", env=cdk.Environment(account="123456789012", region="us-east-1")
    )
    for i in range(units):
        Unit(stack, f"Unit{i:02d}", index=i)
    return app
