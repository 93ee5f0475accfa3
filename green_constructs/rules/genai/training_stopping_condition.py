"""Training jobs need a runtime cap so a stuck or diverging job does not burn compute for days."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..training_jobs import JOB_SOURCES, Job, is_unknown, training_jobs


@rule(
    id="GenAI-TrainingStoppingCondition",
    severity=Severity.WARNING,
    title="Training job without a maximum runtime",
    explanation=(
        "Without StoppingCondition.MaxRuntimeInSeconds a hung or diverging job runs until "
        "SageMaker's default limit; a Spot job also needs MaxWaitTimeInSeconds to bound the time "
        "spent waiting for capacity."
    ),
    remediation=(
        "Set StoppingCondition.MaxRuntimeInSeconds to a little above the expected training time "
        "and, for Spot training, MaxWaitTimeInSeconds (>= MaxRuntimeInSeconds)."
    ),
    best_practices=("SUS02-BP03", "MLSUS-07"),
    resource_types=JOB_SOURCES,
    notes="Unresolved stopping conditions (paths, tokens, pipeline properties) are not reported.",
)
def training_stopping_condition(resource: Resource, template: TemplateContext) -> str | None:
    problems = [
        f"{job.name} has no {' or '.join(missing)}"
        for job in training_jobs(resource, template)
        if (missing := _missing(job))
    ]
    if not problems:
        return None
    return (
        f"{resource.logical_id}: training job {'; '.join(problems)}: cap the runtime with "
        "StoppingCondition."
    )


def _missing(job: Job) -> list[str]:
    condition = job.get("StoppingCondition")
    if is_unknown(condition):
        return []
    wanted = ["MaxRuntimeInSeconds"]
    if job.get("EnableManagedSpotTraining") is True:
        wanted.append("MaxWaitTimeInSeconds")
    return [
        f"StoppingCondition.{key}" for key in wanted if job.get(f"StoppingCondition.{key}") is None
    ]
