"""The coefficients the dashboard's metric math uses, taken from the estimator's own code.

The estimator's power model is linear in utilization ``u`` (CPU and accelerators interpolate
between idle and peak with the same ``u``), so ``instance_watts`` at ``u = 0`` and ``u = 1`` fixes
it for every ``u``: ``watts(u) = idle + u * (peak - idle)``. Pure Python: no CDK, no boto3.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import Catalog
from ..estimate.footprint import instance_watts
from .utilization import UtilizationMetric, utilization_metric


@dataclass(frozen=True)
class PowerModel:
    """Power and emission coefficients of one instance type in one region.

    :param instance_type: the SageMaker instance type.
    :param region: the grid region the intensity belongs to (``*`` for the catalog's average).
    :param vcpu: vCPUs of the instance (CPU utilization is published as a sum over cores).
    :param gpus: GPUs of the instance (0 for Neuron, Graviton and CPU instances).
    :param idle_watts: one instance's draw at 0% utilization.
    :param peak_watts: one instance's draw at 100% utilization.
    :param pue: data-centre power usage effectiveness.
    :param grams_per_wh: grid intensity in gCO2e per Wh (numerically kgCO2e per kWh).
    :param utilization: the metric that measures the instance's utilization, shared with the
        carbon metrics Lambda.
    """

    instance_type: str
    region: str
    vcpu: int
    gpus: int
    idle_watts: float
    peak_watts: float
    pue: float
    grams_per_wh: float
    utilization: UtilizationMetric

    @classmethod
    def of(cls, instance_type: str, region: str, catalog: Catalog | None = None) -> PowerModel:
        """The coefficients of ``instance_type`` in ``region`` (unknown or unresolved regions use
        the catalog's average intensity, as the estimator does)."""
        catalog = catalog or Catalog.default()
        shape = catalog.instance(instance_type)
        idle, _ = instance_watts(shape, 0.0, catalog)
        peak, _ = instance_watts(shape, 1.0, catalog)
        grid = catalog.region(region, fallback=True)
        return cls(
            instance_type=instance_type,
            region=grid.name,
            vcpu=shape.vcpu,
            gpus=shape.accelerator_count if shape.kind in ("gpu", "gpu-previous") else 0,
            idle_watts=idle,
            peak_watts=peak,
            pue=catalog.constant("pue_aws").value,
            grams_per_wh=grid.kgco2e_per_kwh,
            utilization=utilization_metric(shape),
        )

    @property
    def utilization_divisor(self) -> int:
        """What the utilization metric is divided by to give a 0-1 share (see
        :func:`~green_constructs.monitoring.utilization.utilization_metric`)."""
        return self.utilization.divisor

    @property
    def utilization_metric_name(self) -> str:
        """``GPUUtilization`` on GPU instances, else ``CPUUtilization``."""
        return self.utilization.name

    def watts_expression(self, instances: str, utilization: str) -> str:
        """Metric math for facility watts (PUE included) of ``instances`` instances whose
        ``utilization`` (an expression in 0-1) is the same on each."""
        slope = self.peak_watts - self.idle_watts
        return (
            f"({instances}) * ({self.idle_watts:.10g} + {slope:.10g} * ({utilization}))"
            f" * {self.pue:.10g}"
        )
