#!/usr/bin/env python3
"""The default app: `cdk synth` / `cdk deploy` it, with the sustainability checks on.

A LoRA fine-tuning pipeline on Trainium (Spot capacity, checkpoints) whose merged model the
asynchronous LLM endpoint on Inferentia2 then serves, scaling to zero when no requests wait,
with the sustainability packs enabled. The default region (us-west-2) is the lowest-carbon one
offering everything the app uses. The account is the CDK CLI's (its credentials), else a
placeholder; override either with ``-c account=123456789012 -c region=us-east-1``.
"""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
from constructs import Construct  # noqa: E402

from green_constructs.environment import environment_from_context  # noqa: E402
from green_constructs.inference import AsyncInferenceEndpoint, HuggingFaceNeuronModel  # noqa: E402
from green_constructs.monitoring import CarbonMetricsPublisher, SustainabilityMonitor  # noqa: E402
from green_constructs.nag import enable_sustainability_checks  # noqa: E402
from green_constructs.training import (  # noqa: E402
    DistributedConfig,
    TrainingImage,
    TrainiumTrainingJob,
)
from green_constructs.training.recipes import LORA_FINETUNE  # noqa: E402

# Apache-2.0, not gated on the Hub; a Qwen3 model, since optimum-neuron 0.4 trains Llama,
# Granite and Qwen3 models only, and the smallest Qwen3 that chats well (ml.inf2.xlarge holds it)
DEFAULT_MODEL_ID = "Qwen/Qwen3-4B"
DEFAULT_MODEL_BILLIONS = 4.0
# The workload the estimate printed after synthesis assumes: a reference workload shipped with
# the package (override: -c workload=FILE or another reference workload's name).
DEFAULT_WORKLOAD = "default-app"


class GreenGenAIStack(cdk.Stack):
    """A generative-AI service that uses energy only while there is work to do.

    ``model_id`` and ``parameters_billion`` come from context (``-c model_id=...
    -c parameters_billion=...``): the model is served from an instance right-sized from its
    size, and fine-tuned with LoRA on one trn1.32xlarge (tensor parallel 8, on Spot with
    checkpoints) when an execution of the training state machine is started; a successful run
    merges the adapter into the base weights and the endpoint is updated to serve them. A
    sustainability dashboard shows the endpoint's and the training's utilization, demand and
    estimated carbon, with waste alarms; an hourly Lambda publishes both's energy and emissions
    as CloudWatch metrics, from the utilization metric the dashboard uses.
    """

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        model_id = self.node.try_get_context("model_id") or DEFAULT_MODEL_ID
        billions = float(self.node.try_get_context("parameters_billion") or DEFAULT_MODEL_BILLIONS)
        self.llm = AsyncInferenceEndpoint(
            self,
            "Llm",
            source=HuggingFaceNeuronModel(
                model_id=model_id,
                parameters_billion=billions,
                # a shape the compile cache lacks (or another model from context) compiles at
                # start; the fine-tuned model's config is the base model's, so it hits the
                # same cache entries
                compile_uncached=True,
            ),
            # room for the weights the container downloads and the graphs it compiles
            volume_size_gb=100,
        )
        self.finetune = TrainiumTrainingJob(
            self,
            "Finetune",
            source_dir=str(LORA_FINETUNE),
            image=TrainingImage.huggingface_neuron(),
            distributed=DistributedConfig(tensor_parallel=8, gradient_accumulation=8),
            hyperparameters={
                "model_id": model_id,
                "output_dir": "/opt/ml/checkpoints",
                "do_train": True,
                "bf16": True,
                "num_train_epochs": 1,
                "per_device_train_batch_size": 1,
                "save_steps": 200,
                "save_total_limit": 2,
                "merge_adapter": True,
            },
            max_runtime=cdk.Duration.hours(8),
            serve_on=self.llm,  # a successful run's merged model becomes what the endpoint serves
        )
        self.monitor = (
            SustainabilityMonitor(self, "Sustainability")
            .monitor_async_endpoint(self.llm)
            .monitor_training_job(self.finetune)
        )
        self.carbon = CarbonMetricsPublisher(
            self, "CarbonMetrics", endpoints=[self.llm], training_jobs=[self.finetune]
        )
        cdk.CfnOutput(self, "EndpointName", value=self.llm.endpoint_name)
        cdk.CfnOutput(self, "RequestBucket", value=self.llm.bucket.bucket_name)
        cdk.CfnOutput(
            self, "TrainingStateMachine", value=self.finetune.state_machine.state_machine_arn
        )
        cdk.CfnOutput(self, "DatasetBucket", value=self.finetune.dataset.bucket_name)


def build_app(context: dict | None = None, outdir: str | None = None) -> cdk.App:
    """The default app with its stacks and both sustainability packs enabled."""
    app = cdk.App(context=context, outdir=outdir)
    GreenGenAIStack(app, "GreenGenAI", env=environment_from_context(app))
    enable_sustainability_checks(app)
    return app


if __name__ == "__main__":
    from green_constructs.estimate.synth import write_report

    default_app = build_app()
    default_app.synth()
    write_report(
        default_app,
        workload=default_app.node.try_get_context("workload") or DEFAULT_WORKLOAD,
    )
