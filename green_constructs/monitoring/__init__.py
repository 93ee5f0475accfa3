"""Monitoring: a sustainability dashboard with waste alarms (:class:`SustainabilityMonitor`)
and a scheduled Lambda publishing endpoints' and training jobs' energy and emissions
(:class:`CarbonMetricsPublisher`), both built on the estimator's footprint model."""

from .alarm_actions import (
    AlarmActionStrategy,
    CustomAlarmActionStrategy,
    NoopAlarmActionStrategy,
    SnsAlarmActionStrategy,
)
from .metric_factory import CarbonMetrics, MetricFactory
from .monitor import SustainabilityMonitor
from .power import PowerModel
from .publisher import CarbonMetricsPublisher, MonitoredEndpoint, MonitoredTrainingJob
from .segments import MonitoredResource
from .thresholds import (
    AlarmThreshold,
    BacklogWithoutCapacityThreshold,
    IdleThreshold,
    LowUtilizationThreshold,
    TrainingOverrunThreshold,
)

__all__ = [
    "AlarmActionStrategy",
    "AlarmThreshold",
    "BacklogWithoutCapacityThreshold",
    "CarbonMetrics",
    "CarbonMetricsPublisher",
    "CustomAlarmActionStrategy",
    "IdleThreshold",
    "LowUtilizationThreshold",
    "MetricFactory",
    "MonitoredEndpoint",
    "MonitoredResource",
    "MonitoredTrainingJob",
    "NoopAlarmActionStrategy",
    "PowerModel",
    "SnsAlarmActionStrategy",
    "SustainabilityMonitor",
    "TrainingOverrunThreshold",
]
