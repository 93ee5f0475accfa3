#!/usr/bin/env python3
"""LoRA fine-tune of Qwen3-0.6B on one Trainium node, on Spot capacity, with checkpoints.

Upload JSON Lines (``{"prompt": ..., "completion": ...}``) under ``train/`` of the dataset
bucket, then start an execution of the state machine: it runs a SageMaker training job on
ml.trn1.32xlarge (tensor parallel 8 x data parallel 4 over its 32 NeuronCores), resumes from
checkpoints after Spot interruptions, writes the adapter to the model bucket and notifies SNS.
"""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402
from constructs import Construct  # noqa: E402

from green_constructs.environment import environment_from_context  # noqa: E402
from green_constructs.monitoring import SustainabilityMonitor  # noqa: E402
from green_constructs.nag import enable_sustainability_checks  # noqa: E402
from green_constructs.training import (  # noqa: E402
    DistributedConfig,
    TrainingImage,
    TrainiumTrainingJob,
)
from green_constructs.training.recipes import LORA_FINETUNE  # noqa: E402


class FinetuneStack(cdk.Stack):
    """The fine-tuning pipeline and a role an operator assumes to start runs."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        job = TrainiumTrainingJob(
            self,
            "LoraFinetune",
            source_dir=str(LORA_FINETUNE),
            entry_point="train.py",
            image=TrainingImage.huggingface_neuron(),
            instance_type="ml.trn1.32xlarge",
            distributed=DistributedConfig(tensor_parallel=8, gradient_accumulation=8),
            hyperparameters={
                "model_id": "Qwen/Qwen3-0.6B",
                "output_dir": "/opt/ml/checkpoints",
                "do_train": True,
                "bf16": True,
                "num_train_epochs": 3,
                "per_device_train_batch_size": 1,
                "learning_rate": 2e-4,
                "save_steps": 200,
                "save_total_limit": 2,
                "logging_steps": 10,
            },
            metric_definitions={"train:loss": r"'loss': ([0-9.]+)"},
            max_runtime=cdk.Duration.hours(4),
            max_wait=cdk.Duration.hours(8),
        )
        operator = iam.Role(
            self,
            "OperatorRole",
            assumed_by=iam.AccountRootPrincipal(),
            description="Starts fine-tuning runs",
        )
        job.grant_start_execution(operator)
        monitor = SustainabilityMonitor(self, "Sustainability")
        monitor.monitor_training_job(job, expected_duration=cdk.Duration.hours(3))
        cdk.CfnOutput(self, "DatasetBucket", value=job.dataset.bucket_name)
        cdk.CfnOutput(self, "ModelBucket", value=job.model_bucket.bucket_name)
        cdk.CfnOutput(self, "StateMachine", value=job.state_machine.state_machine_arn)


def build_app(outdir: str | None = None) -> cdk.App:
    app = cdk.App(outdir=outdir)
    FinetuneStack(
        app, "FinetuneOnTrainium", env=environment_from_context(app, default_region="us-west-2")
    )
    enable_sustainability_checks(app)
    return app


if __name__ == "__main__":
    build_app().synth()
