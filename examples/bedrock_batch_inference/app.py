#!/usr/bin/env python3
"""Nightly ticket classification on Amazon Bedrock batch inference.

Each JSON Lines file dropped under ``input/`` (one ``{"recordId", "modelInput"}`` a line) becomes
one Bedrock batch inference job on the smallest Llama model that takes batch jobs in us-west-2:
shared capacity at the batch price, nothing of ours running between files. Results land under
``output/`` for 90 days; the outcome of each file goes to an encrypted SNS topic.
"""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_cloudwatch as cloudwatch  # noqa: E402
from aws_cdk import aws_cloudwatch_actions as actions  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402
from constructs import Construct  # noqa: E402

from green_constructs.bedrock import BedrockBatchInference, BedrockModel  # noqa: E402
from green_constructs.environment import environment_from_context  # noqa: E402
from green_constructs.nag import enable_sustainability_checks  # noqa: E402

REGION = "us-west-2"


class BedrockBatchInferenceStack(cdk.Stack):
    """Classifies the day's support tickets with an 8B model, in one batch job a night."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        model = BedrockModel.smallest(
            "meta.llama",
            region=REGION,
            batch_inference=True,
            temperature=0.0,  # a label, not prose
            max_tokens=16,  # one short label per ticket
        )
        batch = BedrockBatchInference(self, "Tickets", model=model, timeout_hours=24)
        exporter = iam.Role(
            self,
            "TicketExporterRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Writes the day's tickets as JSON Lines under the input prefix",
        )
        batch.grant_submit(exporter)
        failures = cloudwatch.Alarm(
            self,
            "BatchFailed",
            alarm_description="A ticket file did not become results (see the topic's message)",
            metric=batch.metric_executions_failed(period=cdk.Duration.hours(1)),
            threshold=1,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        failures.add_alarm_action(actions.SnsAction(batch.topic))
        cdk.CfnOutput(self, "Bucket", value=batch.bucket.bucket_name)
        cdk.CfnOutput(self, "Topic", value=batch.topic.topic_arn)
        cdk.CfnOutput(self, "Model", value=model.model_id)


def build_app(outdir: str | None = None) -> cdk.App:
    app = cdk.App(outdir=outdir)
    BedrockBatchInferenceStack(
        app, "BedrockBatchInference", env=environment_from_context(app, default_region=REGION)
    )
    enable_sustainability_checks(app)
    return app


if __name__ == "__main__":
    build_app().synth()
