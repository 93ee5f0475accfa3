"""``RealtimeEndpoint``: a SageMaker real-time endpoint on Inferentia2 that follows its traffic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..metric_options import MetricOptions, with_defaults
from ..nag.acknowledge import acknowledge
from ..props import duration, implements, instance, is_token, text, whole_number
from ..rules.genai.data_capture_sampling import MAX_SAMPLING_PERCENTAGE
from ..storage import SustainableBucket
from ..storage.sustainable_bucket import cfn_bucket
from ._instances import check_current_generation, check_instance
from .endpoint_scaling import (
    check_capacity,
    check_variant,
    endpoint,
    instance_count,
    positive_number,
    production_variant,
    sagemaker_metric,
    seconds_within,
    set_inference_ami,
    variant_scalable_target,
)
from .inference_model import DEFAULT_FAMILIES, InferenceModel
from .model_source import ModelSource

if TYPE_CHECKING:
    from typing_extensions import Unpack

DATA_CAPTURE_PREFIX = "datacapture"
_NO_COOLDOWN = cdk.Duration.seconds(0)
_ONE_DAY = cdk.Duration.days(1)
_INVOCATIONS_PER_INSTANCE = appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE


@dataclass(frozen=True)
class OffHoursSchedule:
    """Lower the endpoint's minimum capacity outside business hours.

    At ``scale_down`` the scalable target's minimum becomes ``floor``, so target tracking can
    scale in to it when traffic drops; at ``scale_up`` it returns to the endpoint's
    ``min_capacity``. Both must be recurring ``appscaling.Schedule.cron(...)`` expressions.

    :param scale_down: when business hours end, e.g. ``Schedule.cron(hour="19", minute="0",
        week_day="MON-FRI")``.
    :param scale_up: when they start, e.g. ``Schedule.cron(hour="7", minute="0",
        week_day="MON-FRI")``.
    :param floor: the off-hours minimum. Default: 1. A real-time endpoint serving a model
        variant cannot scale to 0 (SageMaker scales to zero only endpoints hosting inference
        components); use ``AsyncInferenceEndpoint`` or ``BatchTransformPipeline`` for that.
    :param time_zone: the time zone of both cron expressions. Default: UTC.
    """

    scale_down: appscaling.Schedule
    scale_up: appscaling.Schedule
    floor: int = 1
    time_zone: cdk.TimeZone | None = None


class RealtimeEndpoint(Construct):
    """A real-time SageMaker endpoint on Inferentia2 with auto scaling, sampled data capture and
    an alarm, built around an :class:`InferenceModel` (``.model``).

    Number, string and ``Duration`` props take CDK tokens (a ``CfnParameter``'s value) as an
    aws-cdk-lib L2 would: they are checked at deploy time only, noted in the construct's
    ``green-constructs:unchecked`` metadata; a ``Duration`` the template needs in seconds takes
    a token amount in seconds only (``cdk.Duration.seconds(token)``).

    :param source: the model to serve (any :class:`ModelSource`).
    :param instance_type: the instance type. Default: right-sized from ``families`` when the
        source knows the model's size (otherwise required).
    :param families: families right-sizing may choose from. Default: ``("inf2",)``.
    :param variant_name: the production variant's name. Default: ``"AllTraffic"``.
    :param min_capacity: instances kept in business hours (and created with the endpoint).
        Default: 1; at least 1.
    :param max_capacity: the most instances target tracking may run. Default: 4.
    :param target_invocations_per_instance: target of the tracking policy on the predefined
        ``SageMakerVariantInvocationsPerInstance`` (invocations per instance per minute).
        Default: 60; tune it from a load test.
    :param scale_in_cooldown: wait after a scale-in before the next. Default: 5 minutes.
    :param scale_out_cooldown: wait after a scale-out before the next. Default: 1 minute.
    :param off_hours: lower the minimum outside business hours. Default: no schedule.
    :param data_capture_sampling_percent: capture this share of requests and responses
        (1-100) to a bucket with expiry. Default: None, capture off.
    :param data_capture_audit_reason: required to sample more than 20% (the threshold of
        ``GenAI-DataCaptureSampling``); recorded as the acknowledgement of that rule.
        Default: None.
    :param data_capture_expire_after: how long captured data is kept. Default: 30 days.
    :param error_alarm_threshold: server errors (``Invocation5XXErrors``) in 5 minutes, for 3
        periods in a row, that raise ``errors_alarm``. Default: 1.
    :param idle_alarm_after: ``idle_alarm`` fires after this long without an invocation (the
        endpoint is then a candidate for deletion or an asynchronous endpoint). Whole hours,
        1 to 24, no token (it sets the alarm's periods). Default: 24 hours.
    :param network_isolation: see :class:`InferenceModel`. Default: False.
    :param alarm_topic: SNS topic ``errors_alarm`` and ``idle_alarm`` notify when they fire.
        Default: none, the alarms have no action (``SustainabilityMonitor`` is the place for
        notifications). An encrypted topic's key must let CloudWatch use it.
    :param volume_key: KMS key for the instances' storage volumes (``KmsKeyId``). Default:
        SageMaker's own encryption (instance types with local NVMe storage reject a key).
    :param container_startup_health_check_timeout: how long a new instance's container may take
        to pass its first health check (1 minute to 1 hour). Default: what the source asks for
        (1 hour for ``HuggingFaceNeuronModel``), else SageMaker's default.
    :param model_data_download_timeout: how long downloading the model data from S3 to an
        instance may take (1 minute to 1 hour). Default: SageMaker's.
    :param volume_size_gb: each instance's EBS storage volume, 1 to 512 GB (room for weights
        the container downloads and compiles). Default: SageMaker's. ``ml.inf2`` instances
        accept it; types with local NVMe storage only (``ml.trn1``, ``ml.g5``...) reject it.
    """

    model: InferenceModel
    """The SageMaker model the endpoint serves."""
    cfn_endpoint_config: sagemaker.CfnEndpointConfig
    """The L1 ``AWS::SageMaker::EndpointConfig``."""
    cfn_endpoint: sagemaker.CfnEndpoint
    """The L1 ``AWS::SageMaker::Endpoint`` (also ``node.default_child``)."""
    scalable_target: appscaling.ScalableTarget
    """The variant's instance count as an Application Auto Scaling target."""
    scaling_policy: appscaling.TargetTrackingScalingPolicy
    """Target tracking of ``SageMakerVariantInvocationsPerInstance``."""
    errors_alarm: cloudwatch.Alarm
    """Alarm on server errors (``Invocation5XXErrors``)."""
    idle_alarm: cloudwatch.Alarm
    """Alarm raised when the endpoint receives no invocation for ``idle_alarm_after``."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source: ModelSource,
        instance_type: str | None = None,
        families: Sequence[str] = DEFAULT_FAMILIES,
        variant_name: str = "AllTraffic",
        min_capacity: int = 1,
        max_capacity: int = 4,
        target_invocations_per_instance: float = 60,
        scale_in_cooldown: cdk.Duration | None = None,
        scale_out_cooldown: cdk.Duration | None = None,
        off_hours: OffHoursSchedule | None = None,
        data_capture_sampling_percent: int | None = None,
        data_capture_audit_reason: str | None = None,
        data_capture_expire_after: cdk.Duration | None = None,
        error_alarm_threshold: int = 1,
        idle_alarm_after: cdk.Duration | None = None,
        network_isolation: bool = False,
        alarm_topic: sns.ITopic | None = None,
        volume_key: kms.IKey | None = None,
        container_startup_health_check_timeout: cdk.Duration | None = None,
        model_data_download_timeout: cdk.Duration | None = None,
        volume_size_gb: int | None = None,
    ) -> None:
        if scale_in_cooldown is None:
            scale_in_cooldown = cdk.Duration.minutes(5)
        if scale_out_cooldown is None:
            scale_out_cooldown = cdk.Duration.minutes(1)
        if data_capture_expire_after is None:
            data_capture_expire_after = cdk.Duration.days(30)
        idle_alarm_after = cdk.Duration.hours(24) if idle_alarm_after is None else idle_alarm_after
        super().__init__(scope, construct_id)
        check_variant(
            self,
            variant_name=variant_name,
            container_startup_health_check_timeout=container_startup_health_check_timeout,
            model_data_download_timeout=model_data_download_timeout,
            volume_size_gb=volume_size_gb,
        )
        _check_props(
            self,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
            target_invocations_per_instance=target_invocations_per_instance,
            scale_in_cooldown=scale_in_cooldown,
            scale_out_cooldown=scale_out_cooldown,
            error_alarm_threshold=error_alarm_threshold,
            idle_alarm_after=idle_alarm_after,
        )
        _check_data_capture(self, data_capture_sampling_percent, data_capture_audit_reason)
        if alarm_topic is not None:
            implements("alarm_topic", alarm_topic, "topic_arn", "an sns.ITopic")
        if volume_key is not None:
            implements("volume_key", volume_key, "key_arn", "a kms.IKey")
        if off_hours is not None:
            _check_off_hours(self, off_hours, min_capacity=min_capacity, max_capacity=max_capacity)
        if instance_type is not None:
            check_current_generation("instance_type", instance_type, feature="hosting")

        self.variant_name = variant_name
        self.model = InferenceModel(
            self,
            "Model",
            source=source,
            instance_type=instance_type,
            families=families,
            network_isolation=network_isolation,
        )
        check_instance(self, "instance_type", self.model.instance_type, feature="hosting")

        self.data_capture_bucket: SustainableBucket | None = None
        data_capture = None
        if data_capture_sampling_percent is not None:
            data_capture = self._data_capture(
                data_capture_sampling_percent, data_capture_expire_after
            )
        self.cfn_endpoint_config = sagemaker.CfnEndpointConfig(
            self,
            "EndpointConfig",
            kms_key_id=volume_key.key_arn if volume_key is not None else None,
            production_variants=[
                production_variant(
                    variant_name=variant_name,
                    model=self.model,
                    initial_instance_count=min_capacity,
                    container_startup_health_check_timeout=container_startup_health_check_timeout,
                    model_data_download_timeout=model_data_download_timeout,
                    volume_size_gb=volume_size_gb,
                )
            ],
            data_capture_config=data_capture,
        )
        if data_capture_audit_reason is not None:
            acknowledge(
                self.cfn_endpoint_config, "GenAI-DataCaptureSampling", data_capture_audit_reason
            )
        set_inference_ami(self.cfn_endpoint_config, self.model.instance_type)
        self.cfn_endpoint = endpoint(
            self,
            "Endpoint",
            self.cfn_endpoint_config,
            instance_type=self.model.instance_type,
            variant_name=variant_name,
        )
        self.node.default_child = self.cfn_endpoint

        self.scalable_target = variant_scalable_target(
            self,
            "ScalableTarget",
            endpoint_name=self.endpoint_name,
            variant_name=variant_name,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
        )
        self.scaling_policy = self.scalable_target.scale_to_track_metric(
            "InvocationsPerInstance",
            target_value=target_invocations_per_instance,
            predefined_metric=_INVOCATIONS_PER_INSTANCE,
            scale_in_cooldown=scale_in_cooldown,
            scale_out_cooldown=scale_out_cooldown,
        )
        if off_hours is not None:
            self._schedule(off_hours, min_capacity=min_capacity, max_capacity=max_capacity)

        self.errors_alarm = self.metric_errors(period=cdk.Duration.minutes(5)).create_alarm(
            self,
            "ErrorsAlarm",
            alarm_description=f"{construct_id}: the model returns server errors",
            threshold=error_alarm_threshold,
            evaluation_periods=3,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        hours = int(idle_alarm_after.to_hours())
        self.idle_alarm = self.metric_invocations(period=cdk.Duration.hours(1)).create_alarm(
            self,
            "IdleAlarm",
            alarm_description=(
                f"{construct_id}: no invocation for {hours} h; the endpoint idles on its "
                "instances (delete it, or serve asynchronously)"
            ),
            threshold=1,
            evaluation_periods=hours,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
        )
        if alarm_topic is not None:
            action = cloudwatch_actions.SnsAction(alarm_topic)
            self.errors_alarm.add_alarm_action(action)
            self.idle_alarm.add_alarm_action(action)

    @property
    def endpoint_name(self) -> str:
        """The endpoint's name."""
        return self.cfn_endpoint.attr_endpoint_name

    @property
    def endpoint_arn(self) -> str:
        """The endpoint's ARN (``Ref`` of ``AWS::SageMaker::Endpoint``)."""
        return self.cfn_endpoint.ref

    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` invoke this endpoint (streaming included), and nothing else."""
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"],
            resource_arns=[self.endpoint_arn],
        )

    def metric(self, metric_name: str, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """An ``AWS/SageMaker`` metric of this endpoint's variant (EndpointName, VariantName);
        Average over 1 minute unless ``options`` say otherwise."""
        return sagemaker_metric(
            metric_name,
            endpoint_name=self.endpoint_name,
            variant_name=self.variant_name,
            **options,
        )

    def metric_invocations(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Requests sent to the variant (``Invocations``; Sum over 1 minute by default)."""
        return self.metric("Invocations", **with_defaults(options, statistic=cloudwatch.Stats.SUM))

    def metric_invocations_per_instance(
        self, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests per instance (Sum over 1 minute by default): what target tracking follows."""
        return self.metric(
            "InvocationsPerInstance", **with_defaults(options, statistic=cloudwatch.Stats.SUM)
        )

    def metric_model_latency(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Time the model takes to respond, in microseconds (p90 over 1 minute by default)."""
        return self.metric(
            "ModelLatency", **with_defaults(options, statistic=cloudwatch.Stats.p(90))
        )

    def metric_errors(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Requests the model failed with a 5xx (``Invocation5XXErrors``; Sum over 1 minute by
        default)."""
        return self.metric(
            "Invocation5XXErrors", **with_defaults(options, statistic=cloudwatch.Stats.SUM)
        )

    def metric_client_errors(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Requests rejected with a 4xx (``Invocation4XXErrors``; Sum over 1 minute by
        default)."""
        return self.metric(
            "Invocation4XXErrors", **with_defaults(options, statistic=cloudwatch.Stats.SUM)
        )

    def _data_capture(
        self, percent: int, expire_after: cdk.Duration
    ) -> sagemaker.CfnEndpointConfig.DataCaptureConfigProperty:
        duration(self, "data_capture_expire_after", expire_after, minimum=_ONE_DAY, whole="days")
        bucket = SustainableBucket(self, "DataCapture", expire_after=expire_after)
        self.data_capture_bucket = bucket
        self.model.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject"],
                resources=[bucket.bucket.arn_for_objects(f"{DATA_CAPTURE_PREFIX}/*")],
            )
        )
        bucket.encryption_key.grant(self.model.role, "kms:GenerateDataKey", "kms:Encrypt")
        logical_id = cdk.Stack.of(self).get_logical_id(cfn_bucket(bucket))
        acknowledge(
            self.model.role,
            "AwsSolutions-IAM5",
            "SageMaker writes captured requests under keys it names per endpoint, variant and "
            f"hour; the role may only put objects under the {DATA_CAPTURE_PREFIX}/ prefix.",
            applies_to=[f"Resource::<{logical_id}.Arn>/{DATA_CAPTURE_PREFIX}/*"],
        )
        return sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
            enable_capture=True,
            initial_sampling_percentage=percent,
            destination_s3_uri=bucket.bucket.s3_url_for_object(DATA_CAPTURE_PREFIX),
            kms_key_id=bucket.encryption_key.key_arn,
            capture_options=[
                sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode="Input"),
                sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode="Output"),
            ],
        )

    def _schedule(
        self, off_hours: OffHoursSchedule, *, min_capacity: int, max_capacity: int
    ) -> None:
        self.scalable_target.scale_on_schedule(
            "ScaleDownOffHours",
            schedule=off_hours.scale_down,
            min_capacity=off_hours.floor,
            max_capacity=max_capacity,
            time_zone=off_hours.time_zone,
        )
        self.scalable_target.scale_on_schedule(
            "ScaleUpBusinessHours",
            schedule=off_hours.scale_up,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
            time_zone=off_hours.time_zone,
        )


def _check_props(
    scope: Construct,
    *,
    min_capacity: int,
    max_capacity: int,
    target_invocations_per_instance: float,
    scale_in_cooldown: cdk.Duration,
    scale_out_cooldown: cdk.Duration,
    error_alarm_threshold: int,
    idle_alarm_after: cdk.Duration,
) -> None:
    if isinstance(min_capacity, int) and not isinstance(min_capacity, bool) and min_capacity < 1:
        raise ValueError(
            "min_capacity must be at least 1: a real-time endpoint serving a model cannot scale "
            "to 0 (use AsyncInferenceEndpoint or BatchTransformPipeline to run no instance "
            f"when idle), got {min_capacity}"
        )
    check_capacity(
        scope,
        min_capacity=min_capacity,
        max_capacity=max_capacity,
        initial_instance_count=min_capacity,
        min_allowed=1,
    )
    positive_number(
        scope,
        "target_invocations_per_instance",
        target_invocations_per_instance,
        unit="invocations per instance per minute",
    )
    for name, cooldown in (
        ("scale_in_cooldown", scale_in_cooldown),
        ("scale_out_cooldown", scale_out_cooldown),
    ):
        seconds_within(scope, name, cooldown, minimum=_NO_COOLDOWN, maximum=_ONE_DAY)
    whole_number(scope, "error_alarm_threshold", error_alarm_threshold, minimum=1)
    if isinstance(idle_alarm_after, cdk.Duration) and idle_alarm_after.is_unresolved():
        raise ValueError(
            "idle_alarm_after must be a concrete cdk.Duration of whole hours between 1 and 24 "
            f"(it sets the alarm's number of evaluation periods), got {idle_alarm_after.to_human_string()}"
        )
    duration(
        scope,
        "idle_alarm_after",
        idle_alarm_after,
        minimum=cdk.Duration.hours(1),
        maximum=_ONE_DAY,
        whole="hours",
    )


def _check_data_capture(scope: Construct, percent: int | None, audit_reason: str | None) -> None:
    if percent is None:
        if audit_reason is not None:
            raise ValueError(
                "data_capture_audit_reason is only allowed with data_capture_sampling_percent "
                f"above {MAX_SAMPLING_PERCENTAGE}"
            )
        return
    if audit_reason is not None:
        text(scope, "data_capture_audit_reason", audit_reason)
    percent = whole_number(
        scope, "data_capture_sampling_percent", percent, minimum=1, maximum=100, unit="(%)"
    )
    if is_token(percent):
        return
    if percent > MAX_SAMPLING_PERCENTAGE and not (audit_reason or "").strip():
        raise ValueError(
            f"data_capture_sampling_percent above {MAX_SAMPLING_PERCENTAGE} needs "
            "data_capture_audit_reason (why every sampled request must be kept); allowed "
            f"without it: 1 to {MAX_SAMPLING_PERCENTAGE}, got {percent}"
        )
    if percent <= MAX_SAMPLING_PERCENTAGE and audit_reason is not None:
        raise ValueError(
            "data_capture_audit_reason is only allowed with data_capture_sampling_percent "
            f"above {MAX_SAMPLING_PERCENTAGE}, got {percent}"
        )


def _check_off_hours(
    scope: Construct, off_hours: OffHoursSchedule, *, min_capacity: int, max_capacity: int
) -> None:
    instance("off_hours", off_hours, OffHoursSchedule, "an OffHoursSchedule")
    floor = instance_count(scope, "off_hours.floor", off_hours.floor, minimum=1)
    if not (is_token(floor) or is_token(min_capacity)) and floor >= min_capacity:
        raise ValueError(
            f"off_hours.floor ({floor}) must be below min_capacity ({min_capacity}), or the "
            "schedule changes nothing; allowed: 1 to min_capacity - 1"
        )
    for name in ("scale_down", "scale_up"):
        schedule = getattr(off_hours, name)
        is_schedule = isinstance(schedule, appscaling.Schedule)
        expression = schedule.expression_string if is_schedule else None
        if expression is None or not expression.startswith("cron("):
            raise ValueError(
                f"off_hours.{name} must be a recurring appscaling.Schedule.cron(...), got "
                f"{expression or schedule!r}"
            )
    if off_hours.scale_down.expression_string == off_hours.scale_up.expression_string:
        raise ValueError(
            "off_hours.scale_down and off_hours.scale_up must differ, both are "
            f"{off_hours.scale_down.expression_string}"
        )
