"""Which SageMaker metric measures an instance's utilization, shared by the dashboard's metric
math and the carbon metrics Lambda so that both estimate from the same number.

SageMaker publishes, per endpoint variant (``/aws/sagemaker/Endpoints``, dimensions
``EndpointName``, ``VariantName``) and per training job host (``/aws/sagemaker/TrainingJobs``,
dimension ``Host`` = ``<training job name>/algo-<instance number>``), ``GPUUtilization`` on GPU
instances (0-100 per GPU, summed over the instance's GPUs) and ``CPUUtilization`` on every
instance (0-100 per vCPU, summed), with ``MemoryUtilization``, ``GPUMemoryUtilization`` and
``DiskUtilization``: the SageMaker developer guide, "Amazon SageMaker AI metrics in Amazon
CloudWatch" (awsdocs/amazon-sagemaker-developer-guide, doc_source/monitoring-cloudwatch.md,
"Processing Job, Training Job, Batch Transform Job, and Endpoint Instance Metrics" and their
``Host`` dimension).

Neuron (Inferentia, Trainium) instances are measured by their CPUs, because no NeuronCore
utilization is published for endpoints or training jobs in a namespace and with dimensions that
identify them:

- SageMaker's instance metrics above have no Neuron metric.
- The Neuron monitor (``neuron-monitor``) writes JSON to stdout; its companion
  ``neuron-monitor-cloudwatch.py`` publishes to CloudWatch only when run, to the namespace its
  caller names (aws-neuron/aws-neuron-sdk, tools/neuron-sys-tools/neuron-monitor-user-guide.rst,
  "neuron-monitor-cloudwatch.py"). The Neuron container entrypoint scripts found in public
  sources (checked 2026-12) start that pipe only when the container is given
  ``NEURON_MONITOR_CW_REGION``: opt-in, to a namespace of the caller's choosing, with no
  endpoint variant or training job dimension.
- The CloudWatch agent's ``NeuronCoreUtilization`` is Container Insights on EKS and ECS, and
  SageMaker AI detailed observability (endpoint OpenTelemetry metrics) is queried with PromQL,
  not with the ``GetMetricData`` metric stats a dashboard's metric math and this Lambda use.

Where this library itself publishes NeuronCore utilization (HyperPod clusters, from
``TrainiumCluster``'s lifecycle scripts), the dashboard uses it. Pure Python.
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
