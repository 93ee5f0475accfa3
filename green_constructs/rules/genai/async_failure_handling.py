"""Asynchronous endpoints must record failures somewhere someone will see them."""

from __future__ import annotations

from typing import Any

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource, Severity
from ..registry import rule


@rule(
    id="GenAI-AsyncFailureHandling",
    severity=Severity.WARNING,
    title="Asynchronous endpoint without a failure path or error topic",
    explanation=(
        "An async request that fails without S3FailurePath or an ErrorTopic is lost silently; "
        "clients retry blindly and the work (and its energy) is spent again."
    ),
    remediation=(
        "Set AsyncInferenceConfig.OutputConfig.S3FailurePath and "
        "AsyncInferenceConfig.OutputConfig.NotificationConfig.ErrorTopic."
    ),
    best_practices=("MLSUS-15", "SUS02-BP06"),
    resource_types=("AWS::SageMaker::EndpointConfig",),
    notes="An OutputConfig or NotificationConfig decided at deploy time is not reported.",
)
def async_failure_handling(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("AsyncInferenceConfig") is None:
        return None
    output = resource.get("AsyncInferenceConfig.OutputConfig")
    if is_intrinsic(output):
        return None
    output = output if isinstance(output, dict) else {}
    notification: Any = output.get("NotificationConfig")
    missing = []
    if not output.get("S3FailurePath"):
        missing.append("S3FailurePath")
    topic = notification.get("ErrorTopic") if isinstance(notification, dict) else None
    if not is_intrinsic(notification) and not topic:
        missing.append("NotificationConfig.ErrorTopic")
    if missing:
        return (
            f"Async endpoint config {resource.logical_id} has no {' and no '.join(missing)}: "
            "failed requests are not recorded."
        )
    return None
