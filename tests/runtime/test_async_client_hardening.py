"""AsyncInferenceClient under adverse conditions: bad wait settings, transient AWS errors,
permission errors, the deadline, failed invocations, error context and non-finite JSON.

Time never passes for real: ``sleep``, ``clock`` and ``jitter`` are injected, and botocore's
Stubber (or moto) answers the calls.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.response import StreamingBody
from botocore.stub import Stubber
from hypothesis import given, settings
from hypothesis import strategies as st

from green_constructs.runtime import (
    AsyncInferenceClient,
    AsyncInferenceFailed,
    AsyncInferencePermissionError,
    AsyncInferenceResultError,
    AsyncInferenceTimeout,
    AsyncInvocation,
    generated_text,
)

REGION = "eu-north-1"
BUCKET = "async-requests"
PREFIX = "requests/"
ID = "0123456789abcdef0123456789abcdef"
OUTPUT = f"s3://{BUCKET}/output/{ID}.out"
FAILURE = f"s3://{BUCKET}/failure/{ID}-error.out"
INVOCATION = AsyncInvocation(ID, f"s3://{BUCKET}/{PREFIX}{ID}", OUTPUT, FAILURE)
KMS_DENIED = (
    "User: arn:aws:sts::111111111111:assumed-role/app/session is not authorized to perform: "
    "kms:Decrypt on resource: arn:aws:kms:eu-north-1:111111111111:key/1234 because no "
    "identity-based policy allows the kms:Decrypt action"
)


class FakeTime:
    """A clock that moves only when the client sleeps or a stubbed call takes ``latency``."""

    def __init__(self, jitter: float = 0.5) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.jitter_value = jitter

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    def jitter(self) -> float:
        return self.jitter_value


def stubbed(service: str) -> tuple[Any, Stubber]:
    client = boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    stubber = Stubber(client)
    stubber.activate()
    return client, stubber


def body(data: bytes) -> dict:
    return {"Body": StreamingBody(io.BytesIO(data), len(data))}


def key_of(location: str) -> dict:
    bucket, key = location[5:].split("/", 1)
    return {"Bucket": bucket, "Key": key}


def client_with(fake: FakeTime, s3: Any = None, runtime: Any = None, **options: Any):
    return AsyncInferenceClient(
        "llm",
        BUCKET,
        PREFIX,
        server=None,
        s3_client=s3 if s3 is not None else stubbed("s3")[0],
        runtime_client=runtime if runtime is not None else stubbed("sagemaker-runtime")[0],
        sleep=fake.sleep,
        clock=fake.clock,
        jitter=fake.jitter,
        **options,
    )


def client_error(code: str, status: int, operation: str = "GetObject") -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": f"{code} message"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        operation,
    )


class ScriptedS3:
    """An S3 client whose get_object raises the scripted exceptions first, then asks ``s3``."""

    def __init__(self, s3: Any, failures: list[Exception]) -> None:
        self._s3 = s3
        self._failures = list(failures)
        self.calls = 0

    def get_object(self, **params: Any) -> Any:
        self.calls += 1
        if self._failures:
            raise self._failures.pop(0)
        return self._s3.get_object(**params)


# --- finding: non-finite or out-of-range wait settings -----------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": math.nan}, r"timeout must be a finite number of seconds >= 0, got nan"),
        ({"timeout": math.inf}, r"timeout must be a finite number of seconds >= 0, got inf"),
        ({"timeout": -1}, r"timeout must be .* >= 0, got -1"),
        ({"timeout": True}, r"timeout must be .* >= 0, got True"),
        ({"timeout": "5"}, r"timeout must be .* >= 0, got '5'"),
        ({"initial_delay": math.nan}, r"initial_delay must be a finite number of seconds > 0"),
        ({"initial_delay": math.inf}, r"initial_delay must be .* > 0, got inf"),
        ({"initial_delay": 0}, r"initial_delay must be .* > 0, got 0"),
        ({"initial_delay": False}, r"initial_delay must be .* > 0, got False"),
        ({"max_delay": math.nan}, r"max_delay must be a finite number of seconds >= initial_delay"),
        ({"max_delay": -math.inf}, r"max_delay must be .*, got -inf"),
        ({"initial_delay": 2, "max_delay": 1}, r"max_delay must be .* >= initial_delay \(2\)"),
    ],
)
def test_wait_rejects_non_finite_and_out_of_range_settings(options, message) -> None:
    fake = FakeTime()
    s3, stubber = stubbed("s3")  # no answers stubbed: any read would fail the test
    client = client_with(fake, s3)
    with pytest.raises(ValueError, match=message):
        client.wait(INVOCATION, **options)
    assert fake.sleeps == []
    stubber.assert_no_pending_responses()


def stored_keys(session) -> list[str]:
    listing = session.client("s3").list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in listing.get("Contents", [])]


def test_invoke_checks_the_wait_settings_before_submitting(session) -> None:
    runtime, stubber = stubbed("sagemaker-runtime")
    client = AsyncInferenceClient(
        "llm", BUCKET, PREFIX, server=None, session=session, runtime_client=runtime
    )
    with pytest.raises(ValueError, match="timeout must be a finite number"):
        client.invoke({"inputs": "x"}, timeout=math.nan)
    with pytest.raises(ValueError, match="max_delay must be a finite number"):
        client.invoke({"inputs": "x"}, max_delay=math.inf)
    assert stored_keys(session) == []  # nothing uploaded, nothing invoked
    stubber.assert_no_pending_responses()


# --- finding: transient errors are retried ------------------------------------------------------


def test_wait_retries_transient_s3_errors_with_jittered_backoff() -> None:
    fake = FakeTime(jitter=0.5)
    s3, stubber = stubbed("s3")
    invocation = AsyncInvocation(ID, INVOCATION.input_location, OUTPUT, None)
    for code, status in [
        ("SlowDown", 503),
        ("InternalError", 500),
        ("ServiceUnavailable", 503),
        ("RequestTimeout", 400),
        ("ThrottlingException", 400),
        ("SomethingUnlisted", 502),  # retried for its status
    ]:
        stubber.add_client_error(
            "get_object", code, http_status_code=status, expected_params=key_of(OUTPUT)
        )
    stubber.add_response("get_object", body(b"done"), key_of(OUTPUT))
    client = client_with(fake, s3)
    assert client.wait(invocation, timeout=100, initial_delay=1, max_delay=4) == b"done"
    # full jitter (0.5 here) on the doubling delay, capped by max_delay
    assert fake.sleeps == [0.5, 1.0, 2.0, 2.0, 2.0, 2.0]
    stubber.assert_no_pending_responses()


def test_wait_retries_connection_and_read_timeouts(session) -> None:
    s3 = session.client("s3")
    s3.put_object(Bucket=BUCKET, Key=f"output/{ID}.out", Body=b"answer")
    url = f"https://s3.{REGION}.amazonaws.com"
    scripted = ScriptedS3(
        s3,
        [
            EndpointConnectionError(endpoint_url=url),
            ConnectTimeoutError(endpoint_url=url),
            ReadTimeoutError(endpoint_url=url),
        ],
    )
    fake = FakeTime(jitter=1.0)
    client = client_with(fake, scripted)
    assert client.wait(INVOCATION, timeout=60, initial_delay=1, max_delay=30) == b"answer"
    # round 1: both reads fail; round 2: the output read times out (the failure report is
    # missing); round 3 reads the result. Full jitter (1.0 here) on the doubling delay.
    assert scripted.calls == 5
    assert fake.sleeps == [1.0, 2.0]


def test_wait_gives_up_on_persistent_transient_errors_at_the_deadline() -> None:
    fake = FakeTime(jitter=0.25)
    scripted = ScriptedS3(None, [client_error("SlowDown", 503) for _ in range(200)])
    client = client_with(fake, scripted)
    with pytest.raises(AsyncInferenceTimeout, match=rf"inference {ID}.*SlowDown") as raised:
        client.wait(INVOCATION, timeout=10, initial_delay=1, max_delay=8)
    assert raised.value.invocation == INVOCATION
    assert isinstance(raised.value.__cause__, ClientError)
    assert raised.value.retried > 0
    assert sum(fake.sleeps) == pytest.approx(10)
    assert fake.now == pytest.approx(10)
    assert scripted.calls < 200  # every read failed


def test_wait_does_not_retry_other_errors_and_names_the_request() -> None:
    fake = FakeTime()
    s3, stubber = stubbed("s3")
    stubber.add_client_error("get_object", "NoSuchBucket", http_status_code=404)
    client = client_with(fake, s3)
    with pytest.raises(ClientError, match="NoSuchBucket") as raised:
        client.wait(INVOCATION, timeout=60)
    error: Any = raised.value
    assert error.inference_id == ID and error.invocation == INVOCATION
    assert error.__notes__ == [f"inference {ID}: reading {OUTPUT} failed"]
    assert fake.sleeps == []


def test_submit_retries_transient_put_and_invoke_errors() -> None:
    fake = FakeTime(jitter=0.5)
    s3, s3_stubber = stubbed("s3")
    runtime, runtime_stubber = stubbed("sagemaker-runtime")
    s3_stubber.add_client_error("put_object", "SlowDown", http_status_code=503)
    s3_stubber.add_response("put_object", {})
    runtime_stubber.add_client_error(
        "invoke_endpoint_async", "ThrottlingException", http_status_code=400
    )
    runtime_stubber.add_client_error(
        "invoke_endpoint_async", "InternalFailure", http_status_code=500
    )
    runtime_stubber.add_response(
        "invoke_endpoint_async",
        {"InferenceId": ID, "OutputLocation": OUTPUT, "FailureLocation": FAILURE},
    )
    client = client_with(fake, s3, runtime)
    invocation = client.submit(b"payload")
    assert invocation.output_location == OUTPUT
    # each call backs off from 1 s on its own: put 0.5; invoke 0.5, then 1.0
    assert fake.sleeps == [0.5, 0.5, 1.0]
    s3_stubber.assert_no_pending_responses()
    runtime_stubber.assert_no_pending_responses()


def test_submit_stops_after_submit_attempts() -> None:
    fake = FakeTime(jitter=1.0)
    s3, s3_stubber = stubbed("s3")
    runtime, runtime_stubber = stubbed("sagemaker-runtime")
    s3_stubber.add_response("put_object", {})
    for _ in range(2):
        runtime_stubber.add_client_error(
            "invoke_endpoint_async", "ThrottlingException", http_status_code=400
        )
    s3_stubber.add_response("delete_object", {})
    client = client_with(fake, s3, runtime, submit_attempts=2)
    with pytest.raises(ClientError, match="ThrottlingException") as raised:
        client.submit(b"payload")
    assert "attempt 2 of at most 2 (transient errors are retried)" in raised.value.__notes__
    assert fake.sleeps == [1.0]
    s3_stubber.assert_no_pending_responses()
    runtime_stubber.assert_no_pending_responses()


@pytest.mark.parametrize("attempts", [0, -1, True, 2.0])
def test_submit_attempts_must_be_a_positive_int(attempts) -> None:
    with pytest.raises(ValueError, match="submit_attempts must be an int >= 1"):
        client_with(FakeTime(), submit_attempts=attempts)


# --- finding: AccessDenied is a permission error, not "not yet" ---------------------------------


@pytest.mark.parametrize("denied_at", [OUTPUT, FAILURE])
def test_access_denied_raises_a_permission_error_at_once(denied_at) -> None:
    fake = FakeTime()
    s3, stubber = stubbed("s3")
    if denied_at == FAILURE:
        stubber.add_client_error("get_object", "NoSuchKey", http_status_code=404)
    stubber.add_client_error(
        "get_object",
        "AccessDenied",
        service_message=KMS_DENIED,
        http_status_code=403,
        expected_params=key_of(denied_at),
    )
    # the object is there (listed under its own key): KMS or GetObject is what is missing
    bucket, key = denied_at[len("s3://") :].split("/", 1)
    stubber.add_response(
        "list_objects_v2",
        {"Contents": [{"Key": key}]},
        expected_params={"Bucket": bucket, "Prefix": key, "MaxKeys": 1},
    )
    client = client_with(fake, s3)
    with pytest.raises(AsyncInferencePermissionError) as raised:
        client.wait(INVOCATION, timeout=900)
    error = raised.value
    assert isinstance(error, PermissionError)
    assert (error.invocation, error.inference_id, error.location) == (INVOCATION, ID, denied_at)
    assert error.detail == KMS_DENIED
    message = str(error)
    for part in (ID, denied_at, KMS_DENIED, "s3:GetObject", "kms:Decrypt", "s3:ListBucket"):
        assert part in message
    assert "access_denied_means_pending=True" in message
    assert fake.sleeps == []  # at once, not after the timeout
    stubber.assert_no_pending_responses()


def test_access_denied_for_an_unlisted_result_means_not_yet() -> None:
    # grant_invoke's s3:ListBucket is scoped by s3:prefix, which GetObject's own check does
    # not carry: S3 may answer AccessDenied for a result not written yet
    fake = FakeTime()
    s3, stubber = stubbed("s3")
    stubber.add_client_error("get_object", "AccessDenied", http_status_code=403)
    stubber.add_response("list_objects_v2", {"KeyCount": 0})
    stubber.add_client_error("get_object", "NoSuchKey", http_status_code=404)
    stubber.add_response("get_object", body(b"answer"))
    client = client_with(fake, s3)
    assert client.wait(INVOCATION, timeout=60, initial_delay=1) == b"answer"
    assert fake.sleeps == [1]
    stubber.assert_no_pending_responses()


def test_access_denied_with_a_denied_listing_is_a_permission_error() -> None:
    fake = FakeTime()
    s3, stubber = stubbed("s3")
    stubber.add_client_error("get_object", "AccessDenied", http_status_code=403)
    stubber.add_client_error("list_objects_v2", "AccessDenied", http_status_code=403)
    client = client_with(fake, s3)
    with pytest.raises(AsyncInferencePermissionError, match="s3:ListBucket"):
        client.wait(INVOCATION, timeout=60)
    assert fake.sleeps == []
    stubber.assert_no_pending_responses()


def test_access_denied_means_pending_waits_for_the_result() -> None:
    fake = FakeTime()
    s3, stubber = stubbed("s3")
    for _ in range(2):  # two rounds: output and failure both denied (no s3:ListBucket)
        stubber.add_client_error("get_object", "AccessDenied", http_status_code=403)
        stubber.add_client_error("get_object", "AccessDenied", http_status_code=403)
    stubber.add_response("get_object", body(b"late answer"))
    client = client_with(fake, s3, access_denied_means_pending=True)
    assert client.wait(INVOCATION, timeout=60, initial_delay=1) == b"late answer"
    assert fake.sleeps == [1, 2]  # polled like "not yet", no jitter
    stubber.assert_no_pending_responses()


def test_access_denied_means_pending_says_so_in_the_timeout() -> None:
    fake = FakeTime()
    s3, stubber = stubbed("s3")
    for _ in range(3):  # rounds at 0, 1 and 2 s; the deadline is at 2.5 s
        stubber.add_client_error(
            "get_object", "AccessDenied", service_message="Access Denied", http_status_code=403
        )
        stubber.add_client_error(
            "get_object", "AccessDenied", service_message="Access Denied", http_status_code=403
        )
    client = client_with(fake, s3, access_denied_means_pending=True)
    with pytest.raises(AsyncInferenceTimeout) as raised:
        client.wait(INVOCATION, timeout=2.5, initial_delay=1, max_delay=1)
    message = str(raised.value)
    assert ID in message and "S3 answered AccessDenied (Access Denied)" in message
    assert "s3:GetObject" in message and "kms:Decrypt" in message
    stubber.assert_no_pending_responses()


# --- finding: the deadline holds -----------------------------------------------------------------


def timed_reads(s3: Any, fake: FakeTime, latency: float) -> list[tuple[float, str]]:
    """Record (start time, key) of each get_object, which then takes ``latency`` seconds."""
    reads: list[tuple[float, str]] = []

    def started(params: dict, **_: Any) -> None:
        reads.append((fake.now, params["Key"]))
        fake.now += latency

    s3.meta.events.register("before-parameter-build.s3.GetObject", started)
    return reads


def test_no_read_round_starts_after_the_deadline() -> None:
    fake = FakeTime()
    s3, stubber = stubbed("s3")
    reads = timed_reads(s3, fake, latency=0.4)
    for _ in range(4):
        stubber.add_client_error("get_object", "NoSuchKey", http_status_code=404)
    client = client_with(fake, s3)
    with pytest.raises(AsyncInferenceTimeout, match=rf"inference {ID}: no result at") as raised:
        client.wait(INVOCATION, timeout=3, initial_delay=1, max_delay=1)
    assert isinstance(raised.value, TimeoutError)
    assert raised.value.invocation == INVOCATION and raised.value.inference_id == ID
    # rounds at 0 and 1.8 s; then a 0.4 s sleep reaches the deadline and no round starts
    assert [round(start, 6) for start, _ in reads] == [0.0, 0.4, 1.8, 2.2]
    assert fake.sleeps == pytest.approx([1.0, 0.4])
    assert fake.now == pytest.approx(3.0)
    stubber.assert_no_pending_responses()


def test_a_round_started_before_the_deadline_finishes() -> None:
    fake = FakeTime()
    s3, stubber = stubbed("s3")
    reads = timed_reads(s3, fake, latency=0.3)
    stubber.add_client_error("get_object", "NoSuchKey", http_status_code=404)
    stubber.add_client_error("get_object", "NoSuchKey", http_status_code=404)
    stubber.add_client_error("get_object", "NoSuchKey", http_status_code=404)
    stubber.add_response("get_object", body(b"out of memory"), key_of(FAILURE))
    client = client_with(fake, s3)
    with pytest.raises(AsyncInferenceFailed, match=rf"inference {ID} failed: out of memory"):
        client.wait(INVOCATION, timeout=1, initial_delay=0.2)
    # the second round starts at 0.8 s; its failure read starts at 1.1 s, past the deadline
    assert [round(start, 6) for start, _ in reads] == [0.0, 0.3, 0.8, 1.1]
    stubber.assert_no_pending_responses()


def test_timeout_zero_reads_once() -> None:
    fake = FakeTime()
    s3, stubber = stubbed("s3")
    stubber.add_client_error("get_object", "NoSuchKey", http_status_code=404)
    stubber.add_client_error("get_object", "NoSuchKey", http_status_code=404)
    with pytest.raises(AsyncInferenceTimeout):
        client_with(fake, s3).wait(INVOCATION, timeout=0)
    assert fake.sleeps == []
    stubber.assert_no_pending_responses()


# --- finding: a failed invoke leaves no request object behind ----------------------------------


def test_failed_invoke_deletes_the_uploaded_request(session) -> None:
    runtime, stubber = stubbed("sagemaker-runtime")
    stubber.add_client_error(
        "invoke_endpoint_async",
        "ValidationException",
        service_message="Endpoint llm of account 111111111111 not found.",
        http_status_code=400,
    )
    client = AsyncInferenceClient(
        "llm", BUCKET, PREFIX, server=None, session=session, runtime_client=runtime
    )
    with pytest.raises(ClientError, match="not found") as raised:
        client.submit({"inputs": "x"})
    error: Any = raised.value
    assert stored_keys(session) == []
    assert len(error.inference_id) == 32
    assert error.input_location == f"s3://{BUCKET}/{PREFIX}{error.inference_id}"
    assert error.input_deleted is True
    [note] = error.__notes__
    assert error.inference_id in note
    assert f"the request object {error.input_location} was deleted" in note
    stubber.assert_no_pending_responses()


def test_failed_invoke_says_when_the_delete_fails_too() -> None:
    fake = FakeTime()
    s3, s3_stubber = stubbed("s3")
    runtime, runtime_stubber = stubbed("sagemaker-runtime")
    s3_stubber.add_response("put_object", {})
    runtime_stubber.add_client_error(
        "invoke_endpoint_async", "AccessDeniedException", http_status_code=403
    )
    s3_stubber.add_client_error("delete_object", "AccessDenied", http_status_code=403)
    client = client_with(fake, s3, runtime)
    with pytest.raises(ClientError, match="AccessDeniedException") as raised:
        client.submit(b"payload")
    error: Any = raised.value
    assert error.input_deleted is False
    [note] = error.__notes__
    assert error.inference_id in note
    assert "deleting the request object" in note and "failed too" in note
    assert "AccessDenied" in note and "stays in S3" in note
    assert fake.sleeps == []  # not transient: no retry
    s3_stubber.assert_no_pending_responses()
    runtime_stubber.assert_no_pending_responses()


# --- finding: every error names the inference id ------------------------------------------------


def test_upload_failure_names_the_inference_id() -> None:
    fake = FakeTime()
    s3, s3_stubber = stubbed("s3")
    runtime, runtime_stubber = stubbed("sagemaker-runtime")
    s3_stubber.add_client_error("put_object", "AccessDenied", http_status_code=403)
    client = client_with(fake, s3, runtime)
    with pytest.raises(ClientError, match="AccessDenied") as raised:
        client.submit(b"payload")
    error: Any = raised.value
    assert error.input_location == f"s3://{BUCKET}/{PREFIX}{error.inference_id}"
    assert error.__notes__ == [
        f"inference {error.inference_id}: uploading the request to {error.input_location} failed"
    ]
    runtime_stubber.assert_no_pending_responses()  # not invoked


def answered(*answers: tuple[str, Any]) -> Any:
    s3, stubber = stubbed("s3")
    for kind, value in answers:
        if kind == "error":
            stubber.add_client_error("get_object", value[0], http_status_code=value[1])
        elif kind == "listed":
            stubber.add_response("list_objects_v2", {"Contents": [{"Key": value}]})
        else:
            stubber.add_response("get_object", body(value))
    return s3


@pytest.mark.parametrize(
    ("answers", "call", "expected"),
    [
        ([("body", b"not json")], "wait_json", AsyncInferenceResultError),
        ([("body", b'{"score": NaN}')], "wait_json", AsyncInferenceResultError),
        ([("error", ("NoSuchKey", 404)), ("body", b"boom")], "wait", AsyncInferenceFailed),
        (
            [("error", ("AccessDenied", 403)), ("listed", OUTPUT.split("/", 3)[3])],
            "wait",
            AsyncInferencePermissionError,
        ),
        ([("error", ("NoSuchKey", 404))] * 2, "wait", AsyncInferenceTimeout),
    ],
)
def test_wait_errors_carry_the_invocation(answers, call, expected) -> None:
    client = client_with(FakeTime(), answered(*answers))
    with pytest.raises(expected) as raised:
        getattr(client, call)(INVOCATION, timeout=0)
    error = raised.value
    assert ID in str(error)
    assert error.invocation == INVOCATION and error.inference_id == ID


def test_wait_json_reports_the_undecodable_result() -> None:
    client = client_with(FakeTime(), answered(("body", b'{"score": NaN}')))
    with pytest.raises(AsyncInferenceResultError, match=r"NaN is not a JSON number") as raised:
        client.wait_json(INVOCATION, timeout=0)
    assert isinstance(raised.value, ValueError)
    assert raised.value.content == b'{"score": NaN}'
    assert OUTPUT in str(raised.value)


def test_bad_location_names_the_inference_id() -> None:
    invocation = AsyncInvocation(ID, INVOCATION.input_location, "https://example.com/x", None)
    with pytest.raises(ValueError, match=rf"inference {ID}: not an s3://bucket/key location"):
        client_with(FakeTime()).wait(invocation)


# --- finding: JSON is strict both ways ----------------------------------------------------------


@pytest.mark.parametrize(
    ("server", "payload", "message"),
    [
        ("vllm", {"prompt": "x", "temperature": math.nan}, r"payload\['temperature'\] is nan"),
        (
            "tgi",
            {"inputs": "x", "parameters": {"top_p": -math.inf}},
            r"payload\['parameters'\]\['top_p'\] is -inf",
        ),
        (None, {"values": [1.0, math.inf]}, r"payload\['values'\]\[1\] is inf"),
        (None, [{"x": math.nan}], r"payload\[0\]\['x'\] is nan"),
        ("vllm", '{"prompt": "x", "temperature": NaN}', "NaN is not a JSON number"),
        ("vllm", b'{"prompt": "x", "top_p": -Infinity}', "-Infinity is not a JSON number"),
        ("tgi", '{"inputs": "x", "parameters": {"seed": 1e999}}', r"\['seed'\] is inf"),
    ],
)
def test_non_finite_numbers_are_rejected_before_uploading(
    session, server, payload, message
) -> None:
    runtime, stubber = stubbed("sagemaker-runtime")
    client = AsyncInferenceClient(
        "llm", BUCKET, PREFIX, server=server, session=session, runtime_client=runtime
    )
    with pytest.raises(ValueError, match=message):
        client.submit(payload)
    assert stored_keys(session) == []
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("answer", "constant"),
    [
        (b'{"generated_text": "x", "score": NaN}', "NaN"),
        ('[{"generated_text": "x", "details": {"logprob": -Infinity}}]', "-Infinity"),
        (b'{"choices": [{"text": "x", "logprobs": Infinity}]}', "Infinity"),
    ],
)
def test_generated_text_rejects_non_finite_constants(answer, constant) -> None:
    with pytest.raises(ValueError, match=rf"not JSON \({constant} is not a JSON number"):
        generated_text(answer)


# --- property: the deadline holds whatever S3 answers -------------------------------------------

ANSWERS = {
    "missing": lambda: client_error("NoSuchKey", 404),
    "slowdown": lambda: client_error("SlowDown", 503),
    "internal": lambda: client_error("InternalError", 500),
    "throttled": lambda: client_error("ThrottlingException", 400),
    "unavailable": lambda: client_error("ServiceUnavailable", 503),
    "connection": lambda: EndpointConnectionError(endpoint_url="https://s3"),
    "read-timeout": lambda: ReadTimeoutError(endpoint_url="https://s3"),
}


class PropertyS3:
    """Answers each get_object from a script (then "missing"); each read takes ``latency``."""

    def __init__(self, fake: FakeTime, script: list[str], latency: float) -> None:
        self.fake = fake
        self.script: Iterator[str] = iter(script)
        self.latency = latency
        self.reads: list[tuple[float, str]] = []
        self.delivered: tuple[str, bytes] | None = None

    def get_object(self, Bucket: str, Key: str) -> dict:  # noqa: N803 (boto3's names)
        self.reads.append((self.fake.now, Key))
        self.fake.now += self.latency
        answer = next(self.script, "missing")
        if answer == "object":
            content = f"object at {Key}".encode()
            self.delivered = (Key, content)
            return {"Body": io.BytesIO(content)}
        raise ANSWERS[answer]()


def cycling(values: list[float]) -> Callable[[], float]:
    source = itertools.cycle(values)
    return lambda: next(source)


@settings(max_examples=80, deadline=timedelta(seconds=2))
@given(
    timeout=st.floats(min_value=0, max_value=60),
    initial_delay=st.floats(min_value=0.05, max_value=10),
    growth=st.floats(min_value=1, max_value=50),
    latency=st.floats(min_value=0, max_value=2),
    script=st.lists(st.sampled_from([*ANSWERS, "object"]), max_size=30),
    jitters=st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=5),
    with_failure=st.booleans(),
)
def test_wait_returns_or_times_out_without_passing_the_deadline(
    timeout, initial_delay, growth, latency, script, jitters, with_failure
) -> None:
    fake = FakeTime()
    s3 = PropertyS3(fake, script, latency)
    client = client_with(fake, s3)
    client._jitter = cycling(jitters)
    invocation = AsyncInvocation(
        ID, INVOCATION.input_location, OUTPUT, FAILURE if with_failure else None
    )
    try:
        outcome: Any = client.wait(
            invocation,
            timeout=timeout,
            initial_delay=initial_delay,
            max_delay=initial_delay * growth,
        )
    except (AsyncInferenceTimeout, AsyncInferenceFailed) as error:
        assert error.invocation == invocation
        outcome = error
    # the outcome is what S3 delivered: the result, the failure report, or nothing in time
    if s3.delivered is None:
        assert isinstance(outcome, AsyncInferenceTimeout)
        assert fake.now >= timeout  # did not give up early
    elif s3.delivered[0] == key_of(OUTPUT)["Key"]:
        assert outcome == s3.delivered[1]
    else:
        assert isinstance(outcome, AsyncInferenceFailed)
        assert outcome.content == s3.delivered[1]
    # never slept past the deadline, and every round but the first started before it
    assert all(pause >= 0 for pause in fake.sleeps)
    assert sum(fake.sleeps) <= timeout + 1e-9
    round_starts = [start for start, key in s3.reads if key == key_of(OUTPUT)["Key"]]
    assert all(start < timeout for start in round_starts[1:])
    # so the last round ends at most one round's reads after the deadline
    assert fake.now <= max(timeout, round_starts[-1]) + 2 * latency + 1e-9
