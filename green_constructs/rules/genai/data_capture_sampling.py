"""Capturing every request and response stores far more data than model monitoring needs."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..values import as_bool, as_int

MAX_SAMPLING_PERCENTAGE = 20
"""Sampling above this share of requests is reported: drift detection works on samples."""


@rule(
    id="GenAI-DataCaptureSampling",
    severity=Severity.WARNING,
    title="Endpoint data capture samples too many requests",
    explanation=(
        "Data capture writes request and response payloads to S3. Model Monitor detects drift "
        "from a sample; capturing most or all traffic multiplies storage, transfer and "
        "processing for no extra insight."
    ),
    remediation=(
        f"Lower DataCaptureConfig.InitialSamplingPercentage to {MAX_SAMPLING_PERCENTAGE} or less "
        "(a few percent is usually enough), and expire captured data with an S3 lifecycle rule."
    ),
    best_practices=("MLSUS-05", "SUS04-BP05"),
    resource_types=("AWS::SageMaker::EndpointConfig",),
    notes=(
        f"Reported above {MAX_SAMPLING_PERCENTAGE}% when capture is enabled (EnableCapture absent "
        "or true); capture needed for audit of every request should be acknowledged with the "
        "reason."
    ),
)
def data_capture_sampling(resource: Resource, template: TemplateContext) -> str | None:
    if as_bool(resource.get("DataCaptureConfig.EnableCapture", True)) is not True:
        return None
    percentage = as_int(resource.get("DataCaptureConfig.InitialSamplingPercentage"))
    if percentage is None or percentage <= MAX_SAMPLING_PERCENTAGE:
        return None
    return (
        f"Endpoint config {resource.logical_id} captures {percentage}% of requests: lower "
        f"DataCaptureConfig.InitialSamplingPercentage to {MAX_SAMPLING_PERCENTAGE} or less."
    )
