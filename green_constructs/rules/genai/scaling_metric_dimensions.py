"""Alarms and scaling metrics on SageMaker namespaces with dimensions SageMaker never publishes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..training_jobs import is_unknown
from ._endpoints import ALARM, SCALING_POLICY, metrics

_ENDPOINT = frozenset(
    {"EndpointName", "VariantName", "InferenceComponentName"}
    | {"ContainerId", "InstanceId", "AcceleratorId"}  # enhanced (per-instance) metrics
)
_JOBS = frozenset({"Host"})
VALID_DIMENSIONS: Mapping[str, frozenset[str]] = {
    "AWS/SageMaker": _ENDPOINT | {"FeatureGroupName", "OperationName"},
    "/aws/sagemaker/Endpoints": _ENDPOINT,
    "/aws/sagemaker/InferenceComponents": _ENDPOINT,
    "/aws/sagemaker/TrainingJobs": _JOBS,
    "/aws/sagemaker/ProcessingJobs": _JOBS,
    "/aws/sagemaker/TransformJobs": _JOBS,
}
"""Dimension names SageMaker publishes, by namespace (other namespaces are not checked)."""
_TRAINING_JOBS = "/aws/sagemaker/TrainingJobs"
_INSTANCE_METRICS = frozenset(
    {"CPUUtilization", "MemoryUtilization", "DiskUtilization"}
    | {"GPUUtilization", "GPUMemoryUtilization"}
    | {"CPUReservation", "MemoryReservation", "GPUReservation"}
)
"""Instance metrics of jobs, published per Host only; the metrics a training job defines
(``MetricDefinitions``, such as ``train:loss``) are published per ``TrainingJobName``."""
_JOB_NAMESPACES = frozenset(
    {"/aws/sagemaker/TrainingJobs", "/aws/sagemaker/ProcessingJobs", "/aws/sagemaker/TransformJobs"}
)


@rule(
    id="GenAI-ScalingMetricDimensions",
    severity=Severity.ERROR,
    title="SageMaker metric with dimensions SageMaker never publishes",
    explanation=(
        "CloudWatch matches metrics on their exact dimensions. An alarm or a target-tracking "
        "metric on a SageMaker namespace with a dimension name SageMaker does not publish "
        "(Endpoint, EndpointConfigName, ModelName...) never receives data: the scale-out, the "
        "scale-to-zero wake-up or the alert it drives never happens."
    ),
    remediation=(
        "Use the published dimensions: EndpointName and VariantName (or "
        "InferenceComponentName) for endpoint metrics, Host for /aws/sagemaker/TrainingJobs, "
        "ProcessingJobs and TransformJobs (TrainingJobName for the metrics a training job "
        "defines)."
    ),
    best_practices=("SUS02-BP01", "MLSUS-15"),
    resource_types=(ALARM, SCALING_POLICY),
    notes=(
        "Checks AWS::CloudWatch::Alarm metrics (metric math Metrics[].MetricStat included) and "
        "target-tracking CustomizedMetricSpecification on AWS/SageMaker and "
        "/aws/sagemaker/{Endpoints,InferenceComponents,TrainingJobs,ProcessingJobs,"
        "TransformJobs}. On TrainingJobs, TrainingJobName is valid for the metrics a job defines "
        "(MetricDefinitions), not for instance metrics (CPUUtilization, GPUUtilization...). "
        "Enhanced-metric dimensions (InstanceId, ContainerId, AcceleratorId) "
        "and Feature Store dimensions count as valid. Model Monitor data-metric namespaces "
        "carry user-chosen dimensions and are not checked."
    ),
)
def scaling_metric_dimensions(resource: Resource, template: TemplateContext) -> str | None:
    source: Any = resource.properties
    if resource.type == SCALING_POLICY:
        source = resource.get(
            "TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification"
        )
    if not isinstance(source, dict):
        return None
    wrong: dict[str, set[str]] = {}
    for metric in metrics(source):
        namespace = metric.get("Namespace")
        valid = VALID_DIMENSIONS.get(namespace) if isinstance(namespace, str) else None
        name = metric.get("MetricName")
        instance_metric = isinstance(name, str) and name in _INSTANCE_METRICS
        if namespace == _TRAINING_JOBS and not instance_metric:
            valid = _JOBS | {"TrainingJobName"}
        dimensions = metric.get("Dimensions")
        # valid is set for a namespace of VALID_DIMENSIONS or _TRAINING_JOBS only: a str
        if valid is None or not isinstance(namespace, str) or not isinstance(dimensions, list):
            continue
        for dimension in dimensions:
            name = dimension.get("Name") if isinstance(dimension, dict) else None
            if isinstance(name, str) and not is_unknown(name) and name not in valid:
                wrong.setdefault(namespace, set()).add(name)
    if not wrong:
        return None
    described = "; ".join(f"{', '.join(sorted(names))} on {ns}" for ns, names in wrong.items())
    expected = (
        "Host (or TrainingJobName for a training job's own metrics)"
        if all(ns in _JOB_NAMESPACES for ns in wrong)
        else "EndpointName and VariantName (or InferenceComponentName)"
    )
    return (
        f"{resource.logical_id} uses dimension(s) SageMaker never publishes ({described}): it "
        f"never receives data; use {expected}."
    )
