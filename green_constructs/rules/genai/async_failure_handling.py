"""Asynchronous endpoints must record failures somewhere someone will see them."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule

_OUTPUT = "AsyncInferenceConfig.OutputConfig"
_DESTINATIONS = {
    "S3FailurePath": f"{_OUTPUT}.S3FailurePath",
    "NotificationConfig.ErrorTopic": f"{_OUTPUT}.NotificationConfig.ErrorTopic",
}


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
    missing = [
        name
        for name, path in _DESTINATIONS.items()
        if not resource.get(path) and not resource.unknown(path)
    ]
    if not missing:
        return None
    if len(missing) == 2:
        consequence = "failed requests are neither stored nor announced"
    elif missing[0] == "S3FailurePath":
        consequence = "failed requests are announced, but their errors are not stored"
    else:
        consequence = "failed requests are stored, but nobody is notified"
    return (
        f"Async endpoint config {resource.logical_id} has no {' and no '.join(missing)}: "
        f"{consequence}."
    )
