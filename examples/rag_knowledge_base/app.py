#!/usr/bin/env python3
"""An internal assistant's knowledge base: RAG over a document set, nothing running while idle.

Documents uploaded under ``documents/`` are chunked and embedded by Amazon Bedrock (Titan Text
Embeddings V2 at 512 dimensions) into Amazon S3 Vectors, in batches: changes gathered for up to
five minutes become one ingestion job. The assistant's role may only query this knowledge base;
the publisher's role may only upload documents. Two alarms watch ingestion.
"""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_cloudwatch as cloudwatch  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402
from constructs import Construct  # noqa: E402

from green_constructs.bedrock import ServerlessKnowledgeBase  # noqa: E402
from green_constructs.environment import environment_from_context  # noqa: E402
from green_constructs.nag import enable_sustainability_checks  # noqa: E402

REGION = "us-west-2"


class RagKnowledgeBaseStack(cdk.Stack):
    """A knowledge base of product manuals for an internal assistant."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        knowledge_base = ServerlessKnowledgeBase(
            self,
            "Manuals",
            description="Product manuals for the support assistant",
        )
        assistant = iam.Role(
            self,
            "AssistantRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="The assistant: retrieves passages from the manuals",
        )
        knowledge_base.grant_retrieve(assistant)
        publisher = iam.Role(
            self,
            "PublisherRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Publishes new and revised manuals under documents/",
        )
        knowledge_base.grant_write_documents(publisher)
        cloudwatch.Alarm(
            self,
            "IngestionFailed",
            alarm_description="Document changes could not be ingested: start an ingestion job "
            "once the cause is fixed, then purge the dead-letter queue",
            metric=knowledge_base.metric_ingestion_failures(),
            threshold=1,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        cloudwatch.Alarm(
            self,
            "IngestionWaiting",
            alarm_description="Document changes have waited over three hours for running "
            "ingestion jobs",
            metric=knowledge_base.metric_ingestion_waiting(period=cdk.Duration.hours(1)),
            threshold=1,
            evaluation_periods=3,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        cdk.CfnOutput(self, "KnowledgeBaseId", value=knowledge_base.knowledge_base_id)
        cdk.CfnOutput(self, "DataSourceId", value=knowledge_base.data_source_id)
        cdk.CfnOutput(self, "DocumentsBucket", value=knowledge_base.documents_bucket.bucket_name)


def build_app(outdir: str | None = None) -> cdk.App:
    app = cdk.App(outdir=outdir)
    RagKnowledgeBaseStack(
        app, "RagKnowledgeBase", env=environment_from_context(app, default_region=REGION)
    )
    enable_sustainability_checks(app)
    return app


if __name__ == "__main__":
    build_app().synth()
