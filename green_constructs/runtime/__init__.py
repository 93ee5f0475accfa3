"""boto3 helpers for applications that use the deployed constructs (no CDK needed)."""

from .async_client import (
    AsyncInferenceClient,
    AsyncInferenceFailed,
    AsyncInferencePermissionError,
    AsyncInferenceResultError,
    AsyncInferenceTimeout,
    AsyncInvocation,
    generated_text,
)

__all__ = [
    "AsyncInferenceClient",
    "AsyncInferenceFailed",
    "AsyncInferencePermissionError",
    "AsyncInferenceResultError",
    "AsyncInferenceTimeout",
    "AsyncInvocation",
    "generated_text",
]
