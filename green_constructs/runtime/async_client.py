"""``AsyncInferenceClient``: submit a request to a SageMaker asynchronous endpoint and wait
for its result in S3 (works with :class:`~green_constructs.inference.AsyncInferenceEndpoint`
and ``grant_invoke``).

The client knows the request and response formats of the two serving images of
:class:`~green_constructs.inference.HuggingFaceNeuronModel` (``server``):

- ``vllm`` (default; huggingface-vllm-inference-neuronx runs ``optimum-cli neuron serve``, i.e.
  vLLM's OpenAI server): ``POST /invocations`` validates the JSON body as an OpenAI
  ``ChatCompletionRequest`` (``messages`` required) and then as a ``CompletionRequest``
  (``prompt`` or ``prompt_embeds`` required), and answers 400 ("Cannot find suitable handler
  for request") to anything else, such as ``{"inputs": ...}``; only ``application/json`` is
  accepted (415 otherwise). Sources: vllm-project/vllm ``vllm/entrypoints/openai/api_server.py``
  ``invocations`` / ``INVOCATION_TYPES`` (since moved to ``vllm/entrypoints/sagemaker/routes.py``)
  and ``protocol.py``; optimum-neuron ``optimum/commands/neuron/serve.py``. Answers are OpenAI
  objects: ``choices[0].message.content`` (chat) or ``choices[0].text`` (completion).
  ``model`` is optional: ``_is_model_supported`` (``serving_engine.py``) accepts a missing
  model (the served model answers) and any other name than the served one
  (``--served-model-name``) gets a 404 "The model ... does not exist". The construct serves
  the Hub ``model_id`` under that name, also when the weights come from S3
  (``SM_ON_SERVED_MODEL_NAME``). Bodies use ``max_tokens``, which vLLM still reads (alongside
  ``max_completion_tokens``) and TGI's chat body reads.
- ``tgi`` (huggingface-pytorch-tgi-inference neuronx, TGI 3.x): ``POST /invocations``
  (huggingface/text-generation-inference ``router/src/sagemaker.rs`` ``SagemakerRequest``,
  since PR #2683) takes a generate body ``{"inputs": str, "parameters": {"max_new_tokens":
  ...}}`` answered with ``[{"generated_text": ...}]`` (``router/src/server.rs``
  ``compat_generate``, which prepends the prompt for text-generation models unless
  ``parameters.return_full_text`` is false), and OpenAI chat (``messages``) and completion
  (``prompt``) bodies answered like vLLM's (their ``model`` field is unused).

Waiting, retries and errors:

- :meth:`AsyncInferenceClient.wait` reads the output and failure locations in rounds.
  ``NoSuchKey``, ``NotFound`` and ``404`` mean "not written yet". For ``AccessDenied``
  (``403``), which S3 also answers for a missing object when the caller's s3:ListBucket does
  not cover the read, the client lists the object's own key (``ListObjectsV2`` with the key as
  prefix, which ``grant_invoke``'s prefix-scoped s3:ListBucket allows): an object that is not
  listed is "not yet"; one that is, or a listing that is denied too, raises
  :class:`AsyncInferencePermissionError` at once (the caller lacks s3:GetObject on the output
  or failure prefix, kms:Decrypt on the bucket's key, or s3:ListBucket for those prefixes).
  ``access_denied_means_pending=True`` counts AccessDenied as "not yet" without listing.
- Transient errors are retried with exponential backoff and full jitter (a uniform draw
  between 0 and the current delay), on top of botocore's own retries: by :meth:`wait` until
  its deadline, by :meth:`submit` up to ``submit_attempts`` attempts of each call. They are
  the error codes in :data:`RETRIED_ERROR_CODES` (S3's ``SlowDown``, ``InternalError``,
  ``ServiceUnavailable``, ``RequestTimeout``; throttling codes such as ``Throttling``,
  ``ThrottlingException``, ``TooManyRequestsException``, ``RequestLimitExceeded``; SageMaker's
  ``InternalFailure``), any error answered with an HTTP status in
  :data:`RETRIED_STATUS_CODES` (500, 502, 503, 504), and the botocore exceptions in
  :data:`RETRIED_EXCEPTIONS` (``EndpointConnectionError``, ``ConnectTimeoutError``,
  ``ReadTimeoutError``, ``ConnectionClosedError``, ``ResponseStreamingError``,
  ``IncompleteReadError``).
- :meth:`wait` starts no read round once its deadline has passed (a round under way may
  finish) and then raises :class:`AsyncInferenceTimeout`, a TimeoutError.
- Every error raised once a request has its inference id names it: the client's own
  exceptions carry the ``invocation`` (and ``inference_id``); botocore errors are re-raised
  unchanged in type with ``inference_id`` set on them and a note (``__notes__``) saying what
  failed.
- JSON is strict both ways: payloads are encoded with ``allow_nan=False`` (a NaN or infinite
  number raises ValueError naming where it is, before anything is uploaded), and ``NaN``,
  ``Infinity`` and ``-Infinity`` are rejected when decoding (:meth:`wait_json`,
  :func:`generated_text`, str or bytes payloads checked for a server).
"""

from __future__ import annotations

import json
import math
import numbers
import random
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    IncompleteReadError,
    ReadTimeoutError,
    ResponseStreamingError,
)

_T = TypeVar("_T")

# What S3 answers for an object that is not written yet.
_NOT_YET = frozenset({"NoSuchKey", "404", "NotFound"})
# A permission error, or (without s3:ListBucket on the bucket) also an object not written yet.
_DENIED = frozenset({"AccessDenied", "403"})

#: Error codes retried as transient: S3's slow-down and server errors, the throttling codes
#: of AWS services (botocore's list), SageMaker runtime's InternalFailure and
#: ServiceUnavailable.
RETRIED_ERROR_CODES = frozenset(
    {
        # S3
        "SlowDown",
        "InternalError",
        "ServiceUnavailable",
        "RequestTimeout",
        # throttling
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "RequestThrottled",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "ProvisionedThroughputExceededException",
        # other transient answers (SageMaker runtime: InternalFailure)
        "InternalFailure",
        "RequestTimeoutException",
        "PriorRequestNotComplete",
    }
)
#: HTTP statuses retried whatever the error code.
RETRIED_STATUS_CODES = frozenset({500, 502, 503, 504})
#: botocore exceptions retried: the request did not get through, or its answer did not.
RETRIED_EXCEPTIONS: tuple[type[Exception], ...] = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
    ResponseStreamingError,
    IncompleteReadError,
)
#: Attempts of each call :meth:`AsyncInferenceClient.submit` makes (put_object,
#: invoke_endpoint_async) when they fail with a transient error.
DEFAULT_SUBMIT_ATTEMPTS = 3
# Backoff of submit's retries: full jitter on 1 s, 2 s, 4 s, ... up to 20 s (botocore's).
_SUBMIT_BASE_DELAY = 1.0
_SUBMIT_MAX_DELAY = 20.0
_PERMISSIONS = (
    "the caller needs s3:GetObject on the endpoint's output and failure prefixes, kms:Decrypt "
    "on the bucket's KMS key, and s3:ListBucket on the bucket for those prefixes (without it "
    "S3 answers AccessDenied, not NoSuchKey, for a result that does not exist yet); "
    "AsyncInferenceEndpoint.grant_invoke grants them"
)

SERVERS = ("vllm", "tgi")
# Generation stops here unless told otherwise: without a bound vLLM generates up to the
# model's context length, TGI up to its max_total_tokens.
DEFAULT_MAX_TOKENS = 256
_JSON = "application/json"
# Top-level keys of the bodies each server's /invocations routes.
_OPENAI_KEYS = ("messages", "prompt")
_VLLM_KEYS = _OPENAI_KEYS + ("prompt_embeds",)
_TGI_KEYS = ("inputs",) + _OPENAI_KEYS
_TGI_ONLY_KEYS = ("inputs", "parameters")
# OpenAI fields that TGI's generate body ignores (it reads parameters.max_new_tokens).
_OPENAI_LIMITS = ("max_tokens", "max_completion_tokens")


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

    @property
    def inference_id(self) -> str:
        return self.invocation.inference_id


class AsyncInferencePermissionError(PermissionError):
    """S3 answered AccessDenied for the result or the failure report of ``invocation``.

    ``location`` is the object read, ``detail`` S3's message. The caller needs s3:GetObject on
    the output and failure prefixes, kms:Decrypt on the bucket's key, and s3:ListBucket on the
    bucket for those prefixes (without it S3 answers AccessDenied for a result that does not
    exist yet).
    """

    def __init__(self, invocation: AsyncInvocation, location: str, detail: str) -> None:
        self.invocation = invocation
        self.location = location
        self.detail = detail
        super().__init__(
            f"inference {invocation.inference_id}: S3 denied reading {location} "
            f"(AccessDenied: {detail}); {_PERMISSIONS}. If the policy cannot have "
            "s3:ListBucket, create the client with access_denied_means_pending=True"
        )

    @property
    def inference_id(self) -> str:
        return self.invocation.inference_id


class AsyncInferenceTimeout(TimeoutError):
    """No result nor failure report for ``invocation`` within ``timeout`` seconds.

    ``last_error`` is the last transient error retried (None if there was none); the request
    may still be processed: :meth:`AsyncInferenceClient.wait` on ``invocation`` again.
    """

    def __init__(
        self,
        invocation: AsyncInvocation,
        timeout: float,
        *,
        retried: int = 0,
        last_error: Exception | None = None,
        denied: str | None = None,
    ) -> None:
        self.invocation = invocation
        self.timeout = timeout
        self.retried = retried
        self.last_error = last_error
        message = (
            f"inference {invocation.inference_id}: no result at {invocation.output_location} "
            f"after {timeout:g} s"
        )
        if denied is not None:
            message += (
                f"; S3 answered AccessDenied ({denied}), which access_denied_means_pending=True "
                "counts as not written yet, but which may also hide a missing permission: "
                "s3:GetObject on the output or failure prefix, or kms:Decrypt on the bucket's key"
            )
        if last_error is not None:
            message += f"; {retried} transient error(s) were retried, the last: {last_error!r}"
        super().__init__(message)

    @property
    def inference_id(self) -> str:
        return self.invocation.inference_id


class AsyncInferenceResultError(ValueError):
    """The result of ``invocation`` (``content``) is not what was expected, e.g. not JSON."""

    def __init__(self, invocation: AsyncInvocation, content: bytes, reason: str) -> None:
        self.invocation = invocation
        self.content = content
        super().__init__(
            f"inference {invocation.inference_id}: the result at {invocation.output_location} "
            f"{reason}: {_excerpt(content)}"
        )

    @property
    def inference_id(self) -> str:
        return self.invocation.inference_id


@dataclass(frozen=True)
class _Missing:
    """A read that found nothing (yet): ``error`` is a transient error retried, ``denied`` S3's
    AccessDenied message when ``access_denied_means_pending`` counted it as not yet."""

    error: Exception | None = None
    denied: str | None = None


class AsyncInferenceClient:
    """Upload a payload, invoke the endpoint asynchronously, and poll S3 for the outcome.

    :param endpoint_name: the SageMaker endpoint.
    :param bucket: the bucket requests are uploaded to.
    :param input_prefix: key prefix for requests. Default: ``input/`` (the endpoint
        construct's default).
    :param server: the serving image behind the endpoint, which fixes the request format
        (see the module documentation): ``vllm`` (OpenAI chat ``messages`` or completion
        ``prompt`` bodies), ``tgi`` (generate ``inputs`` bodies, or OpenAI ones), or None to
        send any payload unchecked (another container). With a server, :meth:`submit` only
        accepts a JSON object the server routes and raises ValueError before uploading
        anything else. Default: ``vllm``, the default image of ``HuggingFaceNeuronModel``.
    :param model: the served model name put in vLLM bodies built by :meth:`chat` and
        :meth:`generate` (the construct serves the Hub ``model_id``). Default: None, the field is
        left out and vLLM answers with the model it serves; a wrong name gets a 404.
    :param session: boto3 session for both clients. Default: boto3's default session.
    :param s3_client: an S3 client. Default: one from ``session``.
    :param runtime_client: a ``sagemaker-runtime`` client. Default: one from ``session``.
    :param sleep: how to wait between polls and retries. Default: :func:`time.sleep`.
    :param clock: the clock :meth:`wait`'s deadline is measured on, in seconds. Default:
        :func:`time.monotonic`.
    :param jitter: a uniform draw in [0, 1] that scales each retry's backoff (full jitter).
        Default: :func:`random.random`.
    :param submit_attempts: attempts of each call :meth:`submit` makes (put_object,
        invoke_endpoint_async) when it fails with a transient error (see the module
        documentation), with exponential backoff and full jitter from 1 s up to 20 s. These
        come on top of botocore's own retries. Default: :data:`DEFAULT_SUBMIT_ATTEMPTS` (3).
    :param access_denied_means_pending: count S3's AccessDenied for the result or the failure
        report as "not written yet", for callers whose policy lacks s3:ListBucket on the
        bucket (S3 then answers AccessDenied, not NoSuchKey, for an object that does not
        exist yet). A real permission error (no s3:GetObject on the output or failure prefix,
        no kms:Decrypt on the bucket's key) then shows only as :class:`AsyncInferenceTimeout`,
        whose message says S3 answered AccessDenied. Default: False, AccessDenied raises
        :class:`AsyncInferencePermissionError` at once.

    Errors: :meth:`wait` raises :class:`AsyncInferenceFailed` (failure report),
    :class:`AsyncInferencePermissionError` (a PermissionError) and
    :class:`AsyncInferenceTimeout` (a TimeoutError), all carrying the ``invocation``; other
    botocore errors keep their type and get ``inference_id`` and a note naming the request.
    """

    def __init__(
        self,
        endpoint_name: str,
        bucket: str,
        input_prefix: str = "input/",
        *,
        server: str | None = "vllm",
        model: str | None = None,
        session: boto3.session.Session | None = None,
        s3_client: Any = None,
        runtime_client: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        submit_attempts: int = DEFAULT_SUBMIT_ATTEMPTS,
        access_denied_means_pending: bool = False,
    ) -> None:
        if input_prefix and not input_prefix.endswith("/"):
            raise ValueError(f"input_prefix must end with '/', got {input_prefix!r}")
        if server is not None and server not in SERVERS:
            raise ValueError(
                f"server must be one of {', '.join(SERVERS)} or None (raw payloads), got {server!r}"
            )
        _check_model(model, server, "model")
        if (
            isinstance(submit_attempts, bool)
            or not isinstance(submit_attempts, int)
            or submit_attempts < 1
        ):
            raise ValueError(f"submit_attempts must be an int >= 1, got {submit_attempts!r}")
        if not isinstance(access_denied_means_pending, bool):
            raise ValueError(
                f"access_denied_means_pending must be a bool, got {access_denied_means_pending!r}"
            )
        session = session or boto3.session.Session()
        self.endpoint_name = endpoint_name
        self.bucket = bucket
        self.input_prefix = input_prefix
        self.server = server
        self.model = model
        self.submit_attempts = submit_attempts
        self.access_denied_means_pending = access_denied_means_pending
        self._s3 = s3_client if s3_client is not None else session.client("s3")
        self._runtime = (
            runtime_client if runtime_client is not None else session.client("sagemaker-runtime")
        )
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter

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
        ``text/plain; charset=utf-8`` for a str, ``application/octet-stream`` for bytes. With a
        ``server``, the payload must be a JSON object (a dict, or a str or bytes holding one,
        sent as ``application/json``) in a format that server routes; anything else raises
        ValueError before the upload. JSON is encoded strictly: a NaN or infinite number
        raises ValueError naming where it is, before the upload.

        put_object and invoke_endpoint_async are each attempted up to ``submit_attempts``
        times while they fail with a transient error (exponential backoff, full jitter). A
        read timeout of invoke_endpoint_async may hide a request that was queued, which a
        retry then queues again (SageMaker's InferenceId is no idempotency token).

        If invoke_endpoint_async still fails, the uploaded request object is deleted (best
        effort: it needs s3:DeleteObject on the input prefix, which ``grant_invoke`` gives;
        on a versioned bucket the deletion leaves a noncurrent version for the bucket's
        lifecycle to expire). The error raised is the one of the failed call, unchanged in
        type, with ``inference_id``, ``input_location`` and ``input_deleted`` set on it and a
        note (``__notes__``) naming the request and saying whether the object was deleted
        (and why not).
        """
        if self.server is None:
            body, default_type = _encode(payload)
        else:
            body, default_type = self._checked_body(payload, content_type)
        content_type = content_type or default_type
        inference_id = uuid.uuid4().hex
        key = f"{self.input_prefix}{inference_id}"
        input_location = f"s3://{self.bucket}/{key}"
        try:
            self._retrying(
                lambda: self._s3.put_object(
                    Bucket=self.bucket, Key=key, Body=body, ContentType=content_type
                )
            )
        except Exception as error:
            _annotate(
                error,
                inference_id,
                f"inference {inference_id}: uploading the request to {input_location} failed",
                input_location=input_location,
            )
            raise
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
        try:
            response = self._retrying(lambda: self._runtime.invoke_endpoint_async(**request))
        except Exception as error:
            cleanup = self._delete(key)
            if cleanup is None:
                outcome = f"the request object {input_location} was deleted"
            else:
                outcome = (
                    f"deleting the request object {input_location} failed too ({cleanup!r}): "
                    "it stays in S3 until deleted or expired by the bucket's lifecycle"
                )
            _annotate(
                error,
                inference_id,
                f"inference {inference_id}: invoke_endpoint_async on endpoint "
                f"{self.endpoint_name!r} failed; {outcome}",
                input_location=input_location,
                input_deleted=cleanup is None,
            )
            raise
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

        Reads the output location, then the failure location, in rounds, doubling the delay
        between rounds from ``initial_delay`` up to ``max_delay`` (finite numbers of seconds:
        ``timeout >= 0``, ``initial_delay > 0``, ``max_delay >= initial_delay``; ValueError
        otherwise). After a round with a transient error (see the module documentation) the
        delay is drawn uniformly between 0 and the current one (full jitter). No round starts
        once ``timeout`` seconds have passed on the client's clock (a round under way
        finishes; the first round always runs).

        Raises :class:`AsyncInferenceFailed` with the failure report,
        :class:`AsyncInferencePermissionError` when S3 answers AccessDenied (unless
        ``access_denied_means_pending``), or :class:`AsyncInferenceTimeout` (a TimeoutError)
        at the deadline; other errors are re-raised with ``inference_id`` set and a note.
        """
        _check_wait_options(timeout, initial_delay, max_delay)
        for location in (invocation.output_location, invocation.failure_location):
            if location is not None:
                try:
                    _split_s3_url(location)
                except ValueError as error:
                    raise ValueError(f"inference {invocation.inference_id}: {error}") from None
        deadline = self._clock() + timeout
        delay = float(initial_delay)
        retried = 0
        last_error: Exception | None = None
        denied: str | None = None
        first = True
        while True:
            if not first and self._clock() >= deadline:
                raise AsyncInferenceTimeout(
                    invocation, timeout, retried=retried, last_error=last_error, denied=denied
                ) from last_error
            first = False
            output = self._read(invocation, invocation.output_location)
            if isinstance(output, bytes):
                return output
            misses = [output]
            if invocation.failure_location is not None:
                failure = self._read(invocation, invocation.failure_location)
                if isinstance(failure, bytes):
                    raise AsyncInferenceFailed(invocation, failure)
                misses.append(failure)
            errors = [miss.error for miss in misses if miss.error is not None]
            denied = next((m.denied for m in misses if m.denied is not None), denied)
            if errors:
                retried += len(errors)
                last_error = errors[-1]
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise AsyncInferenceTimeout(
                    invocation, timeout, retried=retried, last_error=last_error, denied=denied
                ) from last_error
            pause = self._jittered(delay) if errors else delay
            self._sleep(min(pause, remaining))
            delay = min(delay * 2, max_delay)

    def wait_json(self, invocation: AsyncInvocation, **options: float) -> Any:
        """:meth:`wait`, with the result decoded from JSON (strictly: ``NaN`` and ``Infinity``
        are not JSON). Raises :class:`AsyncInferenceResultError` (a ValueError) for a result
        that is not JSON."""
        content = self.wait(invocation, **options)
        try:
            return _loads(content)
        except ValueError as error:
            raise AsyncInferenceResultError(
                invocation, content, f"is not JSON ({error})"
            ) from error

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
        """:meth:`submit` then :meth:`wait` (whose options are checked before submitting).

        The errors of :meth:`wait` carry the ``invocation``, to wait on it again."""
        _check_wait_options(timeout, initial_delay, max_delay)
        invocation = self.submit(payload, content_type=content_type, accept=accept)
        return self.wait(
            invocation, timeout=timeout, initial_delay=initial_delay, max_delay=max_delay
        )

    def chat_request(
        self,
        messages: str | Sequence[Mapping[str, Any]],
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        model: str | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The OpenAI chat completion body :meth:`chat` sends (both servers take it).

        ``messages`` is a str (one user message) or a list of ``{"role", "content"}`` dicts.
        ``parameters`` adds OpenAI fields such as ``temperature``. ``model`` (vLLM only)
        overrides the client's ``model``.
        """
        self._require_server("chat")
        body: dict[str, Any] = {"messages": _messages(messages)}
        body.update(self._openai_fields(max_tokens, model))
        return _merge(body, parameters)

    def generate_request(
        self,
        prompt: str,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        model: str | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The body :meth:`generate` sends: a completion of ``prompt`` as is (no chat template).

        vLLM: ``{"prompt", "max_tokens"}`` (OpenAI completion; ``parameters`` adds top-level
        fields). TGI: ``{"inputs", "parameters": {"max_new_tokens", "return_full_text": false}}``
        (``parameters`` adds TGI generation parameters such as ``temperature``).
        """
        self._require_server("generate")
        if not isinstance(prompt, str) or not prompt:
            raise ValueError(f"prompt must be a non-empty str, got {prompt!r}")
        if self.server == "tgi":
            _check_model(model, self.server, "model")
            generation = {"max_new_tokens": _max_tokens(max_tokens), "return_full_text": False}
            return {"inputs": prompt, "parameters": _merge(generation, parameters)}
        body: dict[str, Any] = {"prompt": prompt}
        body.update(self._openai_fields(max_tokens, model))
        return _merge(body, parameters)

    def chat(
        self,
        messages: str | Sequence[Mapping[str, Any]],
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        model: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        timeout: float = 900.0,
        initial_delay: float = 1.0,
        max_delay: float = 30.0,
    ) -> str:
        """Send :meth:`chat_request` (the model's chat template applies) and return the
        reply's text, ``choices[0].message.content``."""
        body = self.chat_request(
            messages, max_tokens=max_tokens, model=model, parameters=parameters
        )
        result = self.invoke(
            body, timeout=timeout, initial_delay=initial_delay, max_delay=max_delay
        )
        return generated_text(result)

    def generate(
        self,
        prompt: str,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        model: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        timeout: float = 900.0,
        initial_delay: float = 1.0,
        max_delay: float = 30.0,
    ) -> str:
        """Send :meth:`generate_request` and return the generated text without the prompt
        (vLLM ``choices[0].text``, TGI ``[0].generated_text``)."""
        body = self.generate_request(
            prompt, max_tokens=max_tokens, model=model, parameters=parameters
        )
        result = self.invoke(
            body, timeout=timeout, initial_delay=initial_delay, max_delay=max_delay
        )
        return generated_text(result)

    def _require_server(self, method: str) -> None:
        if self.server is None:
            raise ValueError(
                f"{method}() builds a request for a known server: create the client with "
                f"server='vllm' or server='tgi' (server=None sends raw payloads with invoke())"
            )

    def _openai_fields(self, max_tokens: int, model: str | None) -> dict[str, Any]:
        _check_model(model, self.server, "model")
        fields: dict[str, Any] = {"max_tokens": _max_tokens(max_tokens)}
        served = model if model is not None else self.model
        if served is not None:
            fields["model"] = served
        return fields

    def _checked_body(
        self, payload: bytes | str | Mapping[str, Any] | Sequence[Any], content_type: str | None
    ) -> tuple[bytes, str]:
        """The JSON object ``payload`` holds, encoded, after checking the server routes it."""
        server = self.server
        if content_type is not None and content_type.split(";")[0].strip().lower() != _JSON:
            raise ValueError(
                f"content_type must be {_JSON} for server={server!r} (its /invocations "
                f"answers 415 to anything else), got {content_type!r}; use server=None to "
                "send other content"
            )
        if isinstance(payload, Mapping):
            body = payload
        elif isinstance(payload, (str, bytes, bytearray)):
            try:
                body = _loads(payload)
            except _NonFiniteConstant as error:
                raise ValueError(f"payload is not JSON: {error}") from None
            except ValueError:
                body = None
        else:
            body = None
        if not isinstance(body, Mapping):
            raise ValueError(
                f"payload must be a JSON object for server={server!r}, got "
                f"{_excerpt(payload)}; use chat() or generate(), or server=None for raw payloads"
            )
        if server == "vllm":
            tgi_keys = [key for key in _TGI_ONLY_KEYS if key in body]
            if tgi_keys:
                raise ValueError(
                    f"payload has {', '.join(map(repr, tgi_keys))}, Text Generation Inference's "
                    "format, but server='vllm': vLLM's /invocations takes OpenAI chat "
                    "({'messages': [...], 'max_tokens': n}) or completion ({'prompt': ..., "
                    "'max_tokens': n}) bodies and answers 400 to this one. Use chat() or "
                    "generate(), or AsyncInferenceClient(..., server='tgi') for a TGI endpoint"
                )
            if not any(key in body for key in _VLLM_KEYS):
                raise ValueError(
                    "payload has none of 'messages' (OpenAI chat) or 'prompt' (completion), "
                    f"which server='vllm' needs; got keys {sorted(body)}"
                )
        else:
            if not any(key in body for key in _TGI_KEYS):
                raise ValueError(
                    "payload has none of 'inputs' (TGI generate), 'messages' (chat) or "
                    f"'prompt' (completion), the bodies server='tgi' routes; got keys "
                    f"{sorted(body)}"
                )
            limits = [key for key in _OPENAI_LIMITS if key in body]
            if "inputs" in body and limits:
                raise ValueError(
                    f"payload is a TGI generate body ('inputs') with the OpenAI field "
                    f"{', '.join(map(repr, limits))}, which TGI ignores there: put "
                    "'max_new_tokens' under 'parameters', or use generate()"
                )
        return _dumps(body), _JSON

    def _read(self, invocation: AsyncInvocation, location: str) -> bytes | _Missing:
        """The object at ``location``, or why there is none yet."""
        bucket, key = _split_s3_url(location)
        try:
            body: bytes = self._s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            return body
        except Exception as error:
            if _is_transient(error):
                return _Missing(error=error)
            if isinstance(error, ClientError):
                code = _error_code(error)
                if code in _NOT_YET:
                    return _Missing()
                if code in _DENIED:
                    detail = error.response.get("Error", {}).get("Message") or str(error)
                    if self.access_denied_means_pending:
                        return _Missing(denied=detail)
                    try:
                        if not self._exists(bucket, key):
                            return _Missing()
                    except Exception as listing:
                        if _is_transient(listing):
                            return _Missing(error=listing)
                        if not (
                            isinstance(listing, ClientError) and _error_code(listing) in _DENIED
                        ):
                            raise
                    raise AsyncInferencePermissionError(invocation, location, detail) from error
            _annotate(
                error,
                invocation.inference_id,
                f"inference {invocation.inference_id}: reading {location} failed",
                invocation=invocation,
            )
            raise

    def _exists(self, bucket: str, key: str) -> bool:
        """Whether a listing of ``key``'s own prefix shows it: S3 answers AccessDenied for a
        missing object to a caller whose s3:ListBucket does not reach GetObject's check (a
        grant limited by an ``s3:prefix`` condition, as ``grant_invoke``'s), so an
        AccessDenied read is a permission error only for an object that exists."""
        listing = self._s3.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
        return any(item.get("Key") == key for item in listing.get("Contents", ()))

    def _retrying(self, call: Callable[[], _T]) -> _T:
        """``call()``, attempted up to ``submit_attempts`` times while it fails with a
        transient error, with exponential backoff and full jitter."""
        backoff = _SUBMIT_BASE_DELAY
        attempt = 1
        while True:
            try:
                return call()
            except Exception as error:
                transient = _is_transient(error)
                if attempt >= self.submit_attempts or not transient:
                    if attempt > 1 or transient:
                        _add_note(
                            error,
                            f"attempt {attempt} of at most {self.submit_attempts} (transient "
                            "errors are retried)",
                        )
                    raise
            self._sleep(self._jittered(backoff))
            backoff = min(backoff * 2, _SUBMIT_MAX_DELAY)
            attempt += 1

    def _jittered(self, delay: float) -> float:
        draw = self._jitter()
        if not 0.0 <= draw <= 1.0:
            raise ValueError(f"jitter() must return a number in [0, 1], got {draw!r}")
        return draw * delay

    def _delete(self, key: str) -> Exception | None:
        """Delete the request object ``key`` (best effort): None, or why it failed."""
        try:
            self._s3.delete_object(Bucket=self.bucket, Key=key)
        except Exception as error:
            return error
        return None


def generated_text(result: bytes | str | Mapping[str, Any] | Sequence[Any]) -> str:
    """The generated text in a server's answer (the result bytes or their decoded JSON).

    OpenAI chat completion (vLLM, TGI messages): ``choices[0].message.content``; OpenAI
    completion: ``choices[0].text``; TGI generate: ``[0].generated_text``. Raises ValueError
    for any other answer.
    """
    data: Any = result
    if isinstance(result, (bytes, bytearray, str)):
        try:
            data = _loads(result)
        except _NonFiniteConstant as error:
            raise ValueError(f"the answer is not JSON ({error}): {_excerpt(result)}") from None
        except ValueError:
            raise ValueError(f"the answer is not JSON: {_excerpt(result)}") from None
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        data = data[0]
    if isinstance(data, Mapping):
        if isinstance(data.get("generated_text"), str):
            return data["generated_text"]
        choices = data.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], Mapping):
            choice = choices[0]
            message = choice.get("message")
            if isinstance(message, Mapping):
                if isinstance(message.get("content"), str):
                    return message["content"]
                raise ValueError(
                    "the chat answer has no text content (finish_reason="
                    f"{choice.get('finish_reason')!r}): {_excerpt(data)}"
                )
            if isinstance(choice.get("text"), str):
                return choice["text"]
    raise ValueError(
        "the answer is neither an OpenAI completion (choices) nor a TGI generation "
        f"(generated_text): {_excerpt(data)}"
    )


def _messages(messages: str | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(messages, str):
        if not messages:
            raise ValueError("messages must be a non-empty str or list of messages, got ''")
        return [{"role": "user", "content": messages}]
    if (
        isinstance(messages, (list, tuple))
        and messages
        and all(isinstance(m, Mapping) and "role" in m for m in messages)
    ):
        return [dict(m) for m in messages]
    raise ValueError(
        "messages must be a str (one user message) or a non-empty list of "
        f"{{'role': ..., 'content': ...}} dicts, got {_excerpt(messages)}"
    )


def _max_tokens(max_tokens: int) -> int:
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise ValueError(f"max_tokens must be an int >= 1, got {max_tokens!r}")
    return max_tokens


def _check_model(model: str | None, server: str | None, name: str) -> None:
    if model is None:
        return
    if server != "vllm":
        raise ValueError(
            f"{name} is the served model name of vLLM's OpenAI server; server={server!r} "
            f"does not route on it, so leave {name} out (got {model!r})"
        )
    if not isinstance(model, str) or not model.strip():
        raise ValueError(f"{name} must be the served model name, got {model!r}")


def _merge(body: dict[str, Any], parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    if not parameters:
        return body
    clashes = sorted(set(parameters) & set(body))
    if clashes:
        raise ValueError(
            f"parameters may not set {', '.join(clashes)}: the method sets them from its "
            "arguments (messages or prompt, max_tokens, model)"
        )
    if parameters.get("stream"):
        raise ValueError(
            "parameters may not set stream: an asynchronous endpoint stores one answer"
        )
    return {**body, **parameters}


def _excerpt(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _encode(payload: bytes | str | Mapping[str, Any] | Sequence[Any]) -> tuple[bytes, str]:
    if isinstance(payload, (bytes, bytearray)):
        return bytes(payload), "application/octet-stream"
    if isinstance(payload, str):
        return payload.encode("utf-8"), "text/plain; charset=utf-8"
    if isinstance(payload, (Mapping, list, tuple)):
        return _dumps(payload), "application/json"
    raise TypeError(f"payload must be bytes, str, dict or list, got {type(payload).__name__}")


def _split_s3_url(location: str) -> tuple[str, str]:
    if not location.startswith("s3://") or "/" not in location[5:]:
        raise ValueError(f"not an s3://bucket/key location: {location!r}")
    bucket, key = location[5:].split("/", 1)
    return bucket, key


class _NonFiniteConstant(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity`` in JSON text: Python's json reads them, JSON has
    no such numbers."""


def _reject_constant(name: str) -> Any:
    raise _NonFiniteConstant(f"{name} is not a JSON number (JSON has no NaN or Infinity)")


def _loads(text: str | bytes | bytearray) -> Any:
    """Strict JSON: NaN, Infinity and -Infinity raise ValueError."""
    return json.loads(text, parse_constant=_reject_constant)


def _dumps(payload: Any) -> bytes:
    """Strict JSON: a NaN or infinite number raises ValueError naming where it is."""
    try:
        return json.dumps(payload, allow_nan=False).encode("utf-8")
    except ValueError as error:
        found = _non_finite(payload, "payload", set())
        if found is None:
            raise
        path, value = found
        raise ValueError(
            f"{path} is {value!r}, which JSON cannot hold (it has no NaN or Infinity): send a "
            "finite number or None"
        ) from error


def _non_finite(value: Any, path: str, seen: set[int]) -> tuple[str, float] | None:
    """Where the first NaN or infinite float in ``value`` is, and its value."""
    if isinstance(value, float):
        return None if math.isfinite(value) else (path, value)
    if isinstance(value, (Mapping, list, tuple)):
        if id(value) in seen:
            return None
        seen.add(id(value))
        items = value.items() if isinstance(value, Mapping) else enumerate(value)
        for key, item in items:
            if isinstance(key, float) and not math.isfinite(key):
                return f"{path} (a key)", key
            found = _non_finite(item, f"{path}[{key!r}]", seen)
            if found is not None:
                return found
    return None


def _check_wait_options(timeout: float, initial_delay: float, max_delay: float) -> None:
    _check_seconds("timeout", timeout, ">= 0", lambda value: value >= 0)
    _check_seconds("initial_delay", initial_delay, "> 0", lambda value: value > 0)
    _check_seconds(
        "max_delay",
        max_delay,
        f">= initial_delay ({initial_delay!r})",
        lambda value: value >= initial_delay,
    )


def _check_seconds(name: str, value: float, allowed: str, accept: Callable[[float], bool]) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or not accept(value)
    ):
        raise ValueError(f"{name} must be a finite number of seconds {allowed}, got {value!r}")


def _error_code(error: ClientError) -> str | None:
    code = error.response.get("Error", {}).get("Code")
    return None if code is None else str(code)


def _is_transient(error: BaseException) -> bool:
    """A throttling, server or connection error worth retrying (see the module docs)."""
    if isinstance(error, RETRIED_EXCEPTIONS):
        return True
    if not isinstance(error, ClientError):
        return False
    if _error_code(error) in RETRIED_ERROR_CODES:
        return True
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status in RETRIED_STATUS_CODES


def _annotate(error: BaseException, inference_id: str, note: str, **attributes: Any) -> None:
    """Name the request on an error passed on unchanged in type: ``inference_id`` (and
    ``attributes``) set on it, and a note."""
    for name, value in {"inference_id": inference_id, **attributes}.items():
        setattr(error, name, value)
    _add_note(error, note)


def _add_note(error: BaseException, note: str) -> None:
    add_note = getattr(error, "add_note", None)
    if add_note is not None:
        add_note(note)
    else:  # Python 3.10
        vars(error)["__notes__"] = [*getattr(error, "__notes__", ()), note]
