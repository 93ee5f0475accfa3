"""``AsyncInferenceClient``: submit a request to a SageMaker asynchronous endpoint and wait
for its result in S3 (works with :class:`~green_constructs.inference.AsyncInferenceEndpoint`
and ``grant_invoke``)."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import boto3
from botocore.exceptions import ClientError

# Without s3:ListBucket (grant_invoke does not give it) S3 answers AccessDenied, not
# NoSuchKey, for an object that does not exist yet.
_NOT_YET = frozenset({"NoSuchKey", "404", "NotFound", "AccessDenied", "403"})


@dataclass(frozen=True)
class AsyncInvocation:
    """A submitted request: its id and where its input, result and failure report live."""

    inference_id: str
    input_location: str
    output_location: str
    failure_location: str | None


class AsyncInferenceFailed(Exception):
    """The endpoint wrote a failure report instead of a result (``content`` holds it)."""

    def __init__(self, invocation: AsyncInvocation, content: bytes) -> None:
        self.invocation = invocation
        self.content = content
        text = content.decode("utf-8", errors="replace")
        super().__init__(f"inference {invocation.inference_id} failed: {text}")


class AsyncInferenceClient:
    """Upload a payload, invoke the endpoint asynchronously, and poll S3 for the outcome.

    :param endpoint_name: the SageMaker endpoint.
    :param bucket: the bucket requests are uploaded to.
    :param input_prefix: key prefix for requests. Default: ``input/`` (the endpoint
        construct's default).
    :param session: boto3 session for both clients. Default: boto3's default session.
    :param s3_client: an S3 client. Default: one from ``session``.
    :param runtime_client: a ``sagemaker-runtime`` client. Default: one from ``session``.
    :param sleep: how to wait between polls. Default: :func:`time.sleep`.
    """

    def __init__(
        self,
        endpoint_name: str,
        bucket: str,
        input_prefix: str = "input/",
        *,
        session: boto3.session.Session | None = None,
        s3_client: Any = None,
        runtime_client: Any = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if input_prefix and not input_prefix.endswith("/"):
            raise ValueError(f"input_prefix must end with '/', got {input_prefix!r}")
        session = session or boto3.session.Session()
        self.endpoint_name = endpoint_name
        self.bucket = bucket
        self.input_prefix = input_prefix
        self._s3 = s3_client or session.client("s3")
        self._runtime = runtime_client or session.client("sagemaker-runtime")
        self._sleep = sleep

    def submit(
        self,
        payload: bytes | str | Mapping[str, Any] | Sequence[Any],
        *,
        content_type: str | None = None,
        accept: str | None = None,
        invocation_timeout_seconds: int | None = None,
    ) -> AsyncInvocation:
        """Upload ``payload`` under the input prefix and queue it on the endpoint.

        ``content_type`` defaults to ``application/json`` for a dict or list (sent as JSON),
        ``text/plain; charset=utf-8`` for a str, ``application/octet-stream`` for bytes.
        """
        body, default_type = _encode(payload)
        content_type = content_type or default_type
        inference_id = uuid.uuid4().hex
        key = f"{self.input_prefix}{inference_id}"
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)
        input_location = f"s3://{self.bucket}/{key}"
        request: dict[str, Any] = {
            "EndpointName": self.endpoint_name,
            "InputLocation": input_location,
            "InferenceId": inference_id,
            "ContentType": content_type,
        }
        if accept is not None:
            request["Accept"] = accept
        if invocation_timeout_seconds is not None:
            request["InvocationTimeoutSeconds"] = invocation_timeout_seconds
        response = self._runtime.invoke_endpoint_async(**request)
        return AsyncInvocation(
            inference_id=response.get("InferenceId", inference_id),
            input_location=input_location,
            output_location=response["OutputLocation"],
            failure_location=response.get("FailureLocation"),
        )

    def wait(
        self,
        invocation: AsyncInvocation,
        *,
        timeout: float = 900.0,
        initial_delay: float = 1.0,
        max_delay: float = 30.0,
    ) -> bytes:
        """The result's bytes once SageMaker writes them.

        Polls the output and failure locations, doubling the delay from ``initial_delay`` up to
        ``max_delay``. Raises :class:`AsyncInferenceFailed` with the failure report, or
        :class:`TimeoutError` after ``timeout`` seconds.
        """
        if timeout < 0 or initial_delay <= 0 or max_delay < initial_delay:
            raise ValueError(
                "timeout must be >= 0, initial_delay > 0 and max_delay >= initial_delay; got "
                f"timeout={timeout}, initial_delay={initial_delay}, max_delay={max_delay}"
            )
        deadline = time.monotonic() + timeout
        delay = initial_delay
        while True:
            output = self._read(invocation.output_location)
            if output is not None:
                return output
            if invocation.failure_location is not None:
                failure = self._read(invocation.failure_location)
                if failure is not None:
                    raise AsyncInferenceFailed(invocation, failure)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"inference {invocation.inference_id}: no result at "
                    f"{invocation.output_location} after {timeout:g} s"
                )
            self._sleep(min(delay, remaining))
            delay = min(delay * 2, max_delay)

    def wait_json(self, invocation: AsyncInvocation, **options: float) -> Any:
        """:meth:`wait`, with the result decoded from JSON."""
        return json.loads(self.wait(invocation, **options))

    def invoke(
        self,
        payload: bytes | str | Mapping[str, Any] | Sequence[Any],
        *,
        content_type: str | None = None,
        accept: str | None = None,
        timeout: float = 900.0,
        initial_delay: float = 1.0,
        max_delay: float = 30.0,
    ) -> bytes:
        """:meth:`submit` then :meth:`wait`."""
        invocation = self.submit(payload, content_type=content_type, accept=accept)
        return self.wait(
            invocation, timeout=timeout, initial_delay=initial_delay, max_delay=max_delay
        )

    def _read(self, location: str) -> bytes | None:
        bucket, key = _split_s3_url(location)
        try:
            return self._s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _NOT_YET:
                return None
            raise


def _encode(payload: bytes | str | Mapping[str, Any] | Sequence[Any]) -> tuple[bytes, str]:
    if isinstance(payload, (bytes, bytearray)):
        return bytes(payload), "application/octet-stream"
    if isinstance(payload, str):
        return payload.encode("utf-8"), "text/plain; charset=utf-8"
    if isinstance(payload, (Mapping, list, tuple)):
        return json.dumps(payload).encode("utf-8"), "application/json"
    raise TypeError(f"payload must be bytes, str, dict or list, got {type(payload).__name__}")


def _split_s3_url(location: str) -> tuple[str, str]:
    if not location.startswith("s3://") or "/" not in location[5:]:
        raise ValueError(f"not an s3://bucket/key location: {location!r}")
    bucket, key = location[5:].split("/", 1)
    return bucket, key
