"""Endpoints and what serves them: config variants, scalable targets, policies and alarms."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..context import TemplateContext
from ..intrinsics import attribute_references, is_intrinsic, references
from ..model import Resource
from ..training_jobs import is_unknown

SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
SCALING_POLICY = "AWS::ApplicationAutoScaling::ScalingPolicy"
ALARM = "AWS::CloudWatch::Alarm"
VARIANT_DIMENSION = "sagemaker:variant:DesiredInstanceCount"

_RESOURCE_ID = re.compile(r"^endpoint/([^/]+)/variant/([^/]+)$")
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")
# Model Monitor's endpoint metrics (aws/sagemaker/Endpoints/data-metrics, model-metrics,
# bias-metrics...) name the endpoint in an ``Endpoint`` dimension, beside ``MonitoringSchedule``
# (SageMaker Developer Guide, model quality and bias drift metrics; the SageMaker Python SDK's
# Model Monitor dashboards).
_MODEL_MONITOR_NAMESPACE = re.compile(r"^aws/sagemaker/Endpoints/[a-z-]+-metrics$")
_UNKNOWN = "\x00?\x00"


def endpoint_config(endpoint: Resource, template: TemplateContext) -> Resource | None:
    """The endpoint's config when it is in this template (by reference or literal name)."""
    name = endpoint.get("EndpointConfigName")
    found = template.target(name)
    if found is None and isinstance(name, str):
        found = template.by_name("AWS::SageMaker::EndpointConfig", "EndpointConfigName").get(name)
    return found if found is not None and found.type == "AWS::SageMaker::EndpointConfig" else None


def instance_variants(config: Resource) -> list[Mapping[str, Any]]:
    """Production variants on instances (not serverless) of an endpoint config."""
    production = config.get("ProductionVariants")
    return [
        v
        for v in (production if isinstance(production, list) else ())
        if isinstance(v, dict) and v.get("InstanceType") and not v.get("ServerlessConfig")
    ]


def only_on_demand_serverless(config: Resource) -> bool:
    """Whether every variant of an endpoint config is serverless without provisioned
    concurrency, so that no capacity is held while no request comes."""
    variants: list[Any] = []
    for key in ("ProductionVariants", "ShadowProductionVariants"):
        listed = config.get(key)
        variants += listed if isinstance(listed, list) else []
    return bool(variants) and all(
        isinstance(v, dict)
        and isinstance(v.get("ServerlessConfig"), dict)
        and "ProvisionedConcurrency" not in v["ServerlessConfig"]
        for v in variants
    )


def names_endpoint(value: Any, endpoint: Resource, template: TemplateContext) -> bool | None:
    """Whether a name value denotes ``endpoint``; ``None`` when the template cannot tell.

    Only the ``EndpointName`` attribute names it: a ``Ref`` to an endpoint is its ARN.
    """
    if isinstance(value, str):
        literal = endpoint.get("EndpointName")
        return None if is_unknown(literal) else value == literal
    targets = attribute_references(value)
    if (endpoint.logical_id, "EndpointName") in targets:
        return True
    return False if any(t in template.resources for t, _ in targets) else None


def variant_targets(
    endpoint: Resource, variant: Mapping[str, Any], template: TemplateContext
) -> list[Resource]:
    """Scalable targets on the desired instance count of ``endpoint``'s ``variant``.

    A target whose endpoint or variant name the template cannot tell counts as a match.
    """
    index = template.memo("variant-scalable-targets", lambda: _TargetIndex(template))
    literal = endpoint.get("EndpointName")
    candidates = [*index.by_ref.get(endpoint.logical_id, ()), *index.unknown_endpoint]
    if is_unknown(literal):
        candidates += [t for named in index.by_literal.values() for t in named]
    elif isinstance(literal, str):
        candidates += index.by_literal.get(literal, ())
    wanted = variant.get("VariantName")
    return [*index.unparsed] + [
        target
        for target, variant_name in candidates
        if variant_name == _UNKNOWN or is_unknown(wanted) or variant_name == wanted
    ]


class _TargetIndex:
    """SageMaker variant scalable targets of a template, by how their ResourceId names the
    endpoint: a reference to a resource, a literal name, a token we cannot tell, or nothing
    that parses (which matches every endpoint)."""

    def __init__(self, template: TemplateContext) -> None:
        self.by_ref: dict[str, list[tuple[Resource, str]]] = {}
        self.by_literal: dict[str, list[tuple[Resource, str]]] = {}
        self.unknown_endpoint: list[tuple[Resource, str]] = []
        self.unparsed: list[Resource] = []
        for target in template.of_type(SCALABLE_TARGET):
            if target.get("ServiceNamespace") != "sagemaker":
                continue
            if target.get("ScalableDimension") != VARIANT_DIMENSION:
                continue
            parsed = _parse_resource_id(target.get("ResourceId"), template)
            if parsed is None:
                self.unparsed.append(target)
                continue
            name, variant_name = parsed
            if name == _UNKNOWN:
                self.unknown_endpoint.append((target, variant_name))
            elif name.startswith("ref:"):
                self.by_ref.setdefault(name[4:], []).append((target, variant_name))
            else:
                self.by_literal.setdefault(name, []).append((target, variant_name))


def _parse_resource_id(value: Any, template: TemplateContext) -> tuple[str, str] | None:
    """``(endpoint, variant)`` of ``endpoint/<name>/variant/<variant>``; a resource's token is
    ``ref:<LogicalId>``, any other token :data:`_UNKNOWN`; ``None`` if it does not parse."""
    text = _flatten_id(value, template)
    match = _RESOURCE_ID.match(text) if text is not None else None
    return (match.group(1), match.group(2)) if match else None


def _flatten_id(value: Any, template: TemplateContext) -> str | None:
    if isinstance(value, str):
        return value
    if not is_intrinsic(value):
        return None
    key, arg = next(iter(value.items()))
    if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
        pieces = [_flatten_id(p, template) for p in arg[1]]
        return None if None in pieces else str(arg[0]).join(p for p in pieces if p is not None)
    if key == "Fn::Sub" and isinstance(arg, str):
        return _SUB_VARIABLE.sub(lambda m: _token(m.group(1).split(".", 1)[0], template), arg)
    if key in ("Ref", "Fn::GetAtt"):
        found = template.target(value)
        return f"ref:{found.logical_id}" if found is not None else _UNKNOWN
    targets = references(value)
    return _token(next(iter(targets)), template) if len(targets) == 1 else _UNKNOWN


def _token(logical_id: str, template: TemplateContext) -> str:
    return f"ref:{logical_id}" if logical_id in template.resources else _UNKNOWN


def capacity(target: Resource, key: str) -> int | None:
    """``MinCapacity`` or ``MaxCapacity`` of a scalable target when known."""
    value = target.get(key)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def metrics(alarm_or_spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Metric descriptions (``Namespace``, ``MetricName``, ``Dimensions``) of an alarm or a
    customized metric specification, metric math ``Metrics[].MetricStat.Metric`` included."""
    if "MetricName" in alarm_or_spec or "Namespace" in alarm_or_spec:
        yield alarm_or_spec
    listed = alarm_or_spec.get("Metrics")
    for entry in listed if isinstance(listed, list) else ():
        stat = entry.get("MetricStat") if isinstance(entry, dict) else None
        metric = stat.get("Metric") if isinstance(stat, dict) else None
        if isinstance(metric, dict):
            yield metric


def dimension_values(metric: Mapping[str, Any], name: str) -> list[Any]:
    dimensions = metric.get("Dimensions")
    return [
        d.get("Value")
        for d in (dimensions if isinstance(dimensions, list) else ())
        if isinstance(d, dict) and d.get("Name") == name
    ]


def endpoint_dimension(metric: Mapping[str, Any]) -> str:
    """The dimension naming the endpoint in ``metric``'s namespace: ``Endpoint`` for Model
    Monitor's (``aws/sagemaker/Endpoints/data-metrics``...), ``EndpointName`` for SageMaker's."""
    namespace = metric.get("Namespace")
    if isinstance(namespace, str) and _MODEL_MONITOR_NAMESPACE.match(namespace):
        return "Endpoint"
    return "EndpointName"


def watches_endpoint(alarm: Resource, endpoint: Resource, template: TemplateContext) -> bool:
    """True when one of the alarm's metrics names, in its namespace's endpoint dimension, an
    endpoint that may be ``endpoint``."""
    return any(
        names_endpoint(value, endpoint, template) is not False
        for metric in metrics(alarm.properties)
        for value in dimension_values(metric, endpoint_dimension(metric))
    )
