"""Step Functions building blocks shared by the SageMaker job pipelines.

Batch transform and Trainium training run one SageMaker job per execution the same way: a job
name unique per execution and attempt, API rejections retried with backoff, failures for lack
of capacity started again under a new name after a doubling wait, and a logged, traced state
machine whose run time covers every attempt.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from . import props
from .metric_options import MetricOptions

if TYPE_CHECKING:
    from typing_extensions import Unpack

MAX_JOB_NAME_PREFIX = 28
"""63 (SageMaker's limit) - 32 (MD5 of the execution name) - 2 hyphens - 1 attempt digit."""
API_RETRY_ERRORS = (
    "SageMaker.AmazonSageMakerException",
    "SageMaker.ResourceLimitExceededException",
    "SageMaker.SageMakerException",
    "ThrottlingException",
)
"""Errors of a SageMaker call that a later call may not get (throttling, quotas, an endpoint
still updating): the optimized integrations name SageMaker's errors
``SageMaker.AmazonSageMakerException``, the AWS SDK integrations ``SageMaker.SageMakerException``."""
CAPACITY_FAILURE = "*CapacityError*"
"""How a job that found no instances fails (in the task's failure cause)."""
_JOB_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*$")
_PATH_HASH_LENGTH = 8

JobTask = sfn.TaskStateBase | sfn.CustomState
"""A state that runs a job: an L2 task or a ``CustomState`` (for parameters L2s lack)."""


def execution_hash() -> str:
    """MD5 of the execution name: 32 characters unique per execution."""
    return sfn.JsonPath.hash(sfn.JsonPath.execution_name, "MD5")


def unique_job_name(prefix: str) -> str:
    """``<prefix>-<MD5 of the execution name>-<$.attempt>``, at most 63 characters."""
    return sfn.JsonPath.format(
        "{}-{}-{}", prefix, execution_hash(), sfn.JsonPath.string_at("$.attempt")
    )


def retry_api_errors(task: JobTask) -> None:
    """Retry calls SageMaker rejects (throttling, quotas) with exponential backoff and jitter."""
    task.add_retry(
        errors=list(API_RETRY_ERRORS),
        interval=cdk.Duration.seconds(30),
        backoff_rate=2,
        max_attempts=5,
        jitter_strategy=sfn.JitterType.FULL,
    )


def first_attempt(retry_wait: cdk.Duration) -> dict[str, Any]:
    """The attempt counter and the first wait, for the state that starts an execution."""
    return {"attempt": 0, "wait_seconds": int(retry_wait.to_seconds())}


def retry_failed_jobs(
    scope: Construct,
    *,
    task: JobTask,
    restart: sfn.IChainable,
    retries: int,
    causes: Sequence[str],
    carry: Mapping[str, Any],
    on_failure: sfn.IChainable,
    stopped: Sequence[str] = (),
    on_stopped: sfn.IChainable | None = None,
) -> sfn.Choice:
    """Catch ``task``'s failures; start a job again at ``restart`` when the failure cause
    matches one of ``causes`` (``*`` wildcards) and fewer than ``retries`` attempts were made,
    after ``$.wait_seconds``, doubled for the next time; else go to ``on_failure``.

    With ``on_stopped``, a failure whose cause matches one of ``stopped`` (and none of
    ``causes``) goes there instead: a job someone stopped is reported as stopped and not
    retried. A retryable failure out of attempts always goes to ``on_failure``.

    The failure is kept at ``$.failure``; ``carry`` is the state kept between attempts besides
    ``attempt`` and ``wait_seconds``. Returns the choice, which other states may enter with a
    failure of their own at ``$.failure`` (see :func:`fail_unless_completed`).
    """
    if (on_stopped is None) != (not stopped):
        raise ValueError("stopped and on_stopped go together")
    wait = sfn.Wait(scope, "WaitForCapacity", time=sfn.WaitTime.seconds_path("$.wait_seconds"))
    next_attempt = sfn.Pass(
        scope,
        "NextAttempt",
        comment="Count the attempt and double the next wait",
        parameters={
            **carry,
            "attempt": sfn.JsonPath.math_add(sfn.JsonPath.number_at("$.attempt"), 1),
            "wait_seconds": sfn.JsonPath.math_add(
                sfn.JsonPath.number_at("$.wait_seconds"),
                sfn.JsonPath.number_at("$.wait_seconds"),
            ),
        },
    )
    retryable = _cause_matches(causes)
    choice = sfn.Choice(scope, "CapacityFailure?").when(
        sfn.Condition.and_(retryable, sfn.Condition.number_less_than("$.attempt", retries)),
        wait.next(next_attempt).next(restart),
    )
    if on_stopped is not None:
        choice.when(retryable, on_failure, comment="Out of attempts")
        choice.when(_cause_matches(stopped), on_stopped, comment="Stopped by someone")
    choice.otherwise(on_failure)
    task.add_catch(choice, errors=["States.ALL"], result_path="$.failure")
    return choice


def fail_unless_completed(
    scope: Construct,
    *,
    status: str,
    description: str,
    error: str,
    failure: sfn.IChainable,
    completed: sfn.IChainable,
) -> sfn.Choice:
    """After a ``.sync`` job task: go to ``completed`` unless the job status at ``status`` is
    there and is not ``Completed``; then the job description at ``description`` becomes
    ``$.failure`` as a caught failure would (``Error`` = ``error``, ``Cause`` = the description
    as JSON) and the execution goes to ``failure`` (the choice of :func:`retry_failed_jobs`).

    For a job the integration reports as a success although it did not complete (a job that
    ended ``Stopped``): it is then retried, reported and failed by the same rules as a caught
    failure. A missing status keeps the task's result a success.
    """
    as_failure = sfn.Pass(
        scope,
        "NotCompleted",
        comment="A job that ended but did not complete: handled like a failed task",
        parameters={
            "Error": error,
            "Cause": sfn.JsonPath.json_to_string(sfn.JsonPath.object_at(description)),
        },
        result_path="$.failure",
    )
    return (
        sfn.Choice(scope, "Completed?")
        .when(
            sfn.Condition.and_(
                sfn.Condition.is_present(status),
                sfn.Condition.not_(sfn.Condition.string_equals(status, "Completed")),
            ),
            as_failure.next(failure),
        )
        .otherwise(completed)
    )


def _cause_matches(causes: Sequence[str]) -> sfn.Condition:
    matches = [sfn.Condition.string_matches("$.failure.Cause", cause) for cause in causes]
    return matches[0] if len(matches) == 1 else sfn.Condition.or_(*matches)


def notify(
    scope: Construct,
    construct_id: str,
    *,
    topic: sns.ITopic,
    subject: str,
    status: str,
    details: Mapping[str, Any],
) -> tasks.SnsPublish:
    """Publish the job's outcome: ``status``, the execution, the job name, ``details``, and for
    a ``Failed`` or ``Stopped`` status the error and cause kept in ``$.failure``."""
    if status in ("Failed", "Stopped"):
        details = {
            **details,
            "error": sfn.JsonPath.string_at("$.failure.Error"),
            "cause": sfn.JsonPath.string_at("$.failure.Cause"),
        }
    return tasks.SnsPublish(
        scope,
        construct_id,
        topic=topic,
        subject=subject,
        message=sfn.TaskInput.from_object(
            {
                "status": status,
                "execution": sfn.JsonPath.execution_id,
                "job": sfn.JsonPath.string_at("$.job.name"),
                **details,
            }
        ),
        result_path=sfn.JsonPath.DISCARD,
    )


def logged_state_machine(
    scope: Construct,
    *,
    definition: sfn.IChainable,
    comment: str,
    timeout: cdk.Duration,
    log_retention: logs.RetentionDays,
) -> sfn.StateMachine:
    """A state machine logging every event to a log group with retention, traced by X-Ray."""
    log_group = logs.LogGroup(
        scope,
        "Logs",
        log_group_name=f"/aws/vendedlogs/states/{cdk.Names.unique_id(scope)}",
        retention=log_retention,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    return sfn.StateMachine(
        scope,
        "StateMachine",
        definition_body=sfn.DefinitionBody.from_chainable(definition),
        comment=comment,
        logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL),
        tracing_enabled=True,
        timeout=timeout,
    )


def job_instance_metric(
    namespace: str,
    job_name_prefix: str,
    metric_name: str,
    *,
    statistic: str,
    period: cdk.Duration,
    label: str | None = None,
) -> cloudwatch.SearchExpression:
    """A per-instance metric of the jobs named ``<job_name_prefix>...``, for dashboards.

    SageMaker publishes job instance metrics in ``namespace`` (``/aws/sagemaker/TrainingJobs``,
    ``/aws/sagemaker/TransformJobs``) with the single dimension ``Host`` (``<job name>/<instance
    id>``). Job names are known only at run time, so this is a search on the prefix: graph it;
    a search cannot drive an alarm.
    """
    return cloudwatch.SearchExpression(
        expression=(
            f'SEARCH(\'{{"{namespace}",Host}} MetricName="{metric_name}" '
            f"Host={job_name_prefix}', '{statistic}', {int(period.to_seconds())})"
        ),
        label=label or f"{job_name_prefix} {metric_name}",
        period=period,
    )


def execution_timeout(
    job_timeout: cdk.Duration, retries: int, retry_wait: cdk.Duration
) -> cdk.Duration:
    """Long enough for every attempt and wait, plus an hour for API retries and notices."""
    waits = retry_wait.to_seconds() * (2**retries - 1)
    attempts = job_timeout.to_seconds() * (retries + 1)
    return cdk.Duration.seconds(int(waits + attempts + 3600))


def default_job_name_prefix(scope: Construct, fallback: str) -> str:
    """A job name prefix of lower-case letters, digits and hyphens: ``<id>-<hash>``, the
    construct's id (else ``fallback``) and 8 hex digits of a hash of its path, so constructs of
    the same id in other scopes or stacks get other prefixes (their IAM scopes and dashboard
    searches stay apart)."""
    cleaned = re.sub(r"[^a-zA-Z0-9]+", "-", scope.node.id).strip("-").lower()
    digest = hashlib.sha256(scope.node.path.encode()).hexdigest()[:_PATH_HASH_LENGTH]
    readable = cleaned[: MAX_JOB_NAME_PREFIX - _PATH_HASH_LENGTH - 1].rstrip("-") or fallback
    return f"{readable}-{digest}"


def check_job_name_prefix(prefix: str) -> None:
    """``ValueError`` unless ``prefix`` can start SageMaker job names."""
    if len(prefix) > MAX_JOB_NAME_PREFIX or not _JOB_NAME.match(prefix):
        raise ValueError(
            f"job_name_prefix must be 1 to {MAX_JOB_NAME_PREFIX} letters, digits and hyphens, "
            f"starting and ending with a letter or digit, got {prefix!r}"
        )


def check_retry_props(
    *, job_timeout: object, capacity_retries: object, capacity_retry_wait: object
) -> None:
    """Validate the props every job pipeline shares, naming the prop: a ``TypeError`` for a
    value of the wrong kind, a ``ValueError`` for a wrong value.

    Tokens are refused: the state machine's timeout is computed from all three
    (:func:`execution_timeout`: ``job_timeout x (capacity_retries + 1)`` plus the doubling
    waits), which CloudFormation cannot compute at deploy time.
    """
    concrete_duration("job_timeout", job_timeout, minimum=cdk.Duration.minutes(1))
    _check_retries(capacity_retries)
    concrete_duration("capacity_retry_wait", capacity_retry_wait, minimum=cdk.Duration.seconds(1))


def _check_retries(value: object) -> None:
    """``capacity_retries``: a concrete whole number from 0 to 9 (see :func:`check_retry_props`)."""
    allowed = "a whole number from 0 to 9"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"capacity_retries must be {allowed}, got {value!r}")
    if props.is_token(value):
        raise ValueError(_TOKEN_REFUSED.format(name="capacity_retries"))
    if value not in range(10):  # also refuses 1.5, NaN and infinity
        raise ValueError(f"capacity_retries must be {allowed}, got {value!r}")


_TOKEN_REFUSED = (
    "{name} must be a concrete value, not a token: the state machine's timeout is computed "
    "from it at synth time"
)


def concrete_duration(name: str, value: object, *, minimum: cdk.Duration) -> cdk.Duration:
    """``value`` if it is a concrete ``cdk.Duration`` of whole seconds of at least ``minimum``;
    a ``TypeError`` or ``ValueError`` naming ``name`` otherwise (tokens included: see
    :func:`check_retry_props`)."""
    allowed = f"at least {minimum.to_human_string()}, a cdk.Duration of whole seconds"
    if not isinstance(value, cdk.Duration):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    if value.is_unresolved():
        raise ValueError(_TOKEN_REFUSED.format(name=name))
    millis = value.to_milliseconds()
    if millis % 1000 or millis < minimum.to_milliseconds():
        raise ValueError(f"{name} must be {allowed}, got {value.to_human_string()}")
    return value


class ExecutionMetrics:
    """``metric_execution*`` of a construct whose runs are executions of ``state_machine``
    (one per training run or input object); Step Functions' defaults: Sum, or Average for
    ``ExecutionTime``, over 5 minutes."""

    state_machine: sfn.StateMachine

    def metric_executions_succeeded(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Executions whose job succeeded (Sum over 5 minutes by default)."""
        return self.state_machine.metric_succeeded(**options)

    def metric_executions_failed(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Executions whose job failed after its retries (Sum over 5 minutes by default)."""
        return self.state_machine.metric_failed(**options)

    def metric_executions_started(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Executions started: runs, or input objects (Sum over 5 minutes by default)."""
        return self.state_machine.metric_started(**options)

    def metric_execution_time(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Duration of finished executions, capacity waits and retries included
        (``ExecutionTime``, milliseconds; Average over 5 minutes by default)."""
        return self.state_machine.metric_time(**options)
