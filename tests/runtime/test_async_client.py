"""AsyncInferenceClient against moto's S3 and sagemaker-runtime."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import requests

from green_constructs.runtime import AsyncInferenceClient, AsyncInferenceFailed, generated_text

REGION = "eu-north-1"
BUCKET = "async-requests"
PREFIX = "requests/"
RESULTS_API = "http://motoapi.amazonaws.com/moto-api/static/sagemaker/async-endpoint-results"


# What each server answers (shapes from vLLM's OpenAI protocol and TGI's router).
def openai_chat_answer(text: str) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "Qwen/Qwen2.5-7B-Instruct",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
    }


def openai_completion_answer(text: str) -> dict:
    return {
        "id": "cmpl-1",
        "object": "text_completion",
        "model": "Qwen/Qwen2.5-7B-Instruct",
        "choices": [{"index": 0, "text": text, "finish_reason": "length"}],
    }


def tgi_generate_answer(text: str) -> list:
    return [{"generated_text": text}]


def queue_results(*results: dict) -> None:
    """What the model answers next: moto writes each to the location it returns."""
    response = requests.post(RESULTS_API, json={"region": REGION, "results": list(results)})
    response.raise_for_status()


def answers(*bodies) -> None:
    queue_results(*({"data": json.dumps(body)} for body in bodies))


@pytest.fixture
def make_client(session):
    def make(**options) -> AsyncInferenceClient:
        return AsyncInferenceClient("llm", BUCKET, PREFIX, session=session, **options)

    return make


@pytest.fixture
def client(make_client):
    """A client for raw payloads (any container)."""
    return make_client(server=None)


def uploaded(client: AsyncInferenceClient) -> list[tuple[dict, str]]:
    """Every request body uploaded so far (decoded JSON) with its content type."""
    listing = client._s3.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX)
    found = []
    for item in listing.get("Contents", []):
        obj = client._s3.get_object(Bucket=BUCKET, Key=item["Key"])
        found.append((json.loads(obj["Body"].read()), obj["ContentType"]))
    return found


def test_invoke_uploads_the_payload_and_returns_the_result(client) -> None:
    queue_results({"data": json.dumps({"generated_text": "hello"})})
    invocation = client.submit({"inputs": "Say hello"})
    assert invocation.input_location == f"s3://{BUCKET}/requests/{invocation.inference_id}"
    uploaded = client._s3.get_object(Bucket=BUCKET, Key=f"requests/{invocation.inference_id}")
    assert json.loads(uploaded["Body"].read()) == {"inputs": "Say hello"}
    assert uploaded["ContentType"] == "application/json"
    answer = client.wait_json(invocation, timeout=5, initial_delay=0.01)
    assert answer == {"generated_text": "hello"}


def test_invoke_is_submit_then_wait(client) -> None:
    queue_results({"data": "plain answer"})
    assert client.invoke("a prompt", timeout=5, initial_delay=0.01) == b"plain answer"


def test_failure_report_raises_with_its_content(client) -> None:
    queue_results({"is_failure": True, "data": "CUDA out of memory"})
    invocation = client.submit(b"\x00\x01")
    with pytest.raises(AsyncInferenceFailed, match="CUDA out of memory") as raised:
        client.wait(invocation, timeout=5, initial_delay=0.01)
    assert raised.value.content == b"CUDA out of memory"
    assert raised.value.invocation == invocation


def test_timeout_when_no_result_appears(client) -> None:
    invocation = client.submit("slow")
    bucket, key = invocation.output_location[5:].split("/", 1)
    client._s3.delete_object(Bucket=bucket, Key=key)  # the model has not answered yet
    delays: list[float] = []

    def sleep(seconds: float) -> None:
        delays.append(seconds)
        time.sleep(seconds)

    client._sleep = sleep
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=invocation.inference_id):
        # long enough for several polls of moto's S3 even on a loaded machine
        client.wait(invocation, timeout=2.0, initial_delay=0.01, max_delay=0.04)
    assert 2.0 <= time.monotonic() - started < 6
    assert delays[:3] == [0.01, 0.02, 0.04]  # doubling, then capped
    assert max(delays) <= 0.04


def test_bad_wait_settings_are_rejected(client) -> None:
    invocation = client.submit("x")
    with pytest.raises(ValueError, match="initial_delay"):
        client.wait(invocation, initial_delay=0)


def test_runtime_does_not_import_aws_cdk() -> None:
    code = "import sys, green_constructs.runtime; print('aws_cdk' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- vLLM (the default server) ---------------------------------------------------------------


def test_default_server_is_vllm(make_client) -> None:
    assert make_client().server == "vllm"


def test_vllm_chat_sends_an_openai_chat_body_without_model(make_client) -> None:
    client = make_client()
    answers(openai_chat_answer("A short summary."))
    text = client.chat("Summarize: the text", max_tokens=64, timeout=5, initial_delay=0.01)
    assert text == "A short summary."
    assert uploaded(client) == [
        (
            {"messages": [{"role": "user", "content": "Summarize: the text"}], "max_tokens": 64},
            "application/json",
        )
    ]


def test_vllm_chat_sends_the_served_model_name_and_extra_fields(make_client) -> None:
    client = make_client(model="Qwen/Qwen2.5-7B-Instruct")
    conversation = [
        {"role": "system", "content": "Answer in one word."},
        {"role": "user", "content": "Capital of Sweden?"},
    ]
    answers(openai_chat_answer("Stockholm"), openai_chat_answer("Oslo"))
    assert (
        client.chat(conversation, parameters={"temperature": 0.2}, timeout=5, initial_delay=0.01)
        == "Stockholm"
    )
    assert (
        client.chat("Capital of Norway?", model="my-served-name", timeout=5, initial_delay=0.01)
        == "Oslo"
    )
    bodies = sorted((body for body, _ in uploaded(client)), key=lambda b: b["model"])
    assert bodies == [
        {
            "messages": conversation,
            "max_tokens": 256,
            "model": "Qwen/Qwen2.5-7B-Instruct",
            "temperature": 0.2,
        },
        {
            "messages": [{"role": "user", "content": "Capital of Norway?"}],
            "max_tokens": 256,
            "model": "my-served-name",
        },
    ]


def test_vllm_generate_sends_an_openai_completion_body(make_client) -> None:
    client = make_client()
    answers(openai_completion_answer(" blue."))
    assert client.generate("The sky is", max_tokens=8, timeout=5, initial_delay=0.01) == " blue."
    assert uploaded(client) == [({"prompt": "The sky is", "max_tokens": 8}, "application/json")]


def test_vllm_accepts_raw_openai_bodies_also_as_json_text(make_client) -> None:
    client = make_client()
    answers(openai_chat_answer("hi"), openai_completion_answer("there"))
    chat = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 5}
    assert generated_text(client.invoke(chat, timeout=5, initial_delay=0.01)) == "hi"
    completion = json.dumps({"prompt": "hello", "max_tokens": 5})
    assert generated_text(client.invoke(completion, timeout=5, initial_delay=0.01)) == "there"
    assert sorted(uploaded(client), key=lambda item: "prompt" in item[0]) == [
        (chat, "application/json"),
        ({"prompt": "hello", "max_tokens": 5}, "application/json"),  # not text/plain
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"inputs": "Summarize: ..."},
        {"inputs": "Summarize: ...", "parameters": {"max_new_tokens": 32}},
        {"prompt": "Summarize: ...", "parameters": {"max_new_tokens": 32}},
        json.dumps({"inputs": "Summarize: ..."}),
    ],
)
def test_vllm_rejects_tgi_bodies_before_uploading(make_client, payload) -> None:
    client = make_client()
    with pytest.raises(ValueError, match=r"payload has .*server='vllm'.*server='tgi'"):
        client.invoke(payload, timeout=5, initial_delay=0.01)
    assert uploaded(client) == []


@pytest.mark.parametrize(
    ("payload", "options", "message"),
    [
        ("Summarize: ...", {}, "payload must be a JSON object for server='vllm'"),
        (b"\x00\x01", {}, "payload must be a JSON object"),
        ([{"prompt": "x"}], {}, "payload must be a JSON object"),
        ({"text": "x"}, {}, "none of 'messages'"),
        ({"prompt": "x"}, {"content_type": "text/plain"}, "content_type must be application/json"),
    ],
)
def test_vllm_rejects_what_its_invocations_route_refuses(
    make_client, payload, options, message
) -> None:
    client = make_client()
    with pytest.raises(ValueError, match=message):
        client.submit(payload, **options)
    assert uploaded(client) == []


# --- TGI ----------------------------------------------------------------------------------------


def test_tgi_generate_sends_inputs_and_parameters(make_client) -> None:
    client = make_client(server="tgi")
    answers(tgi_generate_answer(" blue."))
    text = client.generate(
        "The sky is", max_tokens=8, parameters={"temperature": 0.5}, timeout=5, initial_delay=0.01
    )
    assert text == " blue."
    assert uploaded(client) == [
        (
            {
                "inputs": "The sky is",
                "parameters": {"max_new_tokens": 8, "return_full_text": False, "temperature": 0.5},
            },
            "application/json",
        )
    ]


def test_tgi_chat_sends_an_openai_chat_body(make_client) -> None:
    client = make_client(server="tgi")
    answers(openai_chat_answer("Summary."))
    assert client.chat("Summarize: x", max_tokens=32, timeout=5, initial_delay=0.01) == "Summary."
    assert uploaded(client) == [
        (
            {"messages": [{"role": "user", "content": "Summarize: x"}], "max_tokens": 32},
            "application/json",
        )
    ]


def test_tgi_accepts_its_raw_generate_body(make_client) -> None:
    client = make_client(server="tgi")
    answers(tgi_generate_answer("ok"))
    payload = {"inputs": "Say ok", "parameters": {"max_new_tokens": 2}}
    assert generated_text(client.invoke(payload, timeout=5, initial_delay=0.01)) == "ok"
    assert uploaded(client) == [(payload, "application/json")]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"prompt_embeds": "AAAA"}, r"none of 'inputs'.*server='tgi'"),
        ({"input": "embed me"}, r"none of 'inputs'.*server='tgi'"),
        ({"inputs": "Say ok", "max_tokens": 2}, r"'max_tokens'.*max_new_tokens"),
        ("Say ok", "payload must be a JSON object for server='tgi'"),
    ],
)
def test_tgi_rejects_bodies_it_does_not_route_before_uploading(
    make_client, payload, message
) -> None:
    client = make_client(server="tgi")
    with pytest.raises(ValueError, match=message):
        client.invoke(payload, timeout=5, initial_delay=0.01)
    assert uploaded(client) == []


def test_model_is_a_vllm_setting(make_client) -> None:
    with pytest.raises(ValueError, match="model is the served model name"):
        make_client(server="tgi", model="Qwen/Qwen2.5-7B-Instruct")
    client = make_client(server="tgi")
    with pytest.raises(ValueError, match="leave model out"):
        client.generate("x", model="Qwen/Qwen2.5-7B-Instruct")
    with pytest.raises(ValueError, match="leave model out"):
        client.chat("x", model="Qwen/Qwen2.5-7B-Instruct")
    assert uploaded(client) == []


# --- arguments and answers ----------------------------------------------------------------------


def test_unknown_server_is_rejected(make_client) -> None:
    with pytest.raises(ValueError, match="server must be one of vllm, tgi or None"):
        make_client(server="sglang")


def test_chat_and_generate_need_a_server(client) -> None:
    with pytest.raises(ValueError, match=r"chat\(\) .* server='vllm' or server='tgi'"):
        client.chat("hello")
    with pytest.raises(ValueError, match=r"generate\(\) .* server='vllm'"):
        client.generate("hello")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.chat_request(""), "messages must be a non-empty str"),
        (lambda c: c.chat_request([]), "messages must be a str"),
        (lambda c: c.chat_request([{"content": "no role"}]), "messages must be a str"),
        (lambda c: c.chat_request("x", max_tokens=0), "max_tokens must be an int >= 1"),
        (lambda c: c.generate_request(""), "prompt must be a non-empty str"),
        (lambda c: c.chat_request("x", parameters={"max_tokens": 5}), "parameters may not set"),
        (lambda c: c.chat_request("x", parameters={"stream": True}), "may not set stream"),
        (lambda c: c.chat_request("x", model=" "), "model must be the served model name"),
    ],
)
def test_bad_request_arguments_are_rejected(make_client, call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call(make_client())


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        (openai_chat_answer("chat"), "chat"),
        (openai_completion_answer("completion"), "completion"),
        (tgi_generate_answer("tgi"), "tgi"),
        ({"generated_text": "tgi /generate"}, "tgi /generate"),
    ],
)
def test_generated_text_reads_each_answer_shape(answer, text) -> None:
    assert generated_text(answer) == text
    assert generated_text(json.dumps(answer).encode()) == text


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"not json", "not JSON"),
        ({"object": "error", "message": "bad"}, "neither an OpenAI completion"),
        (
            {
                "choices": [
                    {"message": {"role": "assistant", "content": None}, "finish_reason": "length"}
                ]
            },
            "no text content .*'length'",
        ),
    ],
)
def test_generated_text_rejects_other_answers(answer, message) -> None:
    with pytest.raises(ValueError, match=message):
        generated_text(answer)
