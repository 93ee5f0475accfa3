"""The README's AsyncInferenceClient example sends what the default serving image accepts."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import boto3
import pytest
import requests
from moto import mock_aws

from green_constructs.runtime import AsyncInferenceClient

ROOT = Path(__file__).resolve().parents[2]
ANCHOR = "`green_constructs.runtime.AsyncInferenceClient` (boto3, no CDK) uploads a payload"
REGION = "eu-north-1"
RESULTS_API = "http://motoapi.amazonaws.com/moto-api/static/sagemaker/async-endpoint-results"


def readme_snippet() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(ANCHOR)
    block = re.compile(r"```python\n(.*?)```", re.S).search(text, start)
    assert block is not None, "no python block after the AsyncInferenceClient paragraph"
    return block.group(1)


def client_call(tree: ast.AST) -> ast.Call:
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "AsyncInferenceClient"
    ]
    assert len(calls) == 1, "the snippet should create one AsyncInferenceClient"
    return calls[0]


def test_snippet_targets_the_construct_default_server() -> None:
    from green_constructs.inference.huggingface import HuggingFaceNeuronModel

    construct_default = inspect.signature(HuggingFaceNeuronModel).parameters["server"].default
    client_default = inspect.signature(AsyncInferenceClient).parameters["server"].default
    assert construct_default == client_default == "vllm"
    call = client_call(ast.parse(readme_snippet()))
    server = {kw.arg: kw.value for kw in call.keywords}.get("server")
    assert server is None or ast.literal_eval(server) == construct_default


def test_snippet_uses_the_request_helpers_not_a_tgi_body() -> None:
    tree = ast.parse(readme_snippet())
    methods = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert methods & {"chat", "generate"}, "the example should call chat() or generate()"
    keys = {
        key.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant)
    }
    assert not keys & {"inputs", "parameters"}, "TGI's body; vLLM answers 400 to it"


def test_snippet_runs_and_uploads_a_vllm_chat_body(monkeypatch: pytest.MonkeyPatch) -> None:
    snippet = readme_snippet()
    call = client_call(ast.parse(snippet))
    endpoint, bucket = (ast.literal_eval(arg) for arg in call.args[:2])
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        answer = {
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "Short."},
                    "finish_reason": "stop",
                }
            ],
        }
        response = requests.post(
            RESULTS_API,
            json={"region": REGION, "results": [{"data": json.dumps(answer)}]},
        )
        response.raise_for_status()

        namespace: dict = {}
        exec(compile(snippet, "README.md", "exec"), namespace)  # noqa: S102

        client = namespace["client"]
        assert (client.endpoint_name, client.server) == (endpoint, "vllm")
        assert namespace["answer"] == "Short."
        keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]]
        assert len(keys) == 1 and keys[0].startswith(client.input_prefix)
        uploaded = s3.get_object(Bucket=bucket, Key=keys[0])
    assert uploaded["ContentType"] == "application/json"
    body = json.loads(uploaded["Body"].read())
    # vLLM's /invocations routes this to ChatCompletionRequest: messages of role and content.
    assert "inputs" not in body and "parameters" not in body
    assert body["messages"] and all({"role", "content"} <= set(m) for m in body["messages"])
    assert isinstance(body["max_tokens"], int) and body["max_tokens"] > 0
