"""``AsyncInferenceEndpoint``: a SageMaker asynchronous endpoint that scales to zero by default."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..metric_options import MetricOptions, with_defaults
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding
from ..props import duration, implements, instance, is_token, text, whole_number
from ..storage import SustainableBucket
from ._instances import check_current_generation, check_instance
from .endpoint_scaling import (
    check_capacity,
    check_variant,
    endpoint,
    positive_number,
    production_variant,
    sagemaker_metric,
    seconds_within,
    set_inference_ami,
    variant_scalable_target,
)
from .inference_model import DEFAULT_FAMILIES, InferenceModel
from .model_source import ModelSource
from .notification_topic import encrypted_topic, notification_key

if TYPE_CHECKING:
    from typing_extensions import Unpack

_Config = sagemaker.CfnEndpointConfig
DEFAULT_RESULTS_EXPIRY = cdk.Duration.days(30)
_ONE_DAY = cdk.Duration.days(1)
_ONE_MINUTE = cdk.Duration.minutes(1)
_NO_COOLDOWN = cdk.Duration.seconds(0)
_PREFIX = re.compile(r"[^/*][^*]*/")
_PREFIX_ALLOWED = (
    "a key prefix like 'requests/' (not empty, no leading '/', ending with '/', no '*')"
)


class AsyncInferenceEndpoint(Construct):
    """A SageMaker asynchronous endpoint that runs no instance while its queue is empty.

    Requests are payloads in S3 (``input_prefix``); results go to ``output_path``, failures to
    ``failure_path`` and the error topic. The variant is a scalable target with a minimum of
    ``min_capacity`` (0): target tracking keeps ``ApproximateBacklogSizePerInstance`` near
    ``target_backlog_per_instance`` and scales in to zero when the queue is empty, and a
    step-scaling policy adds an instance when an alarm on ``HasBacklogWithoutCapacity`` (a
    request waiting with no instance) fires. The L1 endpoint is ``node.default_child``.

    Give the model as ``source`` (and optionally ``instance_type``/``families``, see
    :class:`InferenceModel`) or as a ready ``model``.

    Number, string and ``Duration`` props take CDK tokens (a ``CfnParameter``'s value) as an
    aws-cdk-lib L2 would: they are checked at deploy time only, noted in the construct's
    ``green-constructs:unchecked`` metadata; a ``Duration`` the template needs in seconds takes
    a token amount in seconds only (``cdk.Duration.seconds(token)``).

    :param source: the model to serve; the construct builds its :class:`InferenceModel`.
    :param model: an existing :class:`InferenceModel` (instead of ``source``).
    :param instance_type: instance type for ``source``; previous-generation instances (``ml.p3``,
        ``ml.g4dn``, ``ml.inf1``...) fail, like the model's own. Default: right-sized from
        ``families``.
    :param families: families right-sizing chooses from. Default: ``("inf2",)``.
    :param variant_name: the production variant's name. Default: ``AllTraffic``.
    :param min_capacity: fewest instances. Default: 0 (scale to zero).
    :param max_capacity: most instances. Default: 2.
    :param initial_instance_count: instances at creation (SageMaker needs at least 1; the
        endpoint scales in to ``min_capacity`` once the queue is empty). Default: 1.
    :param target_backlog_per_instance: queued requests per instance target tracking aims
        for. Default: 5.
    :param scale_in_cooldown: wait after a scale-in before the next one. Default: 10 minutes.
    :param scale_out_cooldown: wait after a target-tracking scale-out. Default: 5 minutes.
    :param wake_up_period: period of the ``HasBacklogWithoutCapacity`` alarm (whole minutes, no
        token: a metric period). Default: 1 minute.
    :param wake_up_evaluation_periods: periods with a waiting request before an instance is
        started. Default: 1.
    :param wake_up_cooldown: time a new instance takes to come into service, during which the
        wake-up policy adds no further instance. Default: 10 minutes.
    :param max_concurrent_invocations_per_instance: requests SageMaker sends to one instance
        at once (1-1000). Default: chosen by SageMaker.
    :param bucket: bucket for requests, results and failures. Default: a new
        :class:`SustainableBucket` whose objects expire after ``results_expire_after``.
    :param results_expire_after: lifetime of requests and results in the bucket the construct
        creates (whole days). Default: 30 days. Not allowed with ``bucket``.
    :param input_prefix: key prefix clients upload requests under. Default: ``input/``.
    :param output_prefix: key prefix of results. Default: ``output/``.
    :param failure_prefix: key prefix of failure reports. Default: ``failure/``.
    :param success_topic: SNS topic told of each result. Default: a new encrypted topic.
    :param error_topic: SNS topic told of each failure. Default: a new encrypted topic.
    :param oldest_request_alarm_threshold: age of the oldest queued request that raises
        :attr:`oldest_request_alarm`. Default: 1 hour.
    :param volume_key: KMS key for the instances' storage volumes (``KmsKeyId``). Default:
        SageMaker's own encryption (instance types with local NVMe storage reject a key).
    :param alarm_topic: SNS topic :attr:`oldest_request_alarm` notifies when it fires. Default:
        none, the alarm has no action (``SustainabilityMonitor`` is the place for
        notifications). An encrypted topic's key must let CloudWatch use it.
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
    bucket: s3.IBucket
    """The bucket holding requests, results and failure reports."""
    cfn_endpoint_config: sagemaker.CfnEndpointConfig
    """The L1 ``AWS::SageMaker::EndpointConfig`` (with the asynchronous inference config)."""
    cfn_endpoint: sagemaker.CfnEndpoint
    """The L1 ``AWS::SageMaker::Endpoint`` (also ``node.default_child``)."""
    scalable_target: appscaling.ScalableTarget
    """The variant's instance count as an Application Auto Scaling target."""
    backlog_tracking: appscaling.TargetTrackingScalingPolicy
    """Target tracking of ``ApproximateBacklogSizePerInstance``."""
    wake_up_policy: appscaling.StepScalingAction
    """The step-scaling policy that adds an instance when a request waits with none running."""
    wake_up_alarm: cloudwatch.Alarm
    """Alarm on ``HasBacklogWithoutCapacity`` that triggers :attr:`wake_up_policy`."""
    oldest_request_alarm: cloudwatch.Alarm
    """Alarm on the age of the oldest queued request (capacity does not keep up)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source: ModelSource | None = None,
        model: InferenceModel | None = None,
        instance_type: str | None = None,
        families: Sequence[str] = DEFAULT_FAMILIES,
        variant_name: str = "AllTraffic",
        min_capacity: int = 0,
        max_capacity: int = 2,
        initial_instance_count: int = 1,
        target_backlog_per_instance: float = 5,
        scale_in_cooldown: cdk.Duration | None = None,
        scale_out_cooldown: cdk.Duration | None = None,
        wake_up_period: cdk.Duration | None = None,
        wake_up_evaluation_periods: int = 1,
        wake_up_cooldown: cdk.Duration | None = None,
        max_concurrent_invocations_per_instance: int | None = None,
        bucket: s3.IBucket | None = None,
        results_expire_after: cdk.Duration | None = None,
        input_prefix: str = "input/",
        output_prefix: str = "output/",
        failure_prefix: str = "failure/",
        success_topic: sns.ITopic | None = None,
        error_topic: sns.ITopic | None = None,
        oldest_request_alarm_threshold: cdk.Duration | None = None,
        volume_key: kms.IKey | None = None,
        alarm_topic: sns.ITopic | None = None,
        container_startup_health_check_timeout: cdk.Duration | None = None,
        model_data_download_timeout: cdk.Duration | None = None,
        volume_size_gb: int | None = None,
    ) -> None:
        if scale_in_cooldown is None:
            scale_in_cooldown = cdk.Duration.minutes(10)
        if scale_out_cooldown is None:
            scale_out_cooldown = cdk.Duration.minutes(5)
        wake_up_period = cdk.Duration.minutes(1) if wake_up_period is None else wake_up_period
        if wake_up_cooldown is None:
            wake_up_cooldown = cdk.Duration.minutes(10)
        if oldest_request_alarm_threshold is None:
            oldest_request_alarm_threshold = cdk.Duration.hours(1)
        super().__init__(scope, construct_id)
        check_variant(
            self,
            variant_name=variant_name,
            container_startup_health_check_timeout=container_startup_health_check_timeout,
            model_data_download_timeout=model_data_download_timeout,
            volume_size_gb=volume_size_gb,
        )
        check_capacity(
            self,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
            initial_instance_count=initial_instance_count,
        )
        positive_number(
            self, "target_backlog_per_instance", target_backlog_per_instance, unit="requests"
        )
        whole_number(
            self, "wake_up_evaluation_periods", wake_up_evaluation_periods, minimum=1, maximum=60
        )
        if max_concurrent_invocations_per_instance is not None:
            whole_number(
                self,
                "max_concurrent_invocations_per_instance",
                max_concurrent_invocations_per_instance,
                minimum=1,
                maximum=1000,
            )
        for name, value in (
            ("scale_in_cooldown", scale_in_cooldown),
            ("scale_out_cooldown", scale_out_cooldown),
            ("wake_up_cooldown", wake_up_cooldown),
        ):
            seconds_within(self, name, value, minimum=_NO_COOLDOWN, maximum=_ONE_DAY)
        _check_period(self, "wake_up_period", wake_up_period)
        seconds_within(
            self,
            "oldest_request_alarm_threshold",
            oldest_request_alarm_threshold,
            minimum=cdk.Duration.minutes(1),
            maximum=_ONE_DAY,
        )
        _check_prefixes(self, input=input_prefix, output=output_prefix, failure=failure_prefix)
        _check_resources(
            bucket=bucket,
            success_topic=success_topic,
            error_topic=error_topic,
            alarm_topic=alarm_topic,
            volume_key=volume_key,
        )
        if instance_type is not None:
            check_current_generation("instance_type", instance_type, feature="hosting")
        self.model = _model(self, source, model, instance_type, families)
        check_instance(self, "instance_type", self.model.instance_type, feature="hosting")
        self.variant_name = variant_name
        self.input_prefix = input_prefix
        self.output_prefix = output_prefix
        self.failure_prefix = failure_prefix
        self.bucket = _results_bucket(self, bucket, results_expire_after)
        self._bucket_key = self.bucket.encryption_key
        if success_topic is None or error_topic is None:
            topic_key = notification_key(self, "NotificationKey")
            success_topic = success_topic or encrypted_topic(
                self, "SuccessTopic", master_key=topic_key, display_name="Async inference results"
            )
            error_topic = error_topic or encrypted_topic(
                self, "ErrorTopic", master_key=topic_key, display_name="Async inference failures"
            )
        self.success_topic: sns.ITopic = success_topic
        self.error_topic: sns.ITopic = error_topic
        self._grant_execution_role()

        self.cfn_endpoint_config = _Config(
            self,
            "Config",
            kms_key_id=volume_key.key_arn if volume_key is not None else None,
            production_variants=[
                production_variant(
                    variant_name=variant_name,
                    model=self.model,
                    initial_instance_count=initial_instance_count,
                    container_startup_health_check_timeout=container_startup_health_check_timeout,
                    model_data_download_timeout=model_data_download_timeout,
                    volume_size_gb=volume_size_gb,
                )
            ],
            async_inference_config=_Config.AsyncInferenceConfigProperty(
                output_config=_Config.AsyncInferenceOutputConfigProperty(
                    s3_output_path=self.output_path,
                    s3_failure_path=self.failure_path,
                    notification_config=_Config.AsyncInferenceNotificationConfigProperty(
                        success_topic=self.success_topic.topic_arn,
                        error_topic=self.error_topic.topic_arn,
                    ),
                ),
                client_config=(
                    _Config.AsyncInferenceClientConfigProperty(
                        max_concurrent_invocations_per_instance=(
                            max_concurrent_invocations_per_instance
                        )
                    )
                    if max_concurrent_invocations_per_instance is not None
                    else None
                ),
            ),
        )
        set_inference_ami(self.cfn_endpoint_config, self.model.instance_type)
        self.cfn_endpoint = endpoint(
            self,
            "Resource",
            self.cfn_endpoint_config,
            instance_type=self.model.instance_type,
            variant_name=variant_name,
        )
        # SageMaker checks the role's access to the bucket and topics when creating the endpoint.
        self.cfn_endpoint.node.add_dependency(self.model.role)

        self.scalable_target = variant_scalable_target(
            self,
            "ScalableTarget",
            endpoint_name=self.endpoint_name,
            variant_name=variant_name,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
        )
        self.scalable_target.node.add_dependency(self.cfn_endpoint)
        self.backlog_tracking = self.scalable_target.scale_to_track_metric(
            "BacklogTracking",
            target_value=target_backlog_per_instance,
            custom_metric=self.metric_backlog_per_instance(),
            scale_in_cooldown=scale_in_cooldown,
            scale_out_cooldown=scale_out_cooldown,
        )
        self.wake_up_policy = appscaling.StepScalingAction(
            self,
            "WakeUpPolicy",
            scaling_target=self.scalable_target,
            adjustment_type=appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
            metric_aggregation_type=appscaling.MetricAggregationType.MAXIMUM,
            cooldown=wake_up_cooldown,
        )
        self.wake_up_policy.add_adjustment(adjustment=1, lower_bound=0)
        wake_up_metric = self.metric_has_backlog_without_capacity(period=wake_up_period)
        self.wake_up_alarm = wake_up_metric.create_alarm(
            self,
            "WakeUpAlarm",
            alarm_description="A request waits with no instance: start one",
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=wake_up_evaluation_periods,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.wake_up_alarm.add_alarm_action(
            cloudwatch_actions.ApplicationScalingAction(self.wake_up_policy)
        )
        self.oldest_request_alarm = self.metric_oldest_request_age(
            period=cdk.Duration.minutes(5)
        ).create_alarm(
            self,
            "OldestRequestAlarm",
            alarm_description="Requests wait longer than expected: capacity does not keep up",
            threshold=oldest_request_alarm_threshold.to_seconds(),
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        if alarm_topic is not None:
            self.oldest_request_alarm.add_alarm_action(cloudwatch_actions.SnsAction(alarm_topic))

    # -- names and locations -------------------------------------------------------------

    @property
    def endpoint_name(self) -> str:
        """The endpoint's name."""
        return self.cfn_endpoint.attr_endpoint_name

    @property
    def endpoint_arn(self) -> str:
        """The endpoint's ARN (``Ref`` of ``AWS::SageMaker::Endpoint``)."""
        return self.cfn_endpoint.ref

    @property
    def output_path(self) -> str:
        """``s3://<bucket>/<output_prefix>``: where SageMaker writes results."""
        return f"s3://{self.bucket.bucket_name}/{self.output_prefix}"

    @property
    def failure_path(self) -> str:
        """``s3://<bucket>/<failure_prefix>``: where SageMaker writes failure reports."""
        return f"s3://{self.bucket.bucket_name}/{self.failure_prefix}"

    # -- grants ----------------------------------------------------------------------------

    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Exactly what a client needs: invoke this endpoint asynchronously, upload requests
        under the input prefix (and delete one whose invocation failed), read results and
        failures, list those two prefixes (S3 answers 403, not 404, for a missing object to a
        caller without s3:ListBucket, per the S3 API Reference's GetObject permissions; the
        client lists a result's own key to tell "not written yet" from a missing
        permission), and use the bucket's key for those objects (through S3 only)."""
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["sagemaker:InvokeEndpointAsync"],
            resource_arns=[self.endpoint_arn],
        )
        grant = grant.combine(
            iam.Grant.add_to_principal(
                grantee=grantee,
                actions=["s3:PutObject", "s3:DeleteObject"],
                resource_arns=[self.bucket.arn_for_objects(f"{self.input_prefix}*")],
            )
        )
        grant = grant.combine(
            iam.Grant.add_to_principal(
                grantee=grantee,
                actions=["s3:GetObject"],
                resource_arns=[
                    self.bucket.arn_for_objects(f"{self.output_prefix}*"),
                    self.bucket.arn_for_objects(f"{self.failure_prefix}*"),
                ],
            )
        )
        grant = grant.combine(
            iam.Grant.add_to_principal(
                grantee=grantee,
                actions=["s3:ListBucket"],
                resource_arns=[self.bucket.bucket_arn],
                conditions={
                    "StringLike": {
                        "s3:prefix": [f"{self.output_prefix}*", f"{self.failure_prefix}*"]
                    }
                },
            )
        )
        if self._bucket_key is not None:
            grant = grant.combine(self._grant_key_via_s3(grantee, self._bucket_key))
        self._acknowledge_prefixes(
            grantee.grant_principal,
            [self.input_prefix, self.output_prefix, self.failure_prefix],
            "A client uploads requests under the endpoint's input prefix and reads results "
            "and failures under its output and failure prefixes; object keys are per request.",
        )
        return grant

    # -- metrics ---------------------------------------------------------------------------

    def metric_backlog(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """``ApproximateBacklogSize``: requests queued or being processed (Average over 1
        minute by default)."""
        return self._metric("ApproximateBacklogSize", cloudwatch.Stats.AVERAGE, 1, options)

    def metric_backlog_per_instance(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """``ApproximateBacklogSizePerInstance``: the backlog divided by the instances
        (Average over 1 minute by default)."""
        return self._metric(
            "ApproximateBacklogSizePerInstance", cloudwatch.Stats.AVERAGE, 1, options
        )

    def metric_oldest_request_age(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """``ApproximateAgeOfOldestRequest`` in seconds (Maximum over 1 minute by default)."""
        return self._metric("ApproximateAgeOfOldestRequest", cloudwatch.Stats.MAXIMUM, 1, options)

    def metric_has_backlog_without_capacity(
        self, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """``HasBacklogWithoutCapacity``: 1 while requests wait and no instance runs (Average
        over 1 minute by default)."""
        return self._metric("HasBacklogWithoutCapacity", cloudwatch.Stats.AVERAGE, 1, options)

    def metric_invocations_processed(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """``InvocationsProcessed``: requests the variant served (asynchronous endpoints
        publish no ``Invocations``; per EndpointName and VariantName; Sum over 5 minutes by
        default)."""
        return self._variant_metric("InvocationsProcessed", cloudwatch.Stats.SUM, 5, options)

    def metric_model_latency(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """``ModelLatency`` (microseconds) of the variant (p90 over 5 minutes by default)."""
        return self._variant_metric("ModelLatency", "p90", 5, options)

    def metric_invocation_failures(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """``InvocationFailures`` of the variant, per EndpointName and VariantName (Sum over 5
        minutes by default)."""
        return self._variant_metric("InvocationFailures", cloudwatch.Stats.SUM, 5, options)

    def _metric(
        self, name: str, statistic: str, minutes: int, options: MetricOptions
    ) -> cloudwatch.Metric:
        # SageMaker publishes the async queue metrics with the EndpointName dimension only.
        return sagemaker_metric(
            name,
            endpoint_name=self.endpoint_name,
            **with_defaults(options, statistic=statistic, period=cdk.Duration.minutes(minutes)),
        )

    def _variant_metric(
        self, name: str, statistic: str, minutes: int, options: MetricOptions
    ) -> cloudwatch.Metric:
        return sagemaker_metric(
            name,
            endpoint_name=self.endpoint_name,
            variant_name=self.variant_name,
            **with_defaults(options, statistic=statistic, period=cdk.Duration.minutes(minutes)),
        )

    # -- wiring ----------------------------------------------------------------------------

    def _grant_execution_role(self) -> None:
        role = self.model.role
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[self.bucket.arn_for_objects(f"{self.input_prefix}*")],
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject"],
                resources=[
                    self.bucket.arn_for_objects(f"{self.output_prefix}*"),
                    self.bucket.arn_for_objects(f"{self.failure_prefix}*"),
                ],
            )
        )
        if self._bucket_key is not None:
            self._grant_key_via_s3(role, self._bucket_key)
        self.success_topic.grant_publish(role)
        self.error_topic.grant_publish(role)
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "SNS encrypts each notification with a fresh data key: grant_publish allows "
            "kms:GenerateDataKey* on the topics' key only.",
            applies_to=["Action::kms:GenerateDataKey*"],
        )
        self._acknowledge_prefixes(
            role,
            [self.input_prefix, self.output_prefix, self.failure_prefix],
            "The endpoint reads each request under its input prefix and writes each result "
            "and failure report under its output and failure prefixes; keys are per request.",
        )

    def _grant_key_via_s3(self, grantee: iam.IGrantable, key: kms.IKey) -> iam.Grant:
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["kms:Decrypt", "kms:GenerateDataKey"],
            resource_arns=[key.key_arn],
            conditions={
                "StringEquals": {"kms:ViaService": f"s3.{cdk.Stack.of(self).region}.amazonaws.com"}
            },
        )

    def _acknowledge_prefixes(self, principal: object, prefixes: list[str], reason: str) -> None:
        if not isinstance(principal, Construct):
            return
        acknowledge(
            principal,
            "AwsSolutions-IAM5",
            reason,
            applies_to=[
                resource_finding(self, self.bucket.arn_for_objects(f"{prefix}*"))
                for prefix in prefixes
            ],
        )


def _model(
    scope: Construct,
    source: ModelSource | None,
    model: InferenceModel | None,
    instance_type: str | None,
    families: Sequence[str],
) -> InferenceModel:
    if model is not None:
        instance("model", model, InferenceModel, "an InferenceModel")
        if source is not None or instance_type is not None:
            raise ValueError(
                "model: give either model (an InferenceModel) or source (with an optional "
                "instance_type), not both"
            )
        return model
    if source is None:
        raise ValueError("source: required (a ModelSource) unless model is given")
    return InferenceModel(
        scope, "Model", source=source, instance_type=instance_type, families=families
    )


def _results_bucket(
    scope: Construct, bucket: s3.IBucket | None, expire_after: cdk.Duration | None
) -> s3.IBucket:
    if bucket is not None:
        if expire_after is not None:
            raise ValueError(
                "results_expire_after: applies only to the bucket the construct creates; "
                "set the lifecycle of the bucket you pass yourself"
            )
        return bucket
    expire_after = expire_after or DEFAULT_RESULTS_EXPIRY
    duration(scope, "results_expire_after", expire_after, minimum=_ONE_DAY, whole="days")
    return SustainableBucket(scope, "Results", expire_after=expire_after).bucket


def _check_resources(
    *,
    bucket: object,
    success_topic: object,
    error_topic: object,
    alarm_topic: object,
    volume_key: object,
) -> None:
    if bucket is not None:
        implements("bucket", bucket, "arn_for_objects", "an s3.IBucket")
    for name, topic in (
        ("success_topic", success_topic),
        ("error_topic", error_topic),
        ("alarm_topic", alarm_topic),
    ):
        if topic is not None:
            implements(name, topic, "topic_arn", "an sns.ITopic")
    if volume_key is not None:
        implements("volume_key", volume_key, "key_arn", "a kms.IKey")


def _check_period(scope: Construct, name: str, period: cdk.Duration) -> None:
    """A concrete whole number of minutes: a CloudWatch metric's period takes no token."""
    if isinstance(period, cdk.Duration) and period.is_unresolved():
        raise ValueError(
            f"{name} must be a concrete cdk.Duration of whole minutes (a CloudWatch metric "
            f"period takes no token), got {period.to_human_string()}"
        )
    duration(scope, name, period, minimum=_ONE_MINUTE, maximum=_ONE_DAY, whole="minutes")


def _check_prefixes(scope: Construct, **prefixes: str) -> None:
    concrete = {}
    for name, prefix in prefixes.items():
        text(scope, f"{name}_prefix", prefix, pattern=_PREFIX, allowed=_PREFIX_ALLOWED)
        if not is_token(prefix):
            concrete[name] = prefix
    for name, prefix in concrete.items():
        for other, other_prefix in concrete.items():
            if name != other and other_prefix.startswith(prefix):
                raise ValueError(
                    f"{name}_prefix ({prefix!r}) must not contain {other}_prefix "
                    f"({other_prefix!r}): each kind of object needs its own prefix"
                )
