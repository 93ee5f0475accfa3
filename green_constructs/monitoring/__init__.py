"""Monitoring: a sustainability dashboard with waste alarms (:class:`SustainabilityMonitor`)
and a scheduled Lambda publishing endpoints' and training jobs' energy and emissions
(:class:`CarbonMetricsPublisher`), both built on the estimator's footprint model."""

from .metric_factory import CarbonMetrics, MetricFactory
from .monitor import SustainabilityMonitor
from .power import PowerModel
from .publisher import CarbonMetricsPublisher, MonitoredEndpoint, MonitoredTrainingJob
from .segments import MonitoredResource

__all__ = [
    "CarbonMetrics",
    "CarbonMetricsPublisher",
    "MetricFactory",
    "MonitoredEndpoint",
    "MonitoredResource",
    "MonitoredTrainingJob",
    "PowerModel",
    "SustainabilityMonitor",
]
