"""``BatchTransformPipeline``: files dropped under an S3 prefix run a SageMaker transform job.

Nothing runs between jobs: an EventBridge rule starts a Step Functions execution per new object,
the execution runs one transform job (``createTransformJob.sync``) and SageMaker releases its
instances when the job ends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from ..job_workflow import (
    CAPACITY_FAILURE,
    ExecutionMetrics,
    check_job_name_prefix,
    check_retry_props,
    default_job_name_prefix,
    execution_timeout,
    first_attempt,
    job_instance_metric,
    logged_state_machine,
    notify,
    retry_api_errors,
    retry_failed_jobs,
    unique_job_name,
)
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding
from ..props import duration, instance, is_token, text, whole_number
from ..storage import SustainableBucket
from ..storage.event_bridge import enable_event_bridge
from ._instances import check_current_generation, check_instance
from .endpoint_scaling import seconds_within
from .inference_model import DEFAULT_FAMILIES, InferenceModel
from .model_source import ModelSource
from .notification_topic import encrypted_topic, notification_key

if TYPE_CHECKING:
    pass

BatchStrategy = tasks.BatchStrategy
SplitType = tasks.SplitType
AssembleWith = tasks.AssembleWith

TRANSFORM_JOBS_NAMESPACE = "/aws/sagemaker/TransformJobs"
_PREFIX = re.compile(r"[a-zA-Z0-9!_.()-]+(/[a-zA-Z0-9!_.()-]+)*/")
_PREFIX_ALLOWED = "a relative S3 key prefix ending with '/' (e.g. 'input/')"
_MIME_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+(;\s*[\w.+-]+=\S+)*")
_MIME_ALLOWED = "a MIME type like 'application/jsonlines' (type/subtype)"
DEFAULT_EXPIRY = cdk.Duration.days(30)
"""Lifetime of inputs and results in the bucket a pipeline creates."""


class BatchTransformPipeline(ExecutionMetrics, Construct):
    """Event-driven SageMaker batch transform on Inferentia2 (or Graviton/CPU).

    Each non-empty object created under ``input_prefix`` of ``bucket`` starts one execution (empty
    objects, such as the console's folders, do not), which runs a transform job on that object
    and writes the results under
    ``<output_prefix><job name>/``. The job name is ``<job_name_prefix>-<MD5 of the execution
    name>-<attempt>``: unique per execution and attempt, and always within SageMaker's 63
    characters. Calls SageMaker rejects (throttling, quotas) are retried with exponential
    backoff; a job that fails for lack of capacity (``CapacityError``) is started again, under
    a new name, after a doubling wait. Success and failure are published to ``topic``.

    Instance types: the image must match the instance's accelerator (Neuron images on
    ``ml.inf2``, CPU images on Graviton or x86); previous-generation instances fail synth; GPU
    and x86 instances synthesize but ``GenAI-InferenceAccelerator`` reports them.

    Number, string and ``Duration`` props take CDK tokens (a ``CfnParameter``'s value) as an
    aws-cdk-lib L2 would: they are checked at deploy time only, noted in the construct's
    ``green-constructs:unchecked`` metadata; a ``Duration`` the template needs in seconds takes
    a token amount in seconds only (``cdk.Duration.seconds(token)``).

    :param source: the model (any :class:`ModelSource`).
    :param instance_type: the transform instances. Default: right-sized from ``families`` when
        the source knows the model's size (otherwise required).
    :param families: families right-sizing may choose from. Default: ``("inf2",)``.
    :param instance_count: instances per job. Default: 1.
    :param bucket: where inputs and results live. Default: a new :class:`SustainableBucket`
        whose objects expire after ``expire_after``. EventBridge notifications are turned on.
    :param expire_after: expiry of inputs and results in the bucket created (not allowed with
        ``bucket``: set its lifecycle yourself). Default: 30 days.
    :param input_prefix: new objects under it are transformed. Default: ``"input/"``.
    :param output_prefix: results go under it; must not overlap ``input_prefix``. Default:
        ``"output/"``.
    :param batch_strategy: ``SINGLE_RECORD`` sends one record per request (what LLM serving
        containers expect); ``MULTI_RECORD`` packs records up to ``max_payload_mb``.
        Default: ``BatchStrategy.SINGLE_RECORD``.
    :param split_type: how input files split into records. Default: ``SplitType.LINE``.
    :param assemble_with: how results are joined. Default: ``AssembleWith.LINE``.
    :param content_type: the MIME type of the input. Default: ``"application/jsonlines"``.
    :param accept: the MIME type of the output. Default: the container's.
    :param max_payload_mb: the largest request in MB (0-100). Default: 6.
    :param max_concurrent_transforms: parallel requests per instance; set it to the batch size
        the model was compiled for. Default: SageMaker's (the container's execution-parameters,
        else 1). ``max_concurrent_transforms * max_payload_mb`` may not exceed 100.
    :param invocation_timeout: timeout of one request (1 s to 1 h). Default: 10 minutes.
    :param invocation_max_retries: retries of a failed request (0-3). Default: 1.
    :param job_name_prefix: start of every job name. Default: the construct id and a hash of
        its path (``summarize-28229154``), unique per construct.
    :param job_timeout: a job running longer is stopped (no token: the execution timeout is
        computed from it, as from the two props below). Default: 12 hours.
    :param capacity_retries: new attempts after a ``CapacityError`` (0-9). Default: 3.
    :param capacity_retry_wait: wait before the first of them, doubling after each.
        Default: 5 minutes.
    :param log_retention: state machine log retention. Default: one month.
    :param network_isolation: see :class:`InferenceModel`. Default: False.
    """

    model: InferenceModel
    """The SageMaker model the transform jobs run."""
    bucket: SustainableBucket
    """The bucket holding inputs (under ``input_prefix``) and results (under ``output_prefix``)."""
    state_machine: sfn.StateMachine
    """The state machine running one transform job per new input object."""
    rule: events.Rule
    """The EventBridge rule starting an execution for each object created under the input prefix."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source: ModelSource,
        instance_type: str | None = None,
        families: Sequence[str] = DEFAULT_FAMILIES,
        instance_count: int = 1,
        bucket: SustainableBucket | None = None,
        expire_after: cdk.Duration | None = None,
        input_prefix: str = "input/",
        output_prefix: str = "output/",
        batch_strategy: tasks.BatchStrategy = tasks.BatchStrategy.SINGLE_RECORD,
        split_type: tasks.SplitType = tasks.SplitType.LINE,
        assemble_with: tasks.AssembleWith = tasks.AssembleWith.LINE,
        content_type: str = "application/jsonlines",
        accept: str | None = None,
        max_payload_mb: int = 6,
        max_concurrent_transforms: int | None = None,
        invocation_timeout: cdk.Duration | None = None,
        invocation_max_retries: int = 1,
        job_name_prefix: str | None = None,
        job_timeout: cdk.Duration | None = None,
        capacity_retries: int = 3,
        capacity_retry_wait: cdk.Duration | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        network_isolation: bool = False,
    ) -> None:
        if invocation_timeout is None:
            invocation_timeout = cdk.Duration.minutes(10)
        job_timeout = cdk.Duration.hours(12) if job_timeout is None else job_timeout
        if capacity_retry_wait is None:
            capacity_retry_wait = cdk.Duration.minutes(5)
        super().__init__(scope, construct_id)
        job_name_prefix = job_name_prefix or default_job_name_prefix(self, "batch")
        _check_props(
            self,
            instance_count=instance_count,
            input_prefix=input_prefix,
            output_prefix=output_prefix,
            content_type=content_type,
            accept=accept,
            max_payload_mb=max_payload_mb,
            max_concurrent_transforms=max_concurrent_transforms,
            invocation_timeout=invocation_timeout,
            invocation_max_retries=invocation_max_retries,
            job_name_prefix=job_name_prefix,
            job_timeout=job_timeout,
            capacity_retries=capacity_retries,
            capacity_retry_wait=capacity_retry_wait,
        )
        _check_choices(
            batch_strategy=batch_strategy,
            split_type=split_type,
            assemble_with=assemble_with,
            log_retention=log_retention,
        )
        if instance_type is not None:
            check_current_generation("instance_type", instance_type, feature="transform")
        self.input_prefix = input_prefix
        self.output_prefix = output_prefix
        self.job_name_prefix = job_name_prefix

        self.model = InferenceModel(
            self,
            "Model",
            source=source,
            instance_type=instance_type,
            families=families,
            network_isolation=network_isolation,
        )
        check_instance(self, "instance_type", self.model.instance_type, feature="transform")
        self.bucket = _pipeline_bucket(self, bucket, expire_after)
        enable_event_bridge(self.bucket.bucket)
        self._grant_job_data_access()

        key = notification_key(self, "TopicKey")
        self.topic: sns.Topic = encrypted_topic(
            self, "Topic", master_key=key, display_name=f"{construct_id} batch transform jobs"
        )
        transform = tasks.SageMakerCreateTransformJob(
            self,
            "Transform",
            integration_pattern=sfn.IntegrationPattern.RUN_JOB,
            transform_job_name=sfn.JsonPath.string_at("$.job.name"),
            model_name=self.model.model_name,
            role=self.model.role,
            batch_strategy=batch_strategy,
            max_payload=cdk.Size.mebibytes(max_payload_mb) if max_payload_mb else None,
            max_concurrent_transforms=max_concurrent_transforms,
            model_client_options=tasks.ModelClientOptions(
                invocations_max_retries=invocation_max_retries,
                invocations_timeout=invocation_timeout,
            ),
            transform_input=tasks.TransformInput(
                transform_data_source=tasks.TransformDataSource(
                    s3_data_source=tasks.TransformS3DataSource(
                        s3_uri=sfn.JsonPath.string_at("$.job.input"),
                        s3_data_type=tasks.S3DataType.S3_PREFIX,
                    )
                ),
                content_type=content_type,
                split_type=split_type,
            ),
            transform_output=tasks.TransformOutput(
                s3_output_path=sfn.JsonPath.string_at("$.job.output"),
                assemble_with=assemble_with,
                accept=accept,
            ),
            transform_resources=tasks.TransformResources(
                instance_count=instance_count,
                instance_type=ec2.InstanceType(self.model.instance_type.removeprefix("ml.")),
            ),
            task_timeout=sfn.Timeout.duration(job_timeout),
            result_path="$.transform",
        )
        retry_api_errors(transform)
        self.state_machine = self._state_machine(
            transform,
            capacity_retries=capacity_retries,
            capacity_retry_wait=capacity_retry_wait,
            job_timeout=job_timeout,
            log_retention=log_retention,
        )
        key.grant(self.state_machine, "kms:GenerateDataKey", "kms:Decrypt")  # encrypted topic
        self.node.default_child = self.state_machine.node.default_child
        self.rule = events.Rule(
            self,
            "ObjectCreated",
            description=f"Objects created under {input_prefix} start a batch transform",
            event_pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created"],
                detail={
                    "bucket": {"name": [self.bucket.bucket_name]},
                    # Folders made in the console are empty objects named '<prefix>/': a job on
                    # one would transform everything below it. (An anything-but suffix filter
                    # on the key would be ORed with its prefix filter, not ANDed.)
                    "object": {"key": [{"prefix": input_prefix}], "size": [{"numeric": [">", 0]}]},
                },
            ),
            targets=[targets.SfnStateMachine(self.state_machine)],
        )

    def grant_submit(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` upload objects under the input prefix (which starts jobs).

        When ``grantee`` is a construct (a role, a function...), the prefix wildcard this
        needs is acknowledged on it for ``AwsSolutions-IAM5``.
        """
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["s3:PutObject", "s3:AbortMultipartUpload"],
            resource_arns=[self.bucket.bucket.arn_for_objects(f"{self.input_prefix}*")],
        )
        if isinstance(grantee, Construct):
            acknowledge(
                grantee,
                "AwsSolutions-IAM5",
                "Submitting a batch means uploading objects of any name under "
                f"{self.input_prefix}; the grant reaches only that prefix.",
                applies_to=[self._objects_finding(self.input_prefix)],
            )
        return grant.combine(
            self.bucket.encryption_key.grant(grantee, "kms:GenerateDataKey", "kms:Encrypt")
        )

    def search_transform_instances(
        self,
        metric_name: str = "CPUUtilization",
        *,
        statistic: str = cloudwatch.Stats.AVERAGE,
        period: cdk.Duration | None = None,
        label: str | None = None,
    ) -> cloudwatch.SearchExpression:
        """Every instance of this pipeline's transform jobs, one line per ``Host``: for
        dashboards only (a ``SEARCH`` cannot drive an alarm).

        :param metric_name: ``CPUUtilization``, ``MemoryUtilization``, ``DiskUtilization``;
            ``NeuronCoreUtilization`` where the container reports it. Default:
            ``CPUUtilization``.
        :param statistic: Default: ``Average``.
        :param period: Default: 5 minutes.
        :param label: Default: ``<job_name_prefix> <metric_name>``.

        Job names are made per execution and ``Host`` (``<job name>/<instance id>``) is the
        metrics' only dimension; Metrics Insights' ``WHERE`` has no prefix match, so no alarm
        can select these instances. Alarm on :meth:`metric_executions_failed` and
        :meth:`metric_execution_time` (``job_timeout`` bounds a job's waste).
        """
        return job_instance_metric(
            TRANSFORM_JOBS_NAMESPACE,
            self.job_name_prefix,
            metric_name,
            statistic=statistic,
            period=cdk.Duration.minutes(5) if period is None else period,
            label=label,
        )

    def _objects_finding(self, prefix: str) -> str:
        """cdk-nag's name of the objects under ``prefix`` (which may be a token)."""
        return resource_finding(self, self.bucket.bucket.arn_for_objects(f"{prefix}*"))

    def _grant_job_data_access(self) -> None:
        """The model's role reads the input prefix and writes the output prefix (the transform
        job runs with it), nothing else in the bucket."""
        role, bucket = self.model.role, self.bucket
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[bucket.bucket.arn_for_objects(f"{self.input_prefix}*")],
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{self.input_prefix}*"]}},
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                resources=[bucket.bucket.arn_for_objects(f"{self.output_prefix}*")],
            )
        )
        bucket.encryption_key.grant(role, "kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt")
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "Transform jobs read the objects under the input prefix and write results under "
            "keys SageMaker names per job below the output prefix; the role reaches only those "
            "two prefixes.",
            applies_to=[
                self._objects_finding(self.input_prefix),
                self._objects_finding(self.output_prefix),
            ],
        )

    def _state_machine(
        self,
        transform: tasks.SageMakerCreateTransformJob,
        *,
        capacity_retries: int,
        capacity_retry_wait: cdk.Duration,
        job_timeout: cdk.Duration,
        log_retention: logs.RetentionDays,
    ) -> sfn.StateMachine:
        prepare = sfn.Pass(
            self,
            "Prepare",
            comment="Keep the new object's location and start the attempt counter",
            parameters={
                "object": {
                    "bucket": sfn.JsonPath.string_at("$.detail.bucket.name"),
                    "key": sfn.JsonPath.string_at("$.detail.object.key"),
                },
                **first_attempt(capacity_retry_wait),
            },
        )
        job_name = unique_job_name(self.job_name_prefix)
        name_job = sfn.Pass(
            self,
            "NameJob",
            comment="A job name unique per execution and attempt, at most 63 characters",
            parameters={
                "name": job_name,
                "input": sfn.JsonPath.format(
                    "s3://{}/{}",
                    sfn.JsonPath.string_at("$.object.bucket"),
                    sfn.JsonPath.string_at("$.object.key"),
                ),
                "output": sfn.JsonPath.format(
                    "s3://{}/{}{}/",
                    sfn.JsonPath.string_at("$.object.bucket"),
                    self.output_prefix,
                    job_name,
                ),
            },
            result_path="$.job",
        )
        notify_success = notify(
            self,
            "NotifySuccess",
            topic=self.topic,
            subject="Batch transform succeeded",
            status="Succeeded",
            details={
                "input": sfn.JsonPath.string_at("$.job.input"),
                "output": sfn.JsonPath.string_at("$.job.output"),
            },
        )
        notify_failure = notify(
            self,
            "NotifyFailure",
            topic=self.topic,
            subject="Batch transform failed",
            status="Failed",
            details={
                "input": sfn.JsonPath.string_at("$.job.input"),
            },
        )
        retry_failed_jobs(
            self,
            task=transform,
            restart=name_job,
            retries=capacity_retries,
            causes=[CAPACITY_FAILURE],
            carry={"object": sfn.JsonPath.object_at("$.object")},
            on_failure=notify_failure.next(sfn.Fail(self, "Failed", error="TransformJobFailed")),
        )
        definition = (
            prepare.next(name_job)
            .next(transform)
            .next(notify_success)
            .next(sfn.Succeed(self, "Done"))
        )
        state_machine = logged_state_machine(
            self,
            definition=definition,
            comment="Runs a SageMaker transform job on each new input object",
            timeout=execution_timeout(job_timeout, capacity_retries, capacity_retry_wait),
            log_retention=log_retention,
        )
        # the task's own policy allows transform-job/* (stack.format_arn, as here)
        jobs = cdk.Stack.of(self).format_arn(
            service="sagemaker", resource="transform-job", resource_name="*"
        )
        acknowledge(
            state_machine.role,
            "AwsSolutions-IAM5",
            "Job names are made per execution at run time, so the .sync integration creates, "
            "describes and stops transform-job/* (and reads its completion events); "
            "sagemaker:ListTags, X-Ray's PutTraceSegments and CloudWatch Logs' log delivery "
            "actions take no resource.",
            applies_to=[resource_finding(self, jobs), "Resource::*"],
        )
        return state_machine


def _check_props(
    scope: Construct,
    *,
    instance_count: int,
    input_prefix: str,
    output_prefix: str,
    content_type: str,
    accept: str | None,
    max_payload_mb: int,
    max_concurrent_transforms: int | None,
    invocation_timeout: cdk.Duration,
    invocation_max_retries: int,
    job_name_prefix: str,
    job_timeout: cdk.Duration,
    capacity_retries: int,
    capacity_retry_wait: cdk.Duration,
) -> None:
    whole_number(scope, "instance_count", instance_count, minimum=1)
    _check_prefixes(scope, input_prefix, output_prefix)
    text(scope, "content_type", content_type, pattern=_MIME_TYPE, allowed=_MIME_ALLOWED)
    if accept is not None:
        text(scope, "accept", accept, pattern=_MIME_TYPE, allowed=_MIME_ALLOWED)
    payload = whole_number(scope, "max_payload_mb", max_payload_mb, minimum=0, maximum=100)
    if max_concurrent_transforms is not None:
        concurrent = whole_number(
            scope, "max_concurrent_transforms", max_concurrent_transforms, minimum=1
        )
        if not (is_token(concurrent) or is_token(payload)) and concurrent * payload > 100:
            raise ValueError(
                "max_concurrent_transforms * max_payload_mb must be at most 100 (MB), got "
                f"{concurrent} * {payload}"
            )
    seconds_within(
        scope,
        "invocation_timeout",
        invocation_timeout,
        minimum=cdk.Duration.seconds(1),
        maximum=cdk.Duration.hours(1),
    )
    whole_number(scope, "invocation_max_retries", invocation_max_retries, minimum=0, maximum=3)
    check_job_name_prefix(job_name_prefix)
    # the state machine's timeout and first wait are computed from these at synth time
    for name, value in (("job_timeout", job_timeout), ("capacity_retry_wait", capacity_retry_wait)):
        if isinstance(value, cdk.Duration) and value.is_unresolved():
            raise ValueError(
                f"{name} must be a concrete cdk.Duration of whole seconds (the execution "
                f"timeout is computed from it at synth time), got {value.to_human_string()}"
            )
        duration(scope, name, value)
    if is_token(capacity_retries):
        raise ValueError(
            "capacity_retries must be a concrete whole number from 0 to 9 (the execution "
            "timeout is computed from it at synth time), got a token"
        )
    check_retry_props(
        job_timeout=job_timeout,
        capacity_retries=capacity_retries,
        capacity_retry_wait=capacity_retry_wait,
    )


def _check_prefixes(scope: Construct, input_prefix: str, output_prefix: str) -> None:
    for name, prefix in (("input_prefix", input_prefix), ("output_prefix", output_prefix)):
        text(scope, name, prefix, pattern=_PREFIX, allowed=_PREFIX_ALLOWED)
    if is_token(input_prefix) or is_token(output_prefix):
        return
    if input_prefix.startswith(output_prefix) or output_prefix.startswith(input_prefix):
        raise ValueError(
            f"output_prefix ({output_prefix!r}) must not overlap input_prefix "
            f"({input_prefix!r}): results written under the input prefix would start new jobs"
        )


def _check_choices(
    *,
    batch_strategy: object,
    split_type: object,
    assemble_with: object,
    log_retention: object,
) -> None:
    for name, value, kind in (
        ("batch_strategy", batch_strategy, tasks.BatchStrategy),
        ("split_type", split_type, tasks.SplitType),
        ("assemble_with", assemble_with, tasks.AssembleWith),
        ("log_retention", log_retention, logs.RetentionDays),
    ):
        instance(name, value, kind, f"a {kind.__name__} member")


def _pipeline_bucket(
    scope: Construct, bucket: SustainableBucket | None, expire_after: cdk.Duration | None
) -> SustainableBucket:
    if bucket is None:
        expire_after = expire_after or DEFAULT_EXPIRY
        duration(scope, "expire_after", expire_after, minimum=cdk.Duration.days(1), whole="days")
        return SustainableBucket(scope, "Bucket", expire_after=expire_after)
    if not isinstance(bucket, SustainableBucket):
        raise TypeError(
            "bucket must be a SustainableBucket (the pipeline turns on its EventBridge "
            f"notifications and encrypts with its key), got {type(bucket).__name__}"
        )
    if expire_after is not None:
        raise ValueError(
            "expire_after: applies only to the bucket the pipeline creates; set the lifecycle "
            "of the bucket you pass yourself"
        )
    return bucket
