"""Log groups keep data forever unless a retention period is set.

Amazon Bedrock's log groups are log groups like any other, and this rule covers them: model
invocation logging has no CloudFormation type (``PutModelInvocationLoggingConfiguration`` is an
API call; cfn-lint 1.58's schemas list no ``AWS::Bedrock::*`` resource for it), so the template
shows only the log group it writes to; knowledge bases (and other Bedrock resources) send their
application logs through ``AWS::Logs::DeliverySource`` -> ``AWS::Logs::Delivery`` ->
``AWS::Logs::DeliveryDestination`` -> the log group. The message says when a log group receives
Bedrock logs: a name under ``/aws/bedrock/`` or ``/aws/vendedlogs/bedrock/``, or a delivery from
an ``AWS::Bedrock::*`` source.
"""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule

_SOURCE = "AWS::Logs::DeliverySource"
_DESTINATION = "AWS::Logs::DeliveryDestination"
_BEDROCK_LOG_PREFIXES = ("/aws/bedrock/", "/aws/vendedlogs/bedrock/")
"""Log group names of Bedrock's logs: the user guide's convention for invocation logs, and the
vended logs prefix (CloudWatch Logs' advice for logs services deliver) with a bedrock segment,
as ``ServerlessKnowledgeBase`` names its application logs."""


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
    notes=(
        "Covers every AWS::Logs::LogGroup, Amazon Bedrock's included: model invocation logging "
        "has no CloudFormation type (PutModelInvocationLoggingConfiguration is an API call), so "
        "its log group (by convention named /aws/bedrock/...) is checked as any other; "
        "knowledge bases and other Bedrock resources deliver application logs through "
        "AWS::Logs::DeliverySource, Delivery and DeliveryDestination to a log group, which the "
        "finding names as receiving Bedrock logs."
    ),
)
def log_group_retention(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("RetentionInDays") is not None:
        return None
    bedrock = _bedrock_logs(resource, template)
    what = f" ({bedrock})" if bedrock else ""
    return f"Log group {resource.logical_id}{what} has no RetentionInDays: its logs never expire."


def _bedrock_logs(resource: Resource, template: TemplateContext) -> str | None:
    """What Bedrock logs the log group receives, described, if the template tells."""
    source = template.memo("bedrock-log-deliveries", lambda: _deliveries(template)).get(
        resource.logical_id
    )
    if source is not None:
        return f"Amazon Bedrock logs of {source}"
    name = resource.get("LogGroupName")
    if isinstance(name, str) and name.lower().startswith(_BEDROCK_LOG_PREFIXES):
        return "Amazon Bedrock logs"
    return None


def _deliveries(template: TemplateContext) -> dict[str, str]:
    """Log group logical id -> the Bedrock resource whose logs are delivered to it."""
    sources = template.by_name(_SOURCE, "Name")
    found: dict[str, str] = {}
    for delivery in template.of_type("AWS::Logs::Delivery"):
        name = delivery.get("DeliverySourceName")
        source = template.target(name) or (sources.get(name) if isinstance(name, str) else None)
        destination = template.target(delivery.get("DeliveryDestinationArn"))
        if source is None or destination is None or destination.type != _DESTINATION:
            continue
        origin = template.target(source.get("ResourceArn"))
        group = template.target(destination.get("DestinationResourceArn"))
        if origin is not None and origin.type.startswith("AWS::Bedrock::") and group is not None:
            found.setdefault(group.logical_id, origin.logical_id)
    return found
