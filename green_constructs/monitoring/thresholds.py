"""Per-alarm settings of :class:`~green_constructs.monitoring.SustainabilityMonitor`: each
``monitor_*`` call takes one of these per alarm (``idle_alarm=IdleThreshold(...)``...), as
cdk-monitoring-constructs' ``add*Alarm`` props do. Every field left ``None`` keeps the default
documented on it; ``enabled=False`` leaves the alarm out."""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk

from .alarm_actions import AlarmActionStrategy


@dataclass(frozen=True, kw_only=True)
class AlarmThreshold:
    """What every monitor alarm takes besides its threshold.

    :param enabled: create the alarm. Default: True.
    :param datapoints_to_alarm: breaching periods, out of the alarm's evaluation periods, that
        raise it ("M out of N"). Default: all of them.
    :param action: what the alarm does when it fires. Default: the monitor's ``alarm_action``.
    :param description: the alarm's description. Default: one naming the resource, what was
        seen and what to do about it.
    """

    enabled: bool = True
    datapoints_to_alarm: int | None = None
    action: AlarmActionStrategy | None = None
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class IdleThreshold(AlarmThreshold):
    """An endpoint's instances run without a request.

    :param after: for this long, whole hours from 1 to 24. Default: 6 hours.
    """

    after: cdk.Duration | None = None


@dataclass(frozen=True, kw_only=True)
class LowUtilizationThreshold(AlarmThreshold):
    """Hourly utilization stays low while data comes in.

    :param percent: below this share (0-100, exclusive). Default: 10.
    :param after: for this long, whole hours from 1 to 24. Default: 24 hours for endpoints,
        6 hours for HyperPod clusters.
    """

    percent: float | None = None
    after: cdk.Duration | None = None


@dataclass(frozen=True, kw_only=True)
class BacklogWithoutCapacityThreshold(AlarmThreshold):
    """Requests of an asynchronous endpoint wait with no instance to serve them.

    :param after: for this long, 5 minutes to 1 day. Default: 30 minutes.
    """

    after: cdk.Duration | None = None


@dataclass(frozen=True, kw_only=True)
class TrainingOverrunThreshold(AlarmThreshold):
    """A training run (capacity waits and retries included) takes longer than expected.

    :param expected_duration: at least 5 minutes. Default: the job's ``max_runtime``.
    """

    expected_duration: cdk.Duration | None = None
