"""Waste alarms with explicit thresholds, each with the actions of an action strategy."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

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
                f"{name}: utilization below {threshold_percent:g}% for {hours} h; the capacity "
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
        if not options.enabled:
            return None
        datapoints = options.datapoints_to_alarm
        if datapoints is None:
            datapoints = periods
        elif (
            isinstance(datapoints, bool)
            or not isinstance(datapoints, int)
            or not (1 <= datapoints <= periods)
        ):
            raise ValueError(
                f"datapoints_to_alarm of {construct_id} must be a whole number from 1 to its "
                f"{periods} evaluation periods, got {datapoints!r}"
            )
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
