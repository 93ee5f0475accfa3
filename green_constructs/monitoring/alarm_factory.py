"""Waste alarms with explicit thresholds, each with the actions of an action strategy."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from .. import props
from .alarm_actions import AlarmActionStrategy
from .thresholds import AlarmThreshold

_HOUR = cdk.Duration.hours(1)
_FIVE_MINUTES = cdk.Duration.minutes(5)


class AlarmFactory:
    """Creates the monitor's alarms under ``scope``; each gets the actions of its threshold's
    ``action``, else of ``action``. A disabled threshold creates no alarm (``None``)."""

    def __init__(self, scope: Construct, action: AlarmActionStrategy) -> None:
        self._scope = scope
        self._action = action

    def idle_endpoint(
        self,
        construct_id: str,
        *,
        options: AlarmThreshold,
        name: str,
        instance_samples: cloudwatch.IMetric,
        requests: cloudwatch.IMetric,
        hours: int,
    ) -> cloudwatch.Alarm | None:
        """Instances in service and no request, every hour for ``hours`` hours."""
        idle = cloudwatch.MathExpression(
            expression="IF(FILL(samples, 0) > 0 AND FILL(requests, 0) == 0, 1, 0)",
            using_metrics={"samples": instance_samples, "requests": requests},
            label="Idle hours (instances running, no request)",
            period=_HOUR,
        )
        return self._alarm(
            construct_id,
            options,
            idle,
            description=(
                f"{name}: instances ran for {hours} h without a request; delete the endpoint, "
                "lower its minimum capacity or serve it asynchronously"
            ),
            threshold=1,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            periods=hours,
        )

    def low_utilization(
        self,
        construct_id: str,
        *,
        options: AlarmThreshold,
        name: str,
        utilization: cloudwatch.IMetric,
        threshold_percent: float,
        hours: int,
    ) -> cloudwatch.Alarm | None:
        """Hourly utilization below ``threshold_percent`` for ``hours`` hours while data comes
        in (no data, such as an endpoint scaled to zero, does not count)."""
        return self._alarm(
            construct_id,
            options,
            utilization,
            description=(
                f"{name}: utilization below {_number(threshold_percent)}% for {hours} h; the capacity "
                "is over-provisioned (smaller instances, fewer of them, or scale to zero)"
            ),
            threshold=threshold_percent,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            periods=hours,
        )

    def backlog_without_capacity(
        self,
        construct_id: str,
        *,
        options: AlarmThreshold,
        name: str,
        metric: cloudwatch.Metric,
        after: cdk.Duration,
    ) -> cloudwatch.Alarm | None:
        """Requests waited with no instance for ``after`` (the wake-up did not bring one)."""
        periods = max(1, int(after.to_seconds() // _FIVE_MINUTES.to_seconds()))
        return self._alarm(
            construct_id,
            options,
            metric.with_(statistic=cloudwatch.Stats.MAXIMUM, period=_FIVE_MINUTES),
            description=(
                f"{name}: requests waited {after.to_human_string()} with no instance to serve "
                "them; check the scaling policies and instance quotas"
            ),
            threshold=1,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            periods=periods,
        )

    def training_overrun(
        self,
        construct_id: str,
        *,
        options: AlarmThreshold,
        name: str,
        execution_time: cloudwatch.Metric,
        expected: cdk.Duration,
    ) -> cloudwatch.Alarm | None:
        """A training run (state machine execution) took longer than ``expected``."""
        return self._alarm(
            construct_id,
            options,
            execution_time.with_(statistic=cloudwatch.Stats.MAXIMUM, period=_FIVE_MINUTES),
            description=(
                f"{name}: a training run took longer than its expected "
                f"{expected.to_human_string()}; check for capacity waits, Spot interruptions "
                "or a stalled job"
            ),
            threshold=expected.to_milliseconds(),
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            periods=1,
        )

    def _alarm(
        self,
        construct_id: str,
        options: AlarmThreshold,
        metric: cloudwatch.IMetric,
        *,
        description: str,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        periods: int,
    ) -> cloudwatch.Alarm | None:
        if not _enabled(construct_id, options):
            return None
        datapoints = self._datapoints(construct_id, options.datapoints_to_alarm, periods)
        alarm = cloudwatch.Alarm(
            self._scope,
            construct_id,
            metric=metric,
            alarm_description=options.description or description,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=periods,
            datapoints_to_alarm=datapoints,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        (options.action or self._action).add_actions(alarm)
        return alarm

    def _datapoints(self, construct_id: str, given: object, periods: int) -> float:
        """``datapoints_to_alarm`` of an alarm of ``periods`` evaluation periods (all of them by
        default); a token is noted (the alarm takes one, compared with ``periods`` at deploy)."""
        name = f"datapoints_to_alarm of {construct_id}"
        allowed = f"a whole number from 1 to its {periods} evaluation periods"
        if given is None:
            return periods
        if isinstance(given, bool) or not isinstance(given, (int, float)):
            raise TypeError(f"{name} must be {allowed}, got {given!r}")
        if props.is_token(given):
            props.note_token(self._scope, name, allowed)
        elif given not in range(1, periods + 1):  # also refuses 1.5, NaN and infinity
            raise ValueError(f"{name} must be {allowed}, got {given!r}")
        return given


def _enabled(construct_id: str, options: AlarmThreshold) -> bool:
    """``options.enabled``, once its ``action`` and ``description`` are of the right kind."""
    where = f"of {construct_id}"
    props.instance(f"enabled {where}", options.enabled, bool, "True or False")
    if options.action is not None and not isinstance(options.action, AlarmActionStrategy):
        raise TypeError(
            f"action {where} must be an AlarmActionStrategy (AlarmActionStrategy.sns(topic), "
            f"...), got {options.action!r}"
        )
    if options.description is not None:
        props.instance(f"description {where}", options.description, str, "a string")
    return options.enabled


def _number(value: float) -> str:
    """``value`` for a description: a number token as its token string."""
    return cdk.Token.as_string(value) if props.is_token(value) else f"{value:g}"
