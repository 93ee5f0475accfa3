"""Training on spare (Spot) capacity instead of capacity provisioned for it."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..training_jobs import JOB_SOURCES, is_unknown, training_jobs


@rule(
    id="GenAI-ManagedSpotTraining",
    severity=Severity.INFO,
    title="Training job without managed Spot training",
    explanation=(
        "Managed Spot training runs jobs on spare EC2 capacity that is already powered and "
        "would otherwise sit idle, at up to 90% lower cost; SageMaker resumes interrupted jobs "
        "from their checkpoints."
    ),
    remediation=(
        "Set EnableManagedSpotTraining: true with CheckpointConfig.S3Uri and "
        "StoppingCondition.MaxWaitTimeInSeconds (in CDK, a CustomState on "
        "arn:aws:states:::sagemaker:createTrainingJob.sync: SageMakerCreateTrainingJob has no "
        "Spot props)."
    ),
    best_practices=("SUS03-BP01",),
    resource_types=JOB_SOURCES,
    notes=(
        "Reads createTrainingJob and createHyperParameterTuningJob tasks (nested in Parallel "
        "and Map states too) and Training and Tuning pipeline steps. Jobs with a deadline that "
        "cannot absorb Spot interruptions should acknowledge the finding."
    ),
)
def managed_spot_training(resource: Resource, template: TemplateContext) -> str | None:
    names = [
        job.name
        for job in training_jobs(resource, template)
        if not is_unknown(job.get("EnableManagedSpotTraining"))
        and job.get("EnableManagedSpotTraining") is not True
    ]
    if not names:
        return None
    return (
        f"{resource.logical_id} runs training job(s) {', '.join(names)} without "
        "EnableManagedSpotTraining: set it to true, with checkpoints, to train on spare capacity."
    )
