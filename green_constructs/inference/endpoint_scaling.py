"""Building blocks shared by endpoint constructs: capacity and variant checks, the production
variant, scalable targets, metrics."""

from __future__ import annotations

import hashlib
import math
import re
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct, IConstruct

from ..catalog import Catalog, family_of
from ..metric_options import MetricOptions, make_metric, with_defaults
from ..props import duration, is_token, note_token, text, whole_number
from .inference_model import InferenceModel

if TYPE_CHECKING:
    from typing_extensions import Unpack

SAGEMAKER_NAMESPACE = "AWS/SageMaker"
VARIANT_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
SERVICE_LINKED_ROLE = (
    "aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
)
VARIANT_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")  # SageMaker's, at most 63
MAX_VOLUME_SIZE_GB = 512
MAX_INSTANCES = 2**31 - 1
"""Upper bound of instance counts: Application Auto Scaling's ``ResourceCapacity`` and
SageMaker's ``InitialTaskCount`` are 32-bit integers (botocore service models); the real limit
is the account's instance quota, which only AWS knows at deploy time."""
INSTANCE_STORAGE_FAMILIES = frozenset(
    {"g5", "g6", "g6e", "gr6", "p5", "p5e", "p5en", "p6-b200", "trn1", "trn1n", "trn2"}
)
"""SageMaker hosting families with local NVMe instance storage whose names have no ``d``
(Amazon EC2 instance types, accelerated computing: instance store specifications)."""
_D_FAMILY = re.compile(r"[a-z]+\d+[a-z]*d[a-z]*")
NEURON_INFERENCE_AMI = "al2-ami-sagemaker-inference-neuron-2"
"""``InferenceAmiVersion`` for Inferentia2 and Trainium variants (botocore's
``ProductionVariantInferenceAmiVersion``): a host with the Neuron 2.x driver that current
Neuron SDK (2.26) serving images need; the default host's driver is older. AWS's and Hugging
Face's own inf2 deployments set it."""
_ONE_MINUTE = cdk.Duration.minutes(1)
_ONE_HOUR = cdk.Duration.hours(1)


def instance_count(scope: IConstruct, name: str, value: object, *, minimum: int) -> int:
    """``value`` as a whole number of instances from ``minimum`` to ``MAX_INSTANCES``, or the
    token it is."""
    count = whole_number(scope, name, value, minimum=minimum)
    if not is_token(count) and count > MAX_INSTANCES:
        raise ValueError(
            f"{name} must be a whole number from {minimum} to {MAX_INSTANCES} (a 32-bit "
            f"integer in the SageMaker and Application Auto Scaling APIs), got {value!r}"
        )
    return count


def check_capacity(
    scope: IConstruct,
    *,
    min_capacity: int,
    max_capacity: int,
    initial_instance_count: int,
    min_allowed: int = 0,
) -> None:
    """Check the capacities (each a whole number or a token); relations only between
    concrete values. ValueError naming the property."""
    low = instance_count(scope, "min_capacity", min_capacity, minimum=min_allowed)
    high = instance_count(scope, "max_capacity", max_capacity, minimum=1)
    initial = instance_count(scope, "initial_instance_count", initial_instance_count, minimum=1)
    if is_token(low) or is_token(high):
        return
    if low > high:
        raise ValueError(f"min_capacity ({low}) must be at most max_capacity ({high})")
    if not is_token(initial) and initial > high:
        raise ValueError(
            "initial_instance_count must be between 1 (SageMaker creates an endpoint with at "
            f"least one instance) and max_capacity ({high}), got {initial}"
        )


def check_variant(
    scope: IConstruct,
    *,
    variant_name: str,
    container_startup_health_check_timeout: cdk.Duration | None,
    model_data_download_timeout: cdk.Duration | None,
    volume_size_gb: int | None,
) -> None:
    """Fail synth on production variant settings SageMaker rejects, naming the property."""
    text(
        scope,
        "variant_name",
        variant_name,
        pattern=VARIANT_NAME,
        max_length=63,
        allowed="1 to 63 letters, digits and hyphens, starting and ending with a letter or "
        "digit (e.g. 'AllTraffic')",
    )
    for name, timeout in (
        ("container_startup_health_check_timeout", container_startup_health_check_timeout),
        ("model_data_download_timeout", model_data_download_timeout),
    ):
        if timeout is not None:
            seconds_within(scope, name, timeout, minimum=_ONE_MINUTE, maximum=_ONE_HOUR)
    if volume_size_gb is not None:
        whole_number(
            scope,
            "volume_size_gb",
            volume_size_gb,
            minimum=1,
            maximum=MAX_VOLUME_SIZE_GB,
            unit="(GB)",
        )


def check_volume_size(instance_type: str, volume_size_gb: int | None) -> None:
    """``volume_size_gb`` only on instance types without local instance storage: SageMaker
    rejects ``VolumeSizeInGB`` for types with NVMe instance storage (SageMaker Developer
    Guide, "Host instance storage volumes")."""
    family = family_of(instance_type)
    if volume_size_gb is None or not has_instance_storage(family):
        return
    raise ValueError(
        f"volume_size_gb is not supported on {instance_type}: its family ({family}) has local "
        "NVMe instance storage, which SageMaker uses instead of an EBS volume; allowed: "
        "None on such types, 1 to 512 on types without instance storage (e.g. ml.inf2)"
    )


def has_instance_storage(family: str) -> bool:
    """EC2's naming convention marks instance store volumes with a ``d`` (``m5d``, ``g4dn``,
    ``c6gd``, ``p4de``); ``INSTANCE_STORAGE_FAMILIES`` lists the families that have NVMe
    instance storage without the ``d``."""
    return family in INSTANCE_STORAGE_FAMILIES or bool(_D_FAMILY.fullmatch(family))


def positive_number(scope: IConstruct, name: str, value: object, *, unit: str) -> float:
    """``value`` as a finite number > 0 (or the token it is); an error naming ``name``."""
    allowed = f"a finite number > 0 ({unit})"
    if is_token(value) and isinstance(value, float):
        note_token(scope, name, allowed)
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return float(value)


def seconds_within(
    scope: IConstruct, name: str, value: object, *, minimum: cdk.Duration, maximum: cdk.Duration
) -> cdk.Duration:
    """A ``cdk.Duration`` of whole seconds in ``[minimum, maximum]`` that converts to seconds
    (a token amount in seconds)."""
    checked = duration(scope, name, value, minimum=minimum, maximum=maximum)
    token_seconds(name, checked)
    return checked


def token_seconds(name: str, value: cdk.Duration) -> None:
    """ValueError unless ``value`` converts to seconds: CloudFormation does no arithmetic, so
    a token amount must be given in seconds (``cdk.Duration.seconds(token)``), as for L2s."""
    if not value.is_unresolved():
        return
    try:
        value.to_seconds()
    except RuntimeError:
        raise ValueError(
            f"{name} must be a cdk.Duration of whole seconds; a token amount must be given as "
            f"cdk.Duration.seconds(token) (CloudFormation cannot convert units), got {value.to_human_string()}"
        ) from None


def production_variant(
    *,
    variant_name: str,
    model: InferenceModel,
    initial_instance_count: int,
    container_startup_health_check_timeout: cdk.Duration | None,
    model_data_download_timeout: cdk.Duration | None,
    volume_size_gb: int | None,
) -> sagemaker.CfnEndpointConfig.ProductionVariantProperty:
    """The one production variant serving ``model``; the startup health check timeout defaults
    to the one its container asks for."""
    check_volume_size(model.instance_type, volume_size_gb)
    health_check = (
        container_startup_health_check_timeout or model.container.startup_health_check_timeout
    )
    return sagemaker.CfnEndpointConfig.ProductionVariantProperty(
        variant_name=variant_name,
        model_name=model.model_name,
        instance_type=model.instance_type,
        initial_instance_count=initial_instance_count,
        initial_variant_weight=1,
        container_startup_health_check_timeout_in_seconds=_seconds(health_check),
        model_data_download_timeout_in_seconds=_seconds(model_data_download_timeout),
        volume_size_in_gb=volume_size_gb,
    )


def inference_ami_version(instance_type: str) -> str | None:
    """The host image a variant on ``instance_type`` needs (Neuron instances), else None."""
    family = Catalog.default().find_family(instance_type)
    if family is None or family.previous_generation:
        return None
    return NEURON_INFERENCE_AMI if family.kind in ("inferentia", "trainium") else None


def set_inference_ami(config: sagemaker.CfnEndpointConfig, instance_type: str) -> None:
    """Give the config's variant the host image its instance type needs (the L1 has no
    property for ``InferenceAmiVersion`` yet; CloudFormation's schema does)."""
    version = inference_ami_version(instance_type)
    if version is not None:
        config.add_property_override("ProductionVariants.0.InferenceAmiVersion", version)


def endpoint(
    scope: Construct,
    construct_id: str,
    config: sagemaker.CfnEndpointConfig,
    *,
    instance_type: str,
    variant_name: str,
) -> sagemaker.CfnEndpoint:
    """The endpoint on ``config``, keeping its variants' instance counts on every update.

    With ``RetainAllVariantProperties`` a stack update (a new endpoint config) keeps the
    instance count Application Auto Scaling set instead of resetting it to the config's
    ``InitialInstanceCount`` (data capture settings are not retained: a new one applies).
    ``UpdateEndpoint`` fails for a variant registered with
    Application Auto Scaling whose instance type changes, so the endpoint's name ends with a
    hash of the variant's instance type: a new instance type replaces the endpoint (and its
    scalable target and policies) under a new name, instead of updating it in place; a new
    model or any other setting updates it in place, keeping its name.
    """
    digest = hashlib.sha256(f"{variant_name}:{instance_type}".encode()).hexdigest()[:8]
    base = cdk.Names.unique_resource_name(scope, max_length=63 - 9, separator="-")
    return sagemaker.CfnEndpoint(
        scope,
        construct_id,
        endpoint_name=f"{base}-{digest}",
        endpoint_config_name=config.attr_endpoint_config_name,
        retain_all_variant_properties=True,
        # a new data capture setting must reach the endpoint; only the count is kept
        exclude_retained_variant_properties=[
            sagemaker.CfnEndpoint.VariantPropertyProperty(variant_property_type="DataCaptureConfig")
        ],
    )


def _seconds(value: cdk.Duration | None) -> float | None:
    """Whole seconds; a token amount (given in seconds) stays the token it is."""
    if value is None:
        return None
    return value.to_seconds() if value.is_unresolved() else int(value.to_seconds())


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
    **options: Unpack[MetricOptions],
) -> cloudwatch.Metric:
    """An ``AWS/SageMaker`` metric with the dimensions SageMaker publishes it with (Average
    over 1 minute unless ``options`` say otherwise)."""
    dimensions = {"EndpointName": endpoint_name}
    if variant_name is not None:
        dimensions["VariantName"] = variant_name
    defaults = with_defaults(
        options, statistic=cloudwatch.Stats.AVERAGE, period=cdk.Duration.minutes(1)
    )
    return make_metric(SAGEMAKER_NAMESPACE, metric_name, dimensions, **defaults)
