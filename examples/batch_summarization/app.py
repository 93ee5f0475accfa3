#!/usr/bin/env python3
"""Nightly document summarization: drop JSON Lines files in S3, get summaries back.

Each new object under ``input/`` starts a SageMaker batch transform job on Inferentia2; no
instance exists between jobs. Results land under ``output/`` and a notification goes to SNS.
"""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402
from constructs import Construct  # noqa: E402

from green_constructs.environment import environment_from_context  # noqa: E402
from green_constructs.inference import (  # noqa: E402
    BatchStrategy,
    BatchTransformPipeline,
    HuggingFaceNeuronModel,
)
from green_constructs.monitoring import SustainabilityMonitor  # noqa: E402
from green_constructs.nag import enable_sustainability_checks  # noqa: E402


class BatchSummarizationStack(cdk.Stack):
    """A 1.5B instruction model summarizing documents in batches."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = BatchTransformPipeline(
            self,
            "Summaries",
            source=HuggingFaceNeuronModel(
                model_id="Qwen/Qwen2.5-1.5B-Instruct",
                parameters_billion=1.5,
                batch_size=16,
                max_sequence_length=8192,
                # Qwen2.5 has no entry in optimum-neuron 0.4's compile cache: compile at start
                compile_uncached=True,
            ),
            batch_strategy=BatchStrategy.SINGLE_RECORD,
            max_payload_mb=6,
            job_timeout=cdk.Duration.hours(6),
        )
        loader = iam.Role(
            self,
            "DocumentLoaderRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Drops the day's documents into the input prefix",
        )
        pipeline.grant_submit(loader)
        SustainabilityMonitor(self, "Sustainability").monitor_batch_pipeline(pipeline)
        cdk.CfnOutput(self, "Bucket", value=pipeline.bucket.bucket_name)
        cdk.CfnOutput(self, "StateMachine", value=pipeline.state_machine.state_machine_arn)


def build_app(outdir: str | None = None) -> cdk.App:
    app = cdk.App(outdir=outdir)
    BatchSummarizationStack(
        app, "BatchSummarization", env=environment_from_context(app, default_region="eu-west-3")
    )
    enable_sustainability_checks(app)
    return app


if __name__ == "__main__":
    build_app().synth()
