"""Asynchronous endpoints must record failures somewhere someone will see them."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule

_OUTPUT = "AsyncInferenceConfig.OutputConfig"
_FAILURE_PATHS = (f"{_OUTPUT}.S3FailurePath", f"{_OUTPUT}.NotificationConfig.ErrorTopic")


@rule(
    id="GenAI-AsyncFailureHandling",
    severity=Severity.WARNING,
    title="Asynchronous endpoint without a failure path or error topic",
    explanation=(
        "An async request that fails with neither S3FailurePath nor an ErrorTopic is lost "
        "silently; clients wait for a result that never comes, retry blindly, and the work "
        "(and its energy) is spent again."
    ),
    remediation=(
        "Set AsyncInferenceConfig.OutputConfig.S3FailurePath (clients find the error at the "
        "FailureLocation InvokeEndpointAsync returns), "
        "AsyncInferenceConfig.OutputConfig.NotificationConfig.ErrorTopic (subscribers are "
        "told of each failure and its reason), or both."
    ),
    best_practices=("MLSUS-15", "SUS02-BP06"),
    resource_types=("AWS::SageMaker::EndpointConfig",),
    notes=(
        "Either destination is a failure path: S3FailurePath stores the failure response "
        "where the client looks for it, an ErrorTopic announces the failure with its reason "
        "(the pattern of SageMaker's own async inference examples, which predate "
        "S3FailurePath). A config with neither is reported; one whose OutputConfig or "
        "NotificationConfig is decided at deploy time is not."
    ),
)
def async_failure_handling(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("AsyncInferenceConfig") is None:
        return None
    if any(resource.get(path) or resource.unknown(path) for path in _FAILURE_PATHS):
        return None
    return (
        f"Async endpoint config {resource.logical_id} has neither S3FailurePath nor "
        "NotificationConfig.ErrorTopic: failed requests are neither stored nor announced."
    )
