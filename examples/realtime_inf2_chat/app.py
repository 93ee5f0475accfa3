#!/usr/bin/env python3
"""A real-time chat endpoint on Inferentia2 for interactive traffic during business hours.

Target tracking follows invocations per instance between two and six instances; outside
business hours the floor drops to one. Five percent of requests are captured for quality
monitoring, into a bucket that expires them.
"""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_applicationautoscaling as appscaling  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402
from constructs import Construct  # noqa: E402

from green_constructs.environment import environment_from_context  # noqa: E402
from green_constructs.inference import (  # noqa: E402
    HuggingFaceNeuronModel,
    OffHoursSchedule,
    RealtimeEndpoint,
)
from green_constructs.monitoring import SustainabilityMonitor  # noqa: E402
from green_constructs.nag import enable_sustainability_checks  # noqa: E402


class RealtimeInf2ChatStack(cdk.Stack):
    """A 7B chat model served by TGI on Inferentia2, sized by its parameter count."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        chat = RealtimeEndpoint(
            self,
            "Chat",
            source=HuggingFaceNeuronModel(
                model_id="Qwen/Qwen2.5-7B-Instruct",
                server="tgi",
                parameters_billion=7.6,
                environment={"MESSAGES_API_ENABLED": "true"},
            ),
            min_capacity=2,
            max_capacity=6,
            target_invocations_per_instance=40,
            off_hours=OffHoursSchedule(
                scale_down=appscaling.Schedule.cron(hour="19", minute="0", week_day="MON-FRI"),
                scale_up=appscaling.Schedule.cron(hour="7", minute="0", week_day="MON-FRI"),
                floor=1,
                time_zone=cdk.TimeZone.of("Europe/Stockholm"),
            ),
            data_capture_sampling_percent=5,
        )
        web = iam.Role(
            self,
            "ChatApiRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="The chat API that calls the endpoint",
        )
        chat.grant_invoke(web)
        monitor = SustainabilityMonitor(self, "Sustainability")
        monitor.monitor_realtime_endpoint(chat)
        cdk.CfnOutput(self, "EndpointName", value=chat.endpoint_name)


def build_app(outdir: str | None = None) -> cdk.App:
    app = cdk.App(outdir=outdir)
    RealtimeInf2ChatStack(
        app, "RealtimeInf2Chat", env=environment_from_context(app, default_region="eu-north-1")
    )
    enable_sustainability_checks(app)
    return app


if __name__ == "__main__":
    build_app().synth()
