"""An endpoint nobody watches is an endpoint nobody right-sizes or turns off."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._endpoints import ALARM, watches_endpoint


@rule(
    id="GenAI-EndpointMonitoring",
    severity=Severity.WARNING,
    title="Endpoint without a CloudWatch alarm",
    explanation=(
        "Without an alarm on its metrics (invocations, utilization, backlog), an endpoint that "
        "is idle, over-provisioned or failing goes unnoticed and keeps consuming its instances."
    ),
    remediation=(
        "Add CloudWatch alarms on the endpoint's metrics (for example Invocations or "
        "CPUUtilization/GPUUtilization with dimensions EndpointName and VariantName), such as "
        "an alarm on sustained zero invocations."
    ),
    best_practices=("MLSUS-15", "SUS02-BP03"),
    resource_types=("AWS::SageMaker::Endpoint",),
    notes=(
        "An alarm counts when one of its metrics (metric math included) has an EndpointName "
        "dimension naming the endpoint (GetAtt or ${X.EndpointName}, or equal to its literal "
        "EndpointName) or not resolvable from the template. A Ref to an endpoint is its ARN, "
        "not its name: an alarm on it never receives data and does not count."
    ),
)
def endpoint_monitoring(resource: Resource, template: TemplateContext) -> str | None:
    if any(watches_endpoint(alarm, resource, template) for alarm in template.of_type(ALARM)):
        return None
    return (
        f"Endpoint {resource.logical_id} has no CloudWatch alarm on its metrics: add one with "
        "dimension EndpointName (for example on Invocations or instance utilization)."
    )
