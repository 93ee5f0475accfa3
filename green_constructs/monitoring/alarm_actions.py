"""What the monitor's alarms do when they fire: an action strategy, as in cdk-monitoring-constructs
(notify an SNS topic, do nothing, or run actions of your own)."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns


class AlarmActionStrategy(abc.ABC):
    """Adds the actions of an alarm. Build one with :meth:`sns`, :meth:`none` or
    :meth:`custom`, or subclass it and implement :meth:`add_actions`."""

    @abc.abstractmethod
    def add_actions(self, alarm: cloudwatch.Alarm) -> None:
        """Give ``alarm`` its actions."""

    @staticmethod
    def sns(topic: sns.ITopic, *, on_ok: bool = False) -> SnsAlarmActionStrategy:
        """Notify ``topic`` when the alarm fires (and when it recovers, with ``on_ok``)."""
        return SnsAlarmActionStrategy(topic, on_ok=on_ok)

    @staticmethod
    def none() -> NoopAlarmActionStrategy:
        """No action: the alarm only shows its state (on the dashboard, in the console)."""
        return NoopAlarmActionStrategy()

    @staticmethod
    def custom(
        *alarm_actions: cloudwatch.IAlarmAction,
        ok_actions: Sequence[cloudwatch.IAlarmAction] = (),
    ) -> CustomAlarmActionStrategy:
        """Run these ``cloudwatch.IAlarmAction`` s (Lambda, SSM, Auto Scaling, EC2...)."""
        return CustomAlarmActionStrategy(alarm_actions, ok_actions=ok_actions)


class SnsAlarmActionStrategy(AlarmActionStrategy):
    """Notify an SNS topic. Its key, if encrypted, must let CloudWatch use it.

    :param topic: the topic.
    :param on_ok: also notify when the alarm returns to OK. Default: False.
    """

    def __init__(self, topic: sns.ITopic, *, on_ok: bool = False) -> None:
        if not hasattr(topic, "topic_arn"):
            raise TypeError(f"topic must be an sns.ITopic, got {topic!r}")
        self.topic = topic
        self.on_ok = on_ok

    def add_actions(self, alarm: cloudwatch.Alarm) -> None:
        """Notify the topic when ``alarm`` fires (and when it recovers, with ``on_ok``)."""
        action = actions.SnsAction(self.topic)
        alarm.add_alarm_action(action)
        if self.on_ok:
            alarm.add_ok_action(action)


class NoopAlarmActionStrategy(AlarmActionStrategy):
    """No action."""

    def add_actions(self, alarm: cloudwatch.Alarm) -> None:
        """Add no action to ``alarm``."""
        return None


class CustomAlarmActionStrategy(AlarmActionStrategy):
    """Actions of your own.

    :param alarm_actions: run when the alarm fires (at least one).
    :param ok_actions: run when it returns to OK. Default: none.
    """

    alarm_actions: tuple[cloudwatch.IAlarmAction, ...]
    """Run when the alarm fires."""
    ok_actions: tuple[cloudwatch.IAlarmAction, ...]
    """Run when the alarm returns to OK."""

    def __init__(
        self,
        alarm_actions: Sequence[cloudwatch.IAlarmAction],
        *,
        ok_actions: Sequence[cloudwatch.IAlarmAction] = (),
    ) -> None:
        if not alarm_actions:
            raise ValueError(
                "alarm_actions: give at least one cloudwatch.IAlarmAction "
                "(AlarmActionStrategy.none() is the strategy without actions)"
            )
        for each in (*alarm_actions, *ok_actions):
            if not callable(getattr(each, "bind", None)):
                raise TypeError(
                    f"alarm_actions, ok_actions: each must be a cloudwatch.IAlarmAction, got {each!r}"
                )
        self.alarm_actions = tuple(alarm_actions)
        self.ok_actions = tuple(ok_actions)

    def add_actions(self, alarm: cloudwatch.Alarm) -> None:
        """Give ``alarm`` the alarm and OK actions."""
        if self.alarm_actions:
            alarm.add_alarm_action(*self.alarm_actions)
        if self.ok_actions:
            alarm.add_ok_action(*self.ok_actions)
