"""One factory for every metric the monitor graphs and alarms on.

SageMaker publishes, and this factory uses, only these (see the SageMaker developer guide,
"Amazon SageMaker AI metrics in Amazon CloudWatch" and "Monitor asynchronous endpoints"):

- ``/aws/sagemaker/Endpoints``: ``CPUUtilization``, ``MemoryUtilization``, ``DiskUtilization``,
  ``GPUUtilization``, ``GPUMemoryUtilization``, with ``EndpointName`` and ``VariantName``; one
  datapoint per instance per minute, so the ``SampleCount`` of a one-minute period is the number
  of instances in service.
- ``/aws/sagemaker/TrainingJobs`` and ``/aws/sagemaker/TransformJobs``: the same instance
  metrics (no ``DiskUtilization`` for transform jobs) with the single dimension ``Host``.
- ``AWS/SageMaker``: ``Invocations`` and ``ModelLatency`` of real-time variants
  (``EndpointName``, ``VariantName``); ``InvocationsProcessed`` and ``ModelLatency`` of
  asynchronous variants; the queue metrics ``ApproximateBacklogSize`` and
  ``HasBacklogWithoutCapacity`` with ``EndpointName`` only.

SageMaker publishes no NeuronCore utilization for endpoints or training jobs (sources in
:mod:`green_constructs.monitoring.utilization`); HyperPod clusters of this library publish it
from their lifecycle scripts (``TrainiumCluster``).
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch

from ..inference.endpoint_scaling import sagemaker_metric
from ..job_workflow import job_instance_metric
from .power import PowerModel

ENDPOINT_INSTANCE_NAMESPACE = "/aws/sagemaker/Endpoints"
ENDPOINT_UTILIZATION = ("CPUUtilization", "MemoryUtilization", "DiskUtilization")
GPU_UTILIZATION = ("GPUUtilization", "GPUMemoryUtilization")
_SECONDS_PER_HOUR = 3600


@dataclass(frozen=True)
class CarbonMetrics:
    """Estimated power, energy and emissions of one monitored resource, as metric math.

    :param power_watts: facility power (PUE included), watts.
    :param energy_wh: energy per period of the metric, watt-hours.
    :param co2e_grams: location-based emissions per period, grams CO2e.
    :param co2e_per_thousand_requests: grams CO2e per 1,000 requests (None when the resource
        has no request count).
    """

    power_watts: cloudwatch.IMetric
    energy_wh: cloudwatch.IMetric
    co2e_grams: cloudwatch.IMetric
    co2e_per_thousand_requests: cloudwatch.IMetric | None = None


class MetricFactory:
    """Builds the SageMaker metrics and the carbon metric math of the monitor.

    :param period: period of the graphs' metrics. Default: 5 minutes.
    :param carbon_period: period of the energy and emission metrics (each datapoint is the
        energy or emissions of one such period). Default: 1 hour.
    """

    def __init__(
        self,
        *,
        period: cdk.Duration | None = None,
        carbon_period: cdk.Duration | None = None,
    ) -> None:
        period = cdk.Duration.minutes(5) if period is None else period
        carbon_period = cdk.Duration.hours(1) if carbon_period is None else carbon_period
        self.period = period
        self.carbon_period = carbon_period

    # -- endpoints ------------------------------------------------------------------------
    def endpoint_instance_metric(
        self,
        metric_name: str,
        *,
        endpoint_name: str,
        variant_name: str,
        statistic: str = cloudwatch.Stats.AVERAGE,
        period: cdk.Duration | None = None,
    ) -> cloudwatch.Metric:
        """An instance metric of an endpoint variant (``/aws/sagemaker/Endpoints``)."""
        return cloudwatch.Metric(
            namespace=ENDPOINT_INSTANCE_NAMESPACE,
            metric_name=metric_name,
            dimensions_map={"EndpointName": endpoint_name, "VariantName": variant_name},
            statistic=statistic,
            period=period or self.period,
        )

    def invocation_metric(
        self,
        metric_name: str,
        *,
        endpoint_name: str,
        variant_name: str | None,
        statistic: str = cloudwatch.Stats.SUM,
        period: cdk.Duration | None = None,
    ) -> cloudwatch.Metric:
        """An ``AWS/SageMaker`` metric: per variant, or per endpoint without ``variant_name``
        (the asynchronous queue metrics)."""
        return sagemaker_metric(
            metric_name,
            endpoint_name=endpoint_name,
            variant_name=variant_name,
            statistic=statistic,
            period=period or self.period,
        )

    def endpoint_instances(
        self, *, endpoint_name: str, variant_name: str, period: cdk.Duration | None = None
    ) -> cloudwatch.MathExpression:
        """Instances in service: one ``CPUUtilization`` sample per instance per minute, so
        ``SampleCount * 60 / PERIOD``; 0 while the variant runs no instance."""
        return cloudwatch.MathExpression(
            expression="FILL(samples, 0) * 60 / PERIOD(samples)",
            using_metrics={"samples": self._samples(endpoint_name, variant_name, period)},
            label="Instances in service",
            period=period or self.period,
        )

    def endpoint_utilization(
        self,
        model: PowerModel,
        *,
        endpoint_name: str,
        variant_name: str,
        period: cdk.Duration | None = None,
    ) -> cloudwatch.MathExpression:
        """Busy share of one instance in percent: GPU utilization per GPU on GPU instances,
        CPU utilization per vCPU otherwise (the host CPU is the only utilization SageMaker
        publishes for Inferentia, Trainium, Graviton and CPU instances)."""
        return cloudwatch.MathExpression(
            expression=f"util * 100 / {model.utilization_divisor}",
            using_metrics={"util": self._utilization(model, endpoint_name, variant_name, period)},
            label=f"{model.utilization_metric_name} per {'GPU' if model.gpus else 'vCPU'} (%)",
            period=period or self.period,
        )

    def endpoint_carbon(
        self,
        model: PowerModel,
        *,
        endpoint_name: str,
        variant_name: str,
        requests: cloudwatch.IMetric | None,
        utilization: cloudwatch.IMetric | None = None,
    ) -> CarbonMetrics:
        """Power, energy and CO2e of an endpoint variant, from its instances in service and
        their utilization (``utilization``, a 0-100 metric, replaces the published one).

        A math expression's period overrides its metrics' periods, so the same metrics serve
        the power graph (``period``) and the energy and emissions (``carbon_period``).
        """
        metrics: dict[str, cloudwatch.IMetric] = {
            "samples": self._samples(endpoint_name, variant_name, None),
            "util": utilization or self._utilization(model, endpoint_name, variant_name, None),
        }
        divisor = 100 if utilization is not None else model.utilization_divisor
        watts = model.watts_expression(
            "FILL(samples, 0) * 60 / PERIOD(samples)", f"FILL(util, 0) / {divisor}"
        )
        energy = f"{watts} * PERIOD(samples) / {_SECONDS_PER_HOUR}"
        co2e = f"{energy} * {model.grams_per_wh:.10g}"
        per_request = None
        if requests is not None:
            per_request = _math(
                f"IF(requests > 0, {co2e} * 1000 / requests)",
                {**metrics, "requests": requests},
                "gCO2e per 1,000 requests",
                self.carbon_period,
            )
        return CarbonMetrics(
            power_watts=_math(watts, metrics, "Estimated power (W)", self.period),
            energy_wh=_math(energy, metrics, "Energy (Wh)", self.carbon_period),
            co2e_grams=_math(co2e, metrics, "gCO2e", self.carbon_period),
            co2e_per_thousand_requests=per_request,
        )

    # -- jobs -----------------------------------------------------------------------------
    def job_instance_metric(
        self, namespace: str, job_name_prefix: str, metric_name: str, *, statistic: str = "Average"
    ) -> cloudwatch.SearchExpression:
        """Every instance of the jobs named ``<job_name_prefix>...`` (dimension ``Host``)."""
        return job_instance_metric(
            namespace, job_name_prefix, metric_name, statistic=statistic, period=self.period
        )

    def job_carbon(
        self, model: PowerModel, *, namespace: str, job_name_prefix: str
    ) -> CarbonMetrics:
        """Power, energy and CO2e of the jobs named ``<job_name_prefix>...``: hosts reporting
        ``CPUUtilization`` each draw ``idle + slope * u``, ``u`` from the model's utilization
        metric (the carbon metrics Lambda's); the draws add up, so the total is
        ``idle * hosts + slope * (sum of u)``."""

        def watts(period: cdk.Duration) -> str:
            seconds = int(period.to_seconds())
            samples = self._job_search(
                namespace, job_name_prefix, "CPUUtilization", "SampleCount", period
            )
            average = self._job_search(
                namespace, job_name_prefix, model.utilization_metric_name, "Average", period
            )
            slope = model.peak_watts - model.idle_watts
            return (
                f"({model.idle_watts:.10g} * SUM({samples}) * 60 / {seconds}"
                f" + {slope:.10g} * SUM({average}) / {model.utilization_divisor})"
                f" * {model.pue:.10g}"
            )

        hours = self.carbon_period.to_seconds() / _SECONDS_PER_HOUR
        energy = f"{watts(self.carbon_period)} * {hours:.10g}"
        return CarbonMetrics(
            power_watts=_math(watts(self.period), {}, "Estimated power (W)", self.period),
            energy_wh=_math(energy, {}, "Energy (Wh)", self.carbon_period),
            co2e_grams=_math(
                f"{energy} * {model.grams_per_wh:.10g}", {}, "gCO2e", self.carbon_period
            ),
        )

    # -- HyperPod -------------------------------------------------------------------------
    def cluster_carbon(
        self, groups: list[tuple[PowerModel, int]], neuron_core_utilization: cloudwatch.IMetric
    ) -> CarbonMetrics:
        """Power, energy and CO2e of a HyperPod cluster's worker groups (``(model, count)``),
        which run until the cluster is deleted, at the cluster's NeuronCore utilization."""
        metrics = {"neuron": neuron_core_utilization}
        watts = " + ".join(
            model.watts_expression(str(count), "FILL(neuron, 0) / 100") for model, count in groups
        )
        energy = f"({watts}) * PERIOD(neuron) / {_SECONDS_PER_HOUR}"
        co2e = f"{energy} * {groups[0][0].grams_per_wh:.10g}"
        return CarbonMetrics(
            power_watts=_math(watts, metrics, "Estimated power (W)", self.period),
            energy_wh=_math(energy, metrics, "Energy (Wh)", self.carbon_period),
            co2e_grams=_math(co2e, metrics, "gCO2e", self.carbon_period),
        )

    # -- helpers --------------------------------------------------------------------------
    def _samples(
        self, endpoint_name: str, variant_name: str, period: cdk.Duration | None
    ) -> cloudwatch.Metric:
        return self.endpoint_instance_metric(
            "CPUUtilization",
            endpoint_name=endpoint_name,
            variant_name=variant_name,
            statistic=cloudwatch.Stats.SAMPLE_COUNT,
            period=period,
        )

    def _utilization(
        self,
        model: PowerModel,
        endpoint_name: str,
        variant_name: str,
        period: cdk.Duration | None,
    ) -> cloudwatch.Metric:
        return self.endpoint_instance_metric(
            model.utilization_metric_name,
            endpoint_name=endpoint_name,
            variant_name=variant_name,
            period=period,
        )

    def _job_search(
        self,
        namespace: str,
        job_name_prefix: str,
        metric_name: str,
        statistic: str,
        period: cdk.Duration,
    ) -> str:
        return job_instance_metric(
            namespace, job_name_prefix, metric_name, statistic=statistic, period=period
        ).expression


def _math(
    expression: str,
    metrics: dict[str, cloudwatch.IMetric],
    label: str,
    period: cdk.Duration,
) -> cloudwatch.MathExpression:
    return cloudwatch.MathExpression(
        expression=expression, using_metrics=metrics, label=label, period=period
    )
