"""AsyncInferenceClient against moto's S3 and sagemaker-runtime."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import boto3
import pytest
import requests
from moto import mock_aws

from green_constructs.runtime import AsyncInferenceClient, AsyncInferenceFailed

REGION = "eu-north-1"
BUCKET = "async-requests"
RESULTS_API = "http://motoapi.amazonaws.com/moto-api/static/sagemaker/async-endpoint-results"


def queue_results(*results: dict) -> None:
    """What the model answers next: moto writes each to the location it returns."""
    response = requests.post(RESULTS_API, json={"region": REGION, "results": list(results)})
    response.raise_for_status()


@pytest.fixture
def client():
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        session.client("s3").create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield AsyncInferenceClient("llm", BUCKET, "requests/", session=session)


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
        client.wait(invocation, timeout=0.5, initial_delay=0.01, max_delay=0.04)
    assert 0.5 <= time.monotonic() - started < 2
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
