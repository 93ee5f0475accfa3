"""Waste alarms with explicit thresholds, each notifying one SNS topic."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from constructs import Construct

_HOUR = cdk.Duration.hours(1)
_FIVE_MINUTES = cdk.Duration.minutes(5)


class AlarmFactory:
    """Creates the monitor's alarms under ``scope``, each with an action on ``topic``."""

    def __init__(self, scope: Construct, topic: sns.ITopic) -> None:
        self._scope = scope
        self._action = actions.SnsAction(topic)

    def idle_endpoint(
        self,
        construct_id: str,
        *,
        name: str,
        instance_samples: cloudwatch.IMetric,
        requests: cloudwatch.IMetric,
        hours: int,
    ) -> cloudwatch.Alarm:
        """Instances in service and no request, every hour for ``hours`` hours."""
        idle = cloudwatch.MathExpression(
            expression="IF(FILL(samples, 0) > 0 AND FILL(requests, 0) == 0, 1, 0)",
            using_metrics={"samples": instance_samples, "requests": requests},
            label="Idle hours (instances running, no request)",
            period=_HOUR,
        )
        return self._alarm(
            construct_id,
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
        name: str,
        utilization: cloudwatch.IMetric,
        threshold_percent: float,
        hours: int,
    ) -> cloudwatch.Alarm:
        """Hourly utilization below ``threshold_percent`` for ``hours`` hours while data comes
        in (no data, such as an endpoint scaled to zero, does not count)."""
        return self._alarm(
            construct_id,
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
        self, construct_id: str, *, name: str, metric: cloudwatch.Metric, after: cdk.Duration
    ) -> cloudwatch.Alarm:
        """Requests waited with no instance for ``after`` (the wake-up did not bring one)."""
        periods = max(1, int(after.to_seconds() // _FIVE_MINUTES.to_seconds()))
        return self._alarm(
            construct_id,
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
        name: str,
        execution_time: cloudwatch.Metric,
        expected: cdk.Duration,
    ) -> cloudwatch.Alarm:
        """A training run (state machine execution) took longer than ``expected``."""
        return self._alarm(
            construct_id,
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
        metric: cloudwatch.IMetric,
        *,
        description: str,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        periods: int,
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self._scope,
            construct_id,
            metric=metric,
            alarm_description=description,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=periods,
            datapoints_to_alarm=periods,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        return alarm
