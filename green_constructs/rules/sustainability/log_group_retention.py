"""Log groups keep data forever unless a retention period is set."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule


@rule(
    id="Sustainability-LogGroupRetention",
    severity=Severity.WARNING,
    title="CloudWatch log group without a retention period",
    explanation=(
        "Without RetentionInDays a log group keeps every event forever, storing data nobody reads."
    ),
    remediation="Set RetentionInDays to the shortest period your operations and audits need.",
    best_practices=("SUS04-BP03", "SUS04-BP05"),
    resource_types=("AWS::Logs::LogGroup",),
    equivalents=("sustainability-scanner:ensure_all_loggroups_have_retention",),
)
def log_group_retention(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("RetentionInDays") is None:
        return f"Log group {resource.logical_id} has no RetentionInDays: its logs never expire."
    return None
