"""Glue jobs should size their capacity instead of taking the default."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule

SIZED_BY = ("NumberOfWorkers", "MaxCapacity", "AllocatedCapacity")


@rule(
    id="Sustainability-GlueJobCapacity",
    severity=Severity.WARNING,
    title="Glue job without an explicit capacity",
    explanation=(
        "Without a capacity a Glue job runs on the default allocation (10 DPUs or workers), "
        "which is more hardware than many jobs need."
    ),
    remediation=(
        "Set WorkerType with NumberOfWorkers (Glue 2.0 and later) or MaxCapacity (Glue 1.0 "
        "and Python shell jobs) to what the job needs."
    ),
    best_practices=("SUS05-BP01",),
    resource_types=("AWS::Glue::Job",),
    equivalents=(
        "sustainability-scanner:check_glue_job_workernodes",
        "sustainability-scanner:check_glue_job_allocatedcapacity",
        "sustainability-scanner:check_glue_job_maxcapacity",
    ),
    notes=(
        "The scanner requires WorkerType to come with NumberOfWorkers and, separately, "
        "AllocatedCapacity and MaxCapacity to be set, but these are alternatives: "
        "AllocatedCapacity is deprecated and Glue rejects MaxCapacity together with "
        "NumberOfWorkers. Here any one sized capacity complies (WorkerType with "
        "NumberOfWorkers, MaxCapacity or AllocatedCapacity). Python shell jobs default to the "
        "minimum (0.0625 DPU) and are not flagged."
    ),
)
def glue_job_capacity(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("Command.Name") == "pythonshell":
        return None
    if resource.get("WorkerType") is not None:
        if resource.get("NumberOfWorkers") is None:
            return (
                f"Glue job {resource.logical_id} sets WorkerType without NumberOfWorkers, so "
                "it runs on the default number of workers."
            )
        return None
    if any(resource.get(k) is not None for k in SIZED_BY):
        return None
    return (
        f"Glue job {resource.logical_id} sets no capacity (WorkerType with NumberOfWorkers, or "
        "MaxCapacity), so it runs on the default allocation."
    )
