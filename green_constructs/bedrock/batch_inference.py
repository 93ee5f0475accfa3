"""``BedrockBatchInference``: JSONL files dropped under an S3 prefix run Bedrock batch inference.

Batch inference (``CreateModelInvocationJob``) runs on Bedrock's shared capacity, at a lower
price than on-demand calls, with nothing of ours running between jobs: an EventBridge rule starts
a Step Functions execution per new ``.jsonl`` object, which checks the file's record count,
creates one job through the AWS SDK integration, polls it with a doubling wait, and reports the
outcome on an encrypted SNS topic. Results land under the output prefix, which expires them.

Statuses (botocore ``bedrock`` 2023-04-20, ``ModelInvocationJobStatus``): ``Completed`` and
``PartiallyCompleted`` end in success (partial: records Bedrock could not process in time are
listed in the output); ``Failed``, ``Stopped`` and ``Expired`` (scheduled but not started within
the timeout) in failure; ``Submitted``, ``Validating``, ``Scheduled``, ``InProgress`` and
``Stopping`` keep the execution waiting.
"""

from __future__ import annotations

import re

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from .. import props
from ..inference.notification_topic import encrypted_topic, notification_key
from ..job_workflow import (
    ExecutionMetrics,
    check_job_name_prefix,
    default_job_name_prefix,
    execution_hash,
    notify,
)
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding
from ..storage import SustainableBucket
from ..storage.event_bridge import enable_event_bridge
from .handler_function import handler_function
from .models import BedrockModel

SUCCEEDED_STATUSES = ("Completed", "PartiallyCompleted")
FAILED_STATUSES = ("Failed", "Stopped", "Expired")
RUNNING_STATUSES = ("Submitted", "Validating", "Scheduled", "InProgress", "Stopping")
"""Together, botocore's ``ModelInvocationJobStatus`` enum (checked by a test)."""
TIMEOUT_HOURS = (24, 168)
"""botocore ``ModelInvocationJobTimeoutDurationInHours``: min 24, max 168."""
MIN_RECORDS = 100
"""Bedrock quota "Minimum number of records per batch inference job" (default 100; Service
Quotas, and the user guide's "Format and upload your batch inference data")."""
MAX_RECORDS = 50_000
"""Bedrock quota "Maximum number of records per input file per batch inference job" (default
50,000 as transcribed 2026-12-05; adjustable, set ``max_records`` to your account's value)."""
MAX_INPUT_BYTES = 1_000_000_000
"""Bedrock quota "Batch inference input file size" (1 GB by default as transcribed)."""
API_RETRY_ERRORS = ("Bedrock.ThrottlingException", "Bedrock.InternalServerException")
QUOTA_ERRORS = ("Bedrock.ServiceQuotaExceededException",)
"""Too many jobs submitted or in progress: wait for running jobs to finish."""
_PREFIX = re.compile(r"^[a-zA-Z0-9!_.()-]+(/[a-zA-Z0-9!_.()-]+)*/$")
_JOBS = "model-invocation-job"


class BedrockBatchInference(ExecutionMetrics, Construct):
    """Event-driven Amazon Bedrock batch inference on one model.

    Each ``.jsonl`` object created under ``input_prefix`` (records ``{"recordId", "modelInput"}``
    one a line, ``modelInput`` the model's InvokeModel body) starts one execution: a function
    counts its records (streaming, stopping past ``max_records``) and refuses files Bedrock
    would refuse; then a job ``<job_name_prefix>-<MD5 of the execution name>`` is created (the
    MD5 is also its idempotency token, so a retried call cannot start two jobs) writing under
    ``<output_prefix><job name>/``, polled every ``poll_interval`` doubling up to
    ``max_poll_interval``, and reported on :attr:`topic`. Throttled calls are retried with
    backoff; a full job queue (``ServiceQuotaExceededException``) is retried for up to about
    7 hours.

    :param model: the model (:meth:`BedrockModel.of` / :meth:`BedrockModel.smallest`); must
        take batch inference and be offered in the stack's region (checked at synth).
    :param bucket: where inputs and results live. Default: a new :class:`SustainableBucket`
        (retained, versioned, KMS). EventBridge notifications are turned on, and the two
        prefixes' expiry rules are added to a bucket you pass too.
    :param input_prefix: new ``.jsonl`` objects under it start jobs. Default: ``"input/"``.
    :param output_prefix: results go under it; must not overlap ``input_prefix``.
        Default: ``"output/"``.
    :param input_expire_after: inputs expire this long after upload. Default: 30 days.
    :param output_expire_after: results expire this long after they are written.
        Default: 90 days.
    :param timeout_hours: Bedrock stops a job (``PartiallyCompleted``), or expires one not
        started, after this many hours (24-168, botocore's range). Default: 24.
    :param min_records: files with fewer records are refused. Default: 100 (Bedrock's quota).
    :param max_records: files with more records are refused. Default: 50,000.
    :param max_input_bytes: larger files are refused unread. Default: 1 GB.
    :param poll_interval: first wait before checking the job. Default: 1 minute.
    :param max_poll_interval: the doubling wait stops growing here. Default: 15 minutes.
    :param job_name_prefix: start of every job name (at most 28 characters). Default: the
        construct id and a hash of its path.
    :param log_retention: retention of the state machine's and the function's logs.
        Default: one month.
    """

    model: BedrockModel
    """The model the jobs run."""
    bucket: SustainableBucket
    """Inputs (under ``input_prefix``) and results (under ``output_prefix``)."""
    service_role: iam.Role
    """The role Bedrock assumes to read inputs, invoke the model and write results."""
    topic: sns.Topic
    """Job outcomes (encrypted)."""
    state_machine: sfn.StateMachine
    """One execution per input object."""
    rule: events.Rule
    """Starts an execution for each ``.jsonl`` object created under the input prefix."""
    counter: lambda_.Function
    """Counts an input's records before a job is created."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        model: BedrockModel,
        bucket: SustainableBucket | None = None,
        input_prefix: str = "input/",
        output_prefix: str = "output/",
        input_expire_after: cdk.Duration | None = None,
        output_expire_after: cdk.Duration | None = None,
        timeout_hours: int = 24,
        min_records: int = MIN_RECORDS,
        max_records: int = MAX_RECORDS,
        max_input_bytes: int = MAX_INPUT_BYTES,
        poll_interval: cdk.Duration | None = None,
        max_poll_interval: cdk.Duration | None = None,
        job_name_prefix: str | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        input_expire_after = input_expire_after or cdk.Duration.days(30)
        output_expire_after = output_expire_after or cdk.Duration.days(90)
        poll_interval = poll_interval or cdk.Duration.minutes(1)
        max_poll_interval = max_poll_interval or cdk.Duration.minutes(15)
        super().__init__(scope, construct_id)
        job_name_prefix = job_name_prefix or default_job_name_prefix(self, "batch")
        props.instance("model", model, BedrockModel, "a BedrockModel")
        _check_props(
            self,
            input_prefix=input_prefix,
            output_prefix=output_prefix,
            input_expire_after=input_expire_after,
            output_expire_after=output_expire_after,
            timeout_hours=timeout_hours,
            min_records=min_records,
            max_records=max_records,
            max_input_bytes=max_input_bytes,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            job_name_prefix=job_name_prefix,
        )
        model.bind(self, prop="model", batch_inference=True)
        self.model = model
        self.input_prefix, self.output_prefix = input_prefix, output_prefix
        self.job_name_prefix = job_name_prefix
        self._limits = (min_records, max_records, max_input_bytes)
        self._poll = (int(poll_interval.to_seconds()), int(max_poll_interval.to_seconds()))

        self.bucket = self._bucket(bucket, input_expire_after, output_expire_after)
        self.service_role = self._service_role()
        key = notification_key(self, "TopicKey")
        self.topic = encrypted_topic(
            self, "Topic", master_key=key, display_name=f"{construct_id} Bedrock batch jobs"
        )
        self.counter = self._counter(log_retention)
        self.state_machine = self._state_machine(timeout_hours, log_retention)
        key.grant(self.state_machine, "kms:GenerateDataKey", "kms:Decrypt")  # encrypted topic
        self.node.default_child = self.state_machine.node.default_child
        self.rule = events.Rule(
            self,
            "ObjectCreated",
            description=f"JSONL objects created under {input_prefix} start Bedrock batch jobs",
            event_pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created"],
                detail={
                    "bucket": {"name": [self.bucket.bucket_name]},
                    # one wildcard: prefix AND suffix (two filters on a field are ORed)
                    "object": {
                        "key": [{"wildcard": f"{input_prefix}*.jsonl"}],
                        "size": [{"numeric": [">", 0]}],
                    },
                },
            ),
            targets=[targets.SfnStateMachine(self.state_machine)],
        )

    def grant_submit(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` upload objects under the input prefix (which starts jobs)."""
        objects = self.bucket.bucket.arn_for_objects(f"{self.input_prefix}*")
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["s3:PutObject", "s3:AbortMultipartUpload"],
            resource_arns=[objects],
        )
        if isinstance(grantee, Construct):
            acknowledge(
                grantee,
                "AwsSolutions-IAM5",
                f"Submitting a batch means uploading objects of any name under "
                f"{self.input_prefix}; the grant reaches only that prefix.",
                applies_to=[resource_finding(grantee, objects)],
            )
        return grant.combine(
            self.bucket.encryption_key.grant(grantee, "kms:GenerateDataKey", "kms:Encrypt")
        )

    def _jobs_arn(self) -> str:
        return cdk.Stack.of(self).format_arn(service="bedrock", resource=_JOBS, resource_name="*")

    def _bucket(
        self,
        bucket: SustainableBucket | None,
        input_expire_after: cdk.Duration,
        output_expire_after: cdk.Duration,
    ) -> SustainableBucket:
        if bucket is None:
            bucket = SustainableBucket(self, "Bucket")
        elif not isinstance(bucket, SustainableBucket):
            raise ValueError(
                "bucket must be a SustainableBucket (its EventBridge notifications are turned "
                f"on and its key encrypts the data), got {type(bucket).__name__}"
            )
        enable_event_bridge(bucket.bucket)
        bucket.bucket.add_lifecycle_rule(
            id="expire-batch-inputs", prefix=self.input_prefix, expiration=input_expire_after
        )
        bucket.bucket.add_lifecycle_rule(
            id="expire-batch-results", prefix=self.output_prefix, expiration=output_expire_after
        )
        return bucket

    def _service_role(self) -> iam.Role:
        """The role Bedrock runs jobs with: trusted by Bedrock for this account's jobs only."""
        stack = cdk.Stack.of(self)
        jobs = self._jobs_arn()
        role = iam.Role(
            self,
            "ServiceRole",
            description="Amazon Bedrock batch inference: reads inputs, invokes one model, "
            "writes results",
            assumed_by=iam.ServicePrincipal(
                "bedrock.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {"aws:SourceArn": jobs},
                },
            ),
        )
        model_arns = self.model.invoke_arns(self)
        role.add_to_policy(
            iam.PolicyStatement(actions=["bedrock:InvokeModel"], resources=model_arns)
        )
        bucket = self.bucket
        inputs = bucket.bucket.arn_for_objects(f"{self.input_prefix}*")
        outputs = bucket.bucket.arn_for_objects(f"{self.output_prefix}*")
        role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[inputs]))
        # no s3:prefix condition: HeadBucket, which Bedrock may call to check the bucket, is
        # authorized by s3:ListBucket and has no prefix (Amazon S3 API reference, HeadBucket)
        role.add_to_policy(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn])
        )
        role.add_to_policy(iam.PolicyStatement(actions=["s3:PutObject"], resources=[outputs]))
        bucket.encryption_key.grant(role, "kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt")
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "Bedrock reads the objects under the input prefix and writes results under keys it "
            "names per job below the output prefix; an inference profile routes to its "
            "foundation model in any region of its geography. Nothing else is reachable.",
            applies_to=[resource_finding(role, arn) for arn in (inputs, outputs, *model_arns[1:])],
        )
        return role

    def _counter(self, log_retention: logs.RetentionDays) -> lambda_.Function:
        log_group = logs.LogGroup(
            self, "CounterLogs", retention=log_retention, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        role = iam.Role(
            self,
            "CounterRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Counts the records of new batch inference inputs",
        )
        inputs = self.bucket.bucket.arn_for_objects(f"{self.input_prefix}*")
        role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[inputs]))
        self.bucket.encryption_key.grant(role, "kms:Decrypt")
        log_group.grant_write(role)
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            f"Inputs are named at run time; the function reads only objects under "
            f"{self.input_prefix}.",
            applies_to=[resource_finding(role, inputs)],
        )
        return handler_function(
            self,
            "Counter",
            module="record_counter",
            description="Counts the records of a Bedrock batch inference input (streaming)",
            role=role,
            log_group=log_group,
            memory_size=256,
            timeout=cdk.Duration.minutes(5),
            retry_attempts=0,
            runtime_reason="; the handler uses only boto3.",
        )

    def _state_machine(
        self, timeout_hours: int, log_retention: logs.RetentionDays
    ) -> sfn.StateMachine:
        min_records, max_records, max_bytes = self._limits
        first_wait, max_wait = self._poll
        bucket = sfn.JsonPath.string_at("$.detail.bucket.name")
        key = sfn.JsonPath.string_at("$.detail.object.key")
        name = sfn.JsonPath.format("{}-{}", self.job_name_prefix, execution_hash())
        prepare = sfn.Pass(
            self,
            "Prepare",
            comment="Name the job (unique per execution) and start the polling interval",
            parameters={
                "object": {"bucket": bucket, "key": key},
                "job": {
                    "name": name,
                    "token": execution_hash(),
                    "input": sfn.JsonPath.format("s3://{}/{}", bucket, key),
                    "output": sfn.JsonPath.format(
                        "s3://{}/{}{}/", bucket, self.output_prefix, name
                    ),
                },
                "poll": {"wait_seconds": first_wait},
            },
        )
        count = tasks.LambdaInvoke(
            self,
            "CountRecords",
            lambda_function=self.counter,
            payload=sfn.TaskInput.from_object(
                {
                    "bucket": sfn.JsonPath.string_at("$.object.bucket"),
                    "key": sfn.JsonPath.string_at("$.object.key"),
                    "min_records": min_records,
                    "max_records": max_records,
                    "max_bytes": max_bytes,
                }
            ),
            payload_response_only=True,
            result_path="$.records",
        )
        create = tasks.CallAwsService(
            self,
            "CreateJob",
            comment="bedrock:CreateModelInvocationJob (SDK integration: PascalCase members)",
            service="bedrock",
            action="createModelInvocationJob",
            iam_action="bedrock:CreateModelInvocationJob",
            # the model's ARNs as the service role has them: an inference profile's request
            # may be authorized on the foundation model it routes to, too
            iam_resources=[*self.model.invoke_arns(self), self._jobs_arn()],
            parameters={
                "JobName": sfn.JsonPath.string_at("$.job.name"),
                "ClientRequestToken": sfn.JsonPath.string_at("$.job.token"),
                "RoleArn": self.service_role.role_arn,
                "ModelId": self.model.model_id,
                "InputDataConfig": {
                    "S3InputDataConfig": {
                        "S3Uri": sfn.JsonPath.string_at("$.job.input"),
                        "S3InputFormat": "JSONL",
                    }
                },
                "OutputDataConfig": {
                    "S3OutputDataConfig": {"S3Uri": sfn.JsonPath.string_at("$.job.output")}
                },
                "TimeoutDurationInHours": timeout_hours,
            },
            result_selector={"arn": sfn.JsonPath.string_at("$.JobArn")},
            result_path="$.created",
        )
        get = tasks.CallAwsService(
            self,
            "GetJob",
            comment="bedrock:GetModelInvocationJob",
            service="bedrock",
            action="getModelInvocationJob",
            iam_action="bedrock:GetModelInvocationJob",
            iam_resources=[self._jobs_arn()],
            parameters={"JobIdentifier": sfn.JsonPath.string_at("$.created.arn")},
            result_path="$.described",
        )
        for task in (create, get):
            task.add_retry(
                errors=list(API_RETRY_ERRORS),
                interval=cdk.Duration.seconds(5),
                backoff_rate=2,
                max_attempts=6,
                jitter_strategy=sfn.JitterType.FULL,
            )
        create.add_retry(
            errors=list(QUOTA_ERRORS),
            interval=cdk.Duration.minutes(5),
            backoff_rate=2,
            max_attempts=10,
            max_delay=cdk.Duration.hours(1),
            jitter_strategy=sfn.JitterType.FULL,
        )
        details = {
            "input": sfn.JsonPath.string_at("$.job.input"),
            "output": sfn.JsonPath.string_at("$.job.output"),
        }
        failed = sfn.Fail(
            self, "Failed", error_path="$.failure.Error", cause_path="$.failure.Cause"
        )
        notify_failure = notify(
            self,
            "NotifyFailure",
            topic=self.topic,
            subject="Bedrock batch inference failed",
            status="Failed",
            details=details,
        ).next(failed)
        for each in (count, create, get):
            each.add_catch(notify_failure, errors=["States.ALL"], result_path="$.failure")
        reject = sfn.Pass(
            self,
            "RejectInput",
            comment="A file Bedrock would refuse: no job is created",
            parameters={
                "Error": "InputRejected",
                "Cause": sfn.JsonPath.format(
                    "{}: {}",
                    sfn.JsonPath.string_at("$.job.input"),
                    sfn.JsonPath.string_at("$.records.reason"),
                ),
            },
            result_path="$.failure",
        ).next(notify_failure)
        job_failed = sfn.Pass(
            self,
            "JobFailed",
            comment="The job ended Failed, Stopped or Expired",
            parameters={
                "Error": sfn.JsonPath.format(
                    "BedrockJob{}", sfn.JsonPath.string_at("$.described.Status")
                ),
                "Cause": sfn.JsonPath.json_to_string(sfn.JsonPath.object_at("$.described")),
            },
            result_path="$.failure",
        ).next(notify_failure)
        notify_success = notify(
            self,
            "NotifySuccess",
            topic=self.topic,
            subject="Bedrock batch inference finished",
            status="Succeeded",
            details={
                **details,
                "jobArn": sfn.JsonPath.string_at("$.created.arn"),
                "jobStatus": sfn.JsonPath.string_at("$.described.Status"),
                # where Bedrock says it wrote: one .jsonl.out per input, and manifest.json.out
                "results": sfn.JsonPath.string_at(
                    "$.described.OutputDataConfig.S3OutputDataConfig.S3Uri"
                ),
            },
        ).next(sfn.Succeed(self, "Done"))
        wait = sfn.Wait(self, "WaitForJob", time=sfn.WaitTime.seconds_path("$.poll.wait_seconds"))
        double = sfn.Pass(
            self,
            "DoubleWait",
            parameters={
                "wait_seconds": sfn.JsonPath.math_add(
                    sfn.JsonPath.number_at("$.poll.wait_seconds"),
                    sfn.JsonPath.number_at("$.poll.wait_seconds"),
                )
            },
            result_path="$.poll",
        ).next(wait)
        cap = sfn.Pass(
            self, "LongestWait", parameters={"wait_seconds": max_wait}, result_path="$.poll"
        ).next(wait)
        backoff = (
            sfn.Choice(self, "Backoff")
            .when(
                sfn.Condition.number_less_than_equals("$.poll.wait_seconds", max_wait / 2), double
            )
            .otherwise(cap)
        )
        status = "$.described.Status"
        outcome = (
            sfn.Choice(self, "JobStatus")
            .when(_status_in(status, SUCCEEDED_STATUSES), notify_success)
            .when(_status_in(status, FAILED_STATUSES), job_failed)
            .otherwise(backoff)
        )
        enough = (
            sfn.Choice(self, "InputAccepted")
            .when(sfn.Condition.boolean_equals("$.records.ok", True), create)
            .otherwise(reject)
        )
        create.next(wait)
        wait.next(get).next(outcome)
        definition = prepare.next(count).next(enough)
        state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            comment="Runs a Bedrock batch inference job on each new JSONL input",
            logs=sfn.LogOptions(destination=self._log_group(log_retention), level=sfn.LogLevel.ALL),
            tracing_enabled=True,
            # a job may queue and run for timeout_hours; then polls, notices and API retries
            timeout=cdk.Duration.hours(
                (TIMEOUT_HOURS[1] if props.is_token(timeout_hours) else timeout_hours) + 12
            ),
        )
        state_machine.add_to_role_policy(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[self.service_role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "bedrock.amazonaws.com"}},
            )
        )
        acknowledge(
            state_machine.role,
            "AwsSolutions-IAM5",
            "Bedrock names batch jobs by a generated id at run time, so jobs are reached as "
            "model-invocation-job/* of this account and region; X-Ray's PutTraceSegments and "
            "CloudWatch Logs' log delivery actions take no resource; the record counter is "
            "invoked by any version (<function ARN>:*, the Lambda integration's grant); an "
            "inference profile routes to its foundation model in any region of its geography.",
            applies_to=[
                resource_finding(self, self._jobs_arn()),
                resource_finding(self, f"{self.counter.function_arn}:*"),
                "Resource::*",
                *(resource_finding(self, arn) for arn in self.model.invoke_arns(self)[1:]),
            ],
        )
        return state_machine

    def _log_group(self, retention: logs.RetentionDays) -> logs.LogGroup:
        """The state machine's log group, encrypted with a key CloudWatch Logs may use for
        this log group only."""
        stack = cdk.Stack.of(self)
        name = f"/aws/vendedlogs/states/{cdk.Names.unique_id(self)}"
        key = kms.Key(
            self,
            "LogKey",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.DESTROY,
            description="Encrypts a Bedrock batch inference state machine's logs",
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchLogsForThisLogGroup",
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
                actions=[
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                            service="logs",
                            resource="log-group",
                            resource_name=name,
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                        )
                    }
                },
            )
        )
        return logs.LogGroup(
            self,
            "Logs",
            log_group_name=name,
            retention=retention,
            encryption_key=key,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )


def _status_in(path: str, statuses: tuple[str, ...]) -> sfn.Condition:
    return sfn.Condition.or_(*(sfn.Condition.string_equals(path, each) for each in statuses))


def _check_props(
    scope: Construct,
    *,
    input_prefix: str,
    output_prefix: str,
    input_expire_after: cdk.Duration,
    output_expire_after: cdk.Duration,
    timeout_hours: int,
    min_records: int,
    max_records: int,
    max_input_bytes: int,
    poll_interval: cdk.Duration,
    max_poll_interval: cdk.Duration,
    job_name_prefix: str,
) -> None:
    """Fail on props Bedrock or the workflow would reject, naming the prop; tokens pass."""
    allowed = "a relative S3 key prefix ending with '/' (e.g. 'input/')"
    for name, prefix in (("input_prefix", input_prefix), ("output_prefix", output_prefix)):
        props.text(scope, name, prefix, pattern=_PREFIX, allowed=allowed)
    if not (props.is_token(input_prefix) or props.is_token(output_prefix)) and (
        input_prefix.startswith(output_prefix) or output_prefix.startswith(input_prefix)
    ):
        raise ValueError(
            f"output_prefix ({output_prefix!r}) must not overlap input_prefix "
            f"({input_prefix!r}): results under the input prefix would start new jobs"
        )
    one_day = cdk.Duration.days(1)
    for name, expiry in (
        ("input_expire_after", input_expire_after),
        ("output_expire_after", output_expire_after),
    ):
        props.duration(scope, name, expiry, minimum=one_day, whole="days")
    low, high = TIMEOUT_HOURS
    props.whole_number(scope, "timeout_hours", timeout_hours, minimum=low, maximum=high)
    props.whole_number(scope, "min_records", min_records, minimum=1)
    concrete_min = None if props.is_token(min_records) else min_records
    props.whole_number(scope, "max_records", max_records, minimum=concrete_min or 1)
    props.whole_number(scope, "max_input_bytes", max_input_bytes, minimum=1)
    for name, interval in (
        ("poll_interval", poll_interval),
        ("max_poll_interval", max_poll_interval),
    ):
        props.instance(name, interval, cdk.Duration, "a cdk.Duration")
        if interval.is_unresolved():  # the workflow halves and compares it in its definition
            raise ValueError(f"{name} must be a concrete cdk.Duration (not a token), got a token")
    first, longest = poll_interval.to_seconds(), max_poll_interval.to_seconds()
    if not 10 <= first <= longest <= 24 * 3600:
        raise ValueError(
            "poll_interval and max_poll_interval: need 10 seconds <= poll_interval <= "
            f"max_poll_interval <= 1 day, got {poll_interval.to_human_string()} and "
            f"{max_poll_interval.to_human_string()}"
        )
    check_job_name_prefix(job_name_prefix)
