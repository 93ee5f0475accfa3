"""An endpoint nobody watches is an endpoint nobody right-sizes or turns off."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._alarms import watched
from ._endpoints import endpoint_config, only_on_demand_serverless


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
        "an alarm on sustained zero invocations. For serverless variants with provisioned "
        "concurrency, alarm on ServerlessProvisionedConcurrencyUtilization."
    ),
    best_practices=("MLSUS-15", "SUS02-BP03"),
    resource_types=("AWS::SageMaker::Endpoint",),
    notes=(
        "An alarm counts when one of its metrics (metric math included) names the endpoint in "
        "the dimension of its namespace: EndpointName for SageMaker's metrics, Endpoint for "
        "Model Monitor's (aws/sagemaker/Endpoints/data-metrics, model-metrics...; its other "
        "dimension is MonitoringSchedule). The value counts when it is a GetAtt or "
        "${X.EndpointName}, equals the endpoint's literal EndpointName, or is not resolvable "
        "from the template. A Ref to an endpoint is its ARN, not its name: an alarm on it never "
        "receives data and does not count. An endpoint whose config (in the template) has only "
        "serverless variants without ProvisionedConcurrency is not reported: SageMaker holds no "
        "capacity for it while no request comes, so it has nothing idle to find or right-size; "
        "provisioned concurrency is held warm, and is reported like instances."
    ),
)
def endpoint_monitoring(resource: Resource, template: TemplateContext) -> str | None:
    config = endpoint_config(resource, template)
    if config is not None and only_on_demand_serverless(config):
        return None
    if watched(resource, template):
        return None
    return (
        f"Endpoint {resource.logical_id} has no CloudWatch alarm on its metrics: add one with "
        "dimension EndpointName (for example on Invocations or instance utilization)."
    )
