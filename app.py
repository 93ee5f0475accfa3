#!/usr/bin/env python3
"""The default app: `cdk synth` / `cdk deploy` it, with the sustainability checks on.

Override the environment with ``-c account=123456789012 -c region=eu-west-3``.
"""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
from constructs import Construct  # noqa: E402

from green_constructs.environment import environment_from_context  # noqa: E402
from green_constructs.nag import enable_sustainability_checks  # noqa: E402
from green_constructs.storage import SustainableBucket  # noqa: E402


class GreenGenAIStack(cdk.Stack):
    """Model artifacts and results storage for a generative-AI workload."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.artifacts = SustainableBucket(self, "ModelArtifacts")
        self.results = SustainableBucket(
            self, "Results", expire_after=cdk.Duration.days(90)
        )


def build_app(context: dict | None = None, outdir: str | None = None) -> cdk.App:
    """The default app with its stacks and both sustainability packs enabled."""
    app = cdk.App(context=context, outdir=outdir)
    GreenGenAIStack(app, "GreenGenAI", env=environment_from_context(app))
    enable_sustainability_checks(app)
    return app


if __name__ == "__main__":
    build_app().synth()
