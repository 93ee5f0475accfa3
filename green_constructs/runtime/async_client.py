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
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError

# Without s3:ListBucket (grant_invoke does not give it) S3 answers AccessDenied, not
# NoSuchKey, for an object that does not exist yet.
_NOT_YET = frozenset({"NoSuchKey", "404", "NotFound", "AccessDenied", "403"})

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
    :param sleep: how to wait between polls. Default: :func:`time.sleep`.
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
    ) -> None:
        if input_prefix and not input_prefix.endswith("/"):
            raise ValueError(f"input_prefix must end with '/', got {input_prefix!r}")
        if server is not None and server not in SERVERS:
            raise ValueError(
                f"server must be one of {', '.join(SERVERS)} or None (raw payloads), got {server!r}"
            )
        _check_model(model, server, "model")
        session = session or boto3.session.Session()
        self.endpoint_name = endpoint_name
        self.bucket = bucket
        self.input_prefix = input_prefix
        self.server = server
        self.model = model
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
        ``text/plain; charset=utf-8`` for a str, ``application/octet-stream`` for bytes. With a
        ``server``, the payload must be a JSON object (a dict, or a str or bytes holding one,
        sent as ``application/json``) in a format that server routes; anything else raises
        ValueError before the upload.
        """
        if self.server is None:
            body, default_type = _encode(payload)
        else:
            body, default_type = self._checked_body(payload, content_type)
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
                body = json.loads(payload)
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
        return json.dumps(body).encode("utf-8"), _JSON

    def _read(self, location: str) -> bytes | None:
        bucket, key = _split_s3_url(location)
        try:
            return self._s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _NOT_YET:
                return None
            raise


def generated_text(result: bytes | str | Mapping[str, Any] | Sequence[Any]) -> str:
    """The generated text in a server's answer (the result bytes or their decoded JSON).

    OpenAI chat completion (vLLM, TGI messages): ``choices[0].message.content``; OpenAI
    completion: ``choices[0].text``; TGI generate: ``[0].generated_text``. Raises ValueError
    for any other answer.
    """
    data: Any = result
    if isinstance(result, (bytes, bytearray, str)):
        try:
            data = json.loads(result)
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
        return json.dumps(payload).encode("utf-8"), "application/json"
    raise TypeError(f"payload must be bytes, str, dict or list, got {type(payload).__name__}")


def _split_s3_url(location: str) -> tuple[str, str]:
    if not location.startswith("s3://") or "/" not in location[5:]:
        raise ValueError(f"not an s3://bucket/key location: {location!r}")
    bucket, key = location[5:].split("/", 1)
    return bucket, key
