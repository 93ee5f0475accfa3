"""Building blocks shared by endpoint constructs: capacity checks, scalable targets, metrics."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from constructs import Construct

SAGEMAKER_NAMESPACE = "AWS/SageMaker"
VARIANT_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
SERVICE_LINKED_ROLE = (
    "aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
)


def check_capacity(*, min_capacity: int, max_capacity: int, initial_instance_count: int) -> None:
    """Fail synth with a message naming the property when capacities are inconsistent."""
    for name, value in (
        ("min_capacity", min_capacity),
        ("max_capacity", max_capacity),
        ("initial_instance_count", initial_instance_count),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    if max_capacity < 1:
        raise ValueError(f"max_capacity must be at least 1, got {max_capacity}")
    if min_capacity > max_capacity:
        raise ValueError(
            f"min_capacity ({min_capacity}) must be at most max_capacity ({max_capacity})"
        )
    if not 1 <= initial_instance_count <= max_capacity:
        raise ValueError(
            "initial_instance_count must be between 1 (SageMaker creates an endpoint with at "
            f"least one instance) and max_capacity ({max_capacity}), got {initial_instance_count}"
        )


def check_duration(
    name: str, value: cdk.Duration, *, minimum: cdk.Duration, maximum: cdk.Duration | None = None
) -> None:
    """Fail synth when ``value`` is not whole seconds within ``[minimum, maximum]``."""
    millis = value.to_milliseconds()
    if millis % 1000:
        raise ValueError(f"{name} must be a whole number of seconds, got {value.to_human_string()}")
    seconds = millis // 1000
    low = minimum.to_seconds()
    high = maximum.to_seconds() if maximum is not None else None
    if seconds < low or (high is not None and seconds > high):
        allowed = (
            f"between {minimum.to_human_string()} and {maximum.to_human_string()}"
            if maximum is not None
            else f"at least {minimum.to_human_string()}"
        )
        raise ValueError(f"{name} must be {allowed}, got {value.to_human_string()}")


def variant_resource_id(endpoint_name: str, variant_name: str) -> str:
    """Application Auto Scaling's ``endpoint/<name>/variant/<variant>``."""
    return f"endpoint/{endpoint_name}/variant/{variant_name}"


def variant_scalable_target(
    scope: Construct,
    construct_id: str,
    *,
    endpoint_name: str,
    variant_name: str,
    min_capacity: int,
    max_capacity: int,
) -> appscaling.ScalableTarget:
    """The variant's desired instance count as a scalable target.

    It names Application Auto Scaling's service-linked role for SageMaker endpoints (created
    on first use) rather than a new role: the role CDK would create has no permissions.
    """
    role_arn = cdk.Stack.of(scope).format_arn(
        service="iam", region="", resource="role", resource_name=SERVICE_LINKED_ROLE
    )
    return appscaling.ScalableTarget(
        scope,
        construct_id,
        role=iam.Role.from_role_arn(scope, f"{construct_id}Role", role_arn, mutable=False),
        service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
        resource_id=variant_resource_id(endpoint_name, variant_name),
        scalable_dimension=VARIANT_DIMENSION,
        min_capacity=min_capacity,
        max_capacity=max_capacity,
    )


def sagemaker_metric(
    metric_name: str,
    *,
    endpoint_name: str,
    variant_name: str | None = None,
    statistic: str = cloudwatch.Stats.AVERAGE,
    period: cdk.Duration = cdk.Duration.minutes(1),
) -> cloudwatch.Metric:
    """An ``AWS/SageMaker`` metric with the dimensions SageMaker publishes it with."""
    dimensions = {"EndpointName": endpoint_name}
    if variant_name is not None:
        dimensions["VariantName"] = variant_name
    return cloudwatch.Metric(
        namespace=SAGEMAKER_NAMESPACE,
        metric_name=metric_name,
        dimensions_map=dimensions,
        statistic=statistic,
        period=period,
    )
