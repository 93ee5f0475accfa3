"""Glue jobs should have a timeout fitted to their run time."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule

WITHOUT_TIMEOUT = ("gluestreaming", "glueray")


@rule(
    id="Sustainability-GlueJobTimeout",
    severity=Severity.WARNING,
    title="Glue job without a Timeout",
    explanation=(
        "A stuck job keeps its workers busy until the default timeout (48 hours for Glue 4.0 "
        "and earlier, 8 hours for Glue 5.0), consuming compute that produces nothing."
    ),
    remediation="Set Timeout (minutes) a little above the job's longest expected run.",
    best_practices=("SUS03-BP03", "SUS02-BP03"),
    resource_types=("AWS::Glue::Job",),
    equivalents=("sustainability-scanner:check_glue_job_timeout",),
    notes=(
        "Streaming (gluestreaming) and Ray (glueray) jobs are not flagged: streaming jobs run "
        "continuously by design and Ray jobs take no job timeout; the scanner flags both."
    ),
)
def glue_job_timeout(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("Command.Name") in WITHOUT_TIMEOUT or resource.get("Timeout") is not None:
        return None
    return (
        f"Glue job {resource.logical_id} sets no Timeout, so a stuck run holds its workers "
        "until Glue's default timeout of up to 48 hours."
    )
