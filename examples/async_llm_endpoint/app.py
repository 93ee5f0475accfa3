#!/usr/bin/env python3
"""An asynchronous chat-model endpoint for a back-end service, scaling to zero between bursts.

Requests go to S3 and the endpoint queue; results come back in S3 and as SNS notifications. A
back-end role gets exactly what a client needs (`grant_invoke`). Use it with
`green_constructs.runtime.AsyncInferenceClient`.
"""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402
from constructs import Construct  # noqa: E402

from green_constructs.environment import environment_from_context  # noqa: E402
from green_constructs.inference import AsyncInferenceEndpoint, HuggingFaceNeuronModel  # noqa: E402
from green_constructs.monitoring import SustainabilityMonitor  # noqa: E402
from green_constructs.nag import enable_sustainability_checks  # noqa: E402


class AsyncLlmEndpointStack(cdk.Stack):
    """A 7B chat model on Inferentia2, up to four instances, none while idle."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        endpoint = AsyncInferenceEndpoint(
            self,
            "Chat",
            source=HuggingFaceNeuronModel(
                model_id="Qwen/Qwen2.5-7B-Instruct",
                parameters_billion=7.6,
                max_sequence_length=8192,
                batch_size=8,
                # Qwen2.5 has no entry in optimum-neuron 0.4's compile cache: compile at start
                compile_uncached=True,
            ),
            max_capacity=4,
            target_backlog_per_instance=8,
            results_expire_after=cdk.Duration.days(7),
        )
        backend = iam.Role(
            self,
            "BackendRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description="The service that submits chat requests",
        )
        endpoint.grant_invoke(backend)
        monitor = SustainabilityMonitor(self, "Sustainability")
        monitor.monitor_async_endpoint(endpoint, idle_after=cdk.Duration.hours(2))
        cdk.CfnOutput(self, "EndpointName", value=endpoint.endpoint_name)
        cdk.CfnOutput(self, "RequestBucket", value=endpoint.bucket.bucket_name)


def build_app(outdir: str | None = None) -> cdk.App:
    app = cdk.App(outdir=outdir)
    AsyncLlmEndpointStack(
        app, "AsyncLlmEndpoint", env=environment_from_context(app, default_region="eu-west-3")
    )
    enable_sustainability_checks(app)
    return app


if __name__ == "__main__":
    build_app().synth()
