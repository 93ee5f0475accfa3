#!/usr/bin/env python3
"""What a team writes without guidance: a 24/7 GPU endpoint in a high-carbon region.

A real-time ``ml.g5.2xlarge`` endpoint with a fixed instance count and no autoscaling, full
data capture, logs kept forever and buckets without lifecycles, in us-east-1. It is here
to be linted: ``cdk synth`` prints what the sustainability checks find, and
``green-constructs lint cdk.out`` reports it for CI.
"""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402
from aws_cdk import aws_logs as logs  # noqa: E402
from aws_cdk import aws_s3 as s3  # noqa: E402
from aws_cdk import aws_sagemaker as sagemaker  # noqa: E402
from constructs import Construct  # noqa: E402

from green_constructs.environment import environment_from_context  # noqa: E402
from green_constructs.nag import enable_sustainability_checks  # noqa: E402

TGI_GPU_IMAGE = (
    "763104351884.dkr.ecr.us-east-1.amazonaws.com/"
    "huggingface-pytorch-tgi-inference:2.4.0-tgi2.3.1-gpu-py311-cu124-ubuntu22.04"
)


class NaiveLlmEndpointStack(cdk.Stack):
    """A Llama-class chat model on an always-on GPU endpoint, the way nobody should."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        artifacts = s3.Bucket(self, "Artifacts", versioned=True, enforce_ssl=True)
        captures = s3.Bucket(self, "Captures", enforce_ssl=True)
        logs.LogGroup(
            self,
            "EndpointLogs",
            log_group_name="/naive/llm-endpoint",
            retention=logs.RetentionDays.INFINITE,
        )
        role = iam.Role(
            self, "ExecutionRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com")
        )
        artifacts.grant_read(role)
        captures.grant_write(role)
        model = sagemaker.CfnModel(
            self,
            "Model",
            execution_role_arn=role.role_arn,
            primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                image=TGI_GPU_IMAGE,
                environment={
                    "HF_MODEL_ID": "meta-llama/Llama-3.1-8B-Instruct",
                    "SM_NUM_GPUS": "1",
                    "DTYPE": "float32",
                },
            ),
        )
        config = sagemaker.CfnEndpointConfig(
            self,
            "EndpointConfig",
            production_variants=[
                sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                    variant_name="AllTraffic",
                    model_name=model.attr_model_name,
                    instance_type="ml.g5.2xlarge",
                    initial_instance_count=2,
                )
            ],
            data_capture_config=sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
                enable_capture=True,
                initial_sampling_percentage=100,
                destination_s3_uri=captures.s3_url_for_object("capture"),
                capture_options=[
                    sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode="Input"),
                    sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode="Output"),
                ],
            ),
        )
        sagemaker.CfnEndpoint(
            self, "Endpoint", endpoint_config_name=config.attr_endpoint_config_name
        )


def build_app(outdir: str | None = None) -> cdk.App:
    app = cdk.App(outdir=outdir)
    NaiveLlmEndpointStack(
        app,
        "NaiveLlmEndpoint",
        env=environment_from_context(app, default_region="us-east-1"),
    )
    enable_sustainability_checks(app)
    return app


if __name__ == "__main__":
    build_app().synth()
