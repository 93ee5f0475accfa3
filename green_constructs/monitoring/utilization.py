"""Which SageMaker metric measures an instance's utilization, shared by the dashboard's metric
math and the carbon metrics Lambda so that both estimate from the same number.

SageMaker publishes, per endpoint variant and training job host, ``GPUUtilization`` on GPU
instances (0-100 per GPU, summed over the instance's GPUs) and ``CPUUtilization`` on every
instance (0-100 per vCPU, summed); it publishes no NeuronCore utilization for endpoints or
training jobs, so Neuron, Graviton and x86 instances are measured by their CPUs (SageMaker
developer guide, "Monitor Amazon SageMaker AI with Amazon CloudWatch"). Pure Python.
"""

from __future__ import annotations

from typing import NamedTuple

from ..catalog import InstanceType

GPU_KINDS = ("gpu", "gpu-previous")


class UtilizationMetric(NamedTuple):
    """A metric name and what its value is divided by to give a 0-1 share of the instance."""

    name: str
    divisor: int

    def share(self, value: float) -> float:
        """``value`` of the metric as a share of the instance, clamped to 0-1."""
        return min(max(value / self.divisor, 0.0), 1.0)


def utilization_metric(shape: InstanceType) -> UtilizationMetric:
    """``GPUUtilization`` over 100 per GPU on GPU instances, else ``CPUUtilization`` over 100
    per vCPU."""
    if shape.kind in GPU_KINDS and shape.accelerator_count:
        return UtilizationMetric("GPUUtilization", 100 * shape.accelerator_count)
    return UtilizationMetric("CPUUtilization", 100 * shape.vcpu)
