"""Spot training without checkpoints restarts from scratch on every interruption."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..training_jobs import JOB_SOURCES, Job, is_unknown, training_jobs


@rule(
    id="GenAI-TrainingCheckpoint",
    severity=Severity.ERROR,
    title="Spot training job without checkpoints",
    explanation=(
        "When Spot capacity is reclaimed, a managed Spot training job without CheckpointConfig "
        "starts again from the first step: every interruption throws away the compute (and "
        "energy) already spent."
    ),
    remediation=(
        "Set CheckpointConfig.S3Uri and have the training script save and resume from "
        "/opt/ml/checkpoints."
    ),
    best_practices=("SUS03-BP01",),
    resource_types=JOB_SOURCES,
    notes="Only jobs known to use Spot (EnableManagedSpotTraining: true) are checked.",
)
def training_checkpoint(resource: Resource, template: TemplateContext) -> str | None:
    names = [job.name for job in training_jobs(resource, template) if _unprotected(job)]
    if not names:
        return None
    return (
        f"{resource.logical_id} runs Spot training job(s) {', '.join(names)} without "
        "CheckpointConfig.S3Uri: set it so interrupted jobs resume instead of restarting."
    )


def _unprotected(job: Job) -> bool:
    if job.get("EnableManagedSpotTraining") is not True:
        return False
    config = job.get("CheckpointConfig")
    return not is_unknown(config) and not job.get("CheckpointConfig.S3Uri")
