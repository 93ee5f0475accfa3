"""The ingestion Lambda: one StartIngestionJob per SQS batch; changes that meet a running job wait
in one delayed message."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import Stubber

from green_constructs.bedrock.ingestion_handler import Changes, client_token, handler, read_changes

KB_ID = "KBID012345"
DS_ID = "DSID012345"
EVENT_TIME = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=30)
QUEUE_URL = "https://sqs.eu-north-1.amazonaws.com/111111111111/ingestion"


@pytest.fixture(autouse=True)
def _environment(monkeypatch) -> None:
    monkeypatch.setenv("KNOWLEDGE_BASE_ID", KB_ID)
    monkeypatch.setenv("DATA_SOURCE_ID", DS_ID)
    monkeypatch.setenv("QUEUE_URL", QUEUE_URL)
    monkeypatch.setenv("RETRY_DELAY_SECONDS", "900")
    monkeypatch.setenv("MAX_WAIT_SECONDS", "86400")


def _boto3_client(service: str):
    return boto3.client(
        service,
        region_name="eu-north-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture()
def client():
    return _boto3_client("bedrock-agent")


@pytest.fixture()
def queue():
    return _boto3_client("sqs")


def _record(message_id: str, moment: datetime = EVENT_TIME) -> dict:
    body = {
        "source": "aws.s3",
        "detail-type": "Object Created",
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "detail": {"bucket": {"name": "docs"}, "object": {"key": f"documents/{message_id}.pdf"}},
    }
    return {"messageId": message_id, "body": json.dumps(body), "attributes": {}}


def _wait_record(message_id: str, since: datetime, latest: datetime, job: str | None) -> dict:
    wait = {"since": since.isoformat(), "latest": latest.isoformat()}
    body = {"ingestionWait": wait | ({"job": job} if job else {})}
    return {"messageId": message_id, "body": json.dumps(body), "attributes": {}}


def _job(status: str, started: datetime, job: str = "JOB0123456") -> dict:
    return {
        "knowledgeBaseId": KB_ID,
        "dataSourceId": DS_ID,
        "ingestionJobId": job,
        "status": status,
        "startedAt": started,
        "updatedAt": started,
    }


def _start_params(records: list[dict]) -> dict:
    return {
        "knowledgeBaseId": KB_ID,
        "dataSourceId": DS_ID,
        "clientToken": client_token([r["messageId"] for r in records]),
        "description": f"{len(records)} message(s) of document changes",
    }


def _get_params(job: str) -> dict:
    return {"knowledgeBaseId": KB_ID, "dataSourceId": DS_ID, "ingestionJobId": job}


def _send_params(since: datetime, latest: datetime, job: str | None = None) -> dict:
    wait = {"since": since.isoformat(), "latest": latest.isoformat()}
    body = {"ingestionWait": wait | ({"job": job} if job else {})}
    return {"QueueUrl": QUEUE_URL, "MessageBody": json.dumps(body), "DelaySeconds": 900}


def _sent() -> dict:
    return {"MessageId": "wait-1", "MD5OfMessageBody": "0" * 32}


def _list_params() -> dict:
    return {
        "knowledgeBaseId": KB_ID,
        "dataSourceId": DS_ID,
        "filters": [
            {"attribute": "STATUS", "operator": "EQ", "values": ["STARTING", "IN_PROGRESS"]}
        ],
        "sortBy": {"attribute": "STARTED_AT", "order": "ASCENDING"},
        "maxResults": 10,
    }


def test_a_batch_starts_one_ingestion_job(client, queue) -> None:
    records = [_record(f"m{i}") for i in range(250)]
    with Stubber(client) as stub, Stubber(queue):
        stub.add_response(
            "start_ingestion_job",
            {"ingestionJob": _job("STARTING", EVENT_TIME)},
            _start_params(records),
        )
        assert handler({"Records": records}, None, client, queue) == {"batchItemFailures": []}
        stub.assert_no_pending_responses()


def test_the_client_token_is_the_same_for_a_retried_batch_and_valid() -> None:
    token = client_token(["b", "a"])
    assert token == client_token(["a", "b"])
    assert token != client_token(["a"])
    assert 33 <= len(token) <= 256 and token.isalnum()


def test_a_running_older_job_makes_the_changes_wait_in_one_delayed_message(client, queue) -> None:
    earlier = EVENT_TIME - timedelta(minutes=3)
    records = [_record("m1", earlier), _record("m2")]
    with Stubber(client) as stub, Stubber(queue) as sqs:
        stub.add_client_error(
            "start_ingestion_job",
            "ConflictException",
            http_status_code=409,
            expected_params=_start_params(records),
        )
        # the running job started before the events: it may not see the documents
        stub.add_response(
            "list_ingestion_jobs",
            {"ingestionJobSummaries": [_job("IN_PROGRESS", EVENT_TIME - timedelta(minutes=10))]},
            _list_params(),
        )
        sqs.add_response("send_message", _sent(), _send_params(earlier, EVENT_TIME))
        # acknowledged: waiting counts no receives towards the dead-letter queue
        assert handler({"Records": records}, None, client, queue) == {"batchItemFailures": []}
        stub.assert_no_pending_responses()
        sqs.assert_no_pending_responses()


def test_a_job_started_after_the_changes_is_named_in_the_wait_message(client, queue) -> None:
    records = [_record("m1")]
    started = EVENT_TIME + timedelta(minutes=2)
    with Stubber(client) as stub, Stubber(queue) as sqs:
        stub.add_client_error("start_ingestion_job", "ConflictException", http_status_code=409)
        stub.add_response(
            "list_ingestion_jobs",
            {
                "ingestionJobSummaries": [
                    _job("IN_PROGRESS", started + timedelta(minutes=1), "LATER00001"),
                    _job("IN_PROGRESS", started),
                ]
            },
        )
        sqs.add_response(
            "send_message", _sent(), _send_params(EVENT_TIME, EVENT_TIME, "JOB0123456")
        )
        assert handler({"Records": records}, None, client, queue) == {"batchItemFailures": []}
        sqs.assert_no_pending_responses()


@pytest.mark.parametrize(
    "running",
    [
        [_job("STARTING", EVENT_TIME + timedelta(seconds=10))],  # within the clock margin
        [],  # ended between the two calls
    ],
)
def test_a_job_that_may_miss_the_changes_is_not_named(client, queue, running) -> None:
    with Stubber(client) as stub, Stubber(queue) as sqs:
        stub.add_client_error("start_ingestion_job", "ConflictException", http_status_code=409)
        stub.add_response("list_ingestion_jobs", {"ingestionJobSummaries": running})
        sqs.add_response("send_message", _sent(), _send_params(EVENT_TIME, EVENT_TIME))
        assert handler({"Records": [_record("m1")]}, None, client, queue) == {
            "batchItemFailures": []
        }
        sqs.assert_no_pending_responses()


def test_a_failed_look_up_of_running_jobs_still_makes_the_changes_wait(client, queue) -> None:
    with Stubber(client) as stub, Stubber(queue) as sqs:
        stub.add_client_error("start_ingestion_job", "ConflictException", http_status_code=409)
        stub.add_client_error("list_ingestion_jobs", "AccessDeniedException", http_status_code=403)
        sqs.add_response("send_message", _sent(), _send_params(EVENT_TIME, EVENT_TIME))
        assert handler({"Records": [_record("m1")]}, None, client, queue) == {
            "batchItemFailures": []
        }
        sqs.assert_no_pending_responses()


def test_throttling_makes_the_changes_wait(client, queue) -> None:
    with Stubber(client) as stub, Stubber(queue) as sqs:
        stub.add_client_error("start_ingestion_job", "ThrottlingException", http_status_code=429)
        sqs.add_response("send_message", _sent(), _send_params(EVENT_TIME, EVENT_TIME))
        assert handler({"Records": [_record("m1")]}, None, client, queue) == {
            "batchItemFailures": []
        }
        stub.assert_no_pending_responses()
        sqs.assert_no_pending_responses()


def test_a_wait_message_whose_job_still_runs_waits_again_without_a_new_job(client, queue) -> None:
    since = EVENT_TIME - timedelta(hours=5)
    records = [
        _wait_record("w1", since, EVENT_TIME, "JOB0123456"),
        _wait_record("w2", EVENT_TIME, EVENT_TIME, "JOB0123456"),
    ]
    with Stubber(client) as stub, Stubber(queue) as sqs:
        # one look-up for the job both messages name; no StartIngestionJob
        stub.add_response(
            "get_ingestion_job",
            {"ingestionJob": _job("IN_PROGRESS", since)},
            _get_params("JOB0123456"),
        )
        sqs.add_response("send_message", _sent(), _send_params(since, EVENT_TIME, "JOB0123456"))
        assert handler({"Records": records}, None, client, queue) == {"batchItemFailures": []}
        stub.assert_no_pending_responses()
        sqs.assert_no_pending_responses()


def test_a_wait_message_whose_job_completed_is_done(client, queue) -> None:
    records = [_wait_record("w1", EVENT_TIME, EVENT_TIME, "JOB0123456")]
    with Stubber(client) as stub, Stubber(queue):
        stub.add_response(
            "get_ingestion_job",
            {"ingestionJob": _job("COMPLETE", EVENT_TIME)},
            _get_params("JOB0123456"),
        )
        assert handler({"Records": records}, None, client, queue) == {"batchItemFailures": []}
        stub.assert_no_pending_responses()


@pytest.mark.parametrize("status", ["FAILED", "STOPPED"])
def test_changes_whose_job_failed_start_a_new_job_with_the_new_events(
    client, queue, status
) -> None:
    records = [_wait_record("w1", EVENT_TIME, EVENT_TIME, "JOB0123456"), _record("m1")]
    with Stubber(client) as stub, Stubber(queue):
        stub.add_response(
            "get_ingestion_job",
            {"ingestionJob": _job(status, EVENT_TIME)},
            _get_params("JOB0123456"),
        )
        stub.add_response(
            "start_ingestion_job",
            {"ingestionJob": _job("STARTING", EVENT_TIME, "JOB9999999")},
            _start_params(records),
        )
        assert handler({"Records": records}, None, client, queue) == {"batchItemFailures": []}
        stub.assert_no_pending_responses()


def test_only_changes_that_waited_too_long_are_reported_failed(client, queue) -> None:
    since = EVENT_TIME - timedelta(days=1)
    records = [_wait_record("w1", since, EVENT_TIME, None), _record("m1")]
    with Stubber(client) as stub, Stubber(queue) as sqs:
        stub.add_client_error("start_ingestion_job", "ConflictException", http_status_code=409)
        stub.add_response("list_ingestion_jobs", {"ingestionJobSummaries": []})
        # the fresh change waits on its own; the old one fails, to the dead-letter queue after
        # its receives
        sqs.add_response("send_message", _sent(), _send_params(EVENT_TIME, EVENT_TIME))
        assert handler({"Records": records}, None, client, queue) == {
            "batchItemFailures": [{"itemIdentifier": "w1"}]
        }
        sqs.assert_no_pending_responses()


def test_the_concurrent_jobs_quota_looks_for_the_covering_job_too(client, queue) -> None:
    started = EVENT_TIME + timedelta(minutes=2)
    with Stubber(client) as stub, Stubber(queue) as sqs:
        stub.add_client_error(
            "start_ingestion_job", "ServiceQuotaExceededException", http_status_code=402
        )
        stub.add_response(
            "list_ingestion_jobs", {"ingestionJobSummaries": [_job("IN_PROGRESS", started)]}
        )
        sqs.add_response(
            "send_message", _sent(), _send_params(EVENT_TIME, EVENT_TIME, "JOB0123456")
        )
        assert handler({"Records": [_record("m1")]}, None, client, queue) == {
            "batchItemFailures": []
        }
        sqs.assert_no_pending_responses()


def test_other_errors_fail_only_the_messages_that_needed_the_job(client, queue) -> None:
    waiting = _wait_record("w1", EVENT_TIME, EVENT_TIME, "JOB0123456")
    with Stubber(client) as stub, Stubber(queue) as sqs:
        stub.add_response(
            "get_ingestion_job",
            {"ingestionJob": _job("IN_PROGRESS", EVENT_TIME)},
            _get_params("JOB0123456"),
        )
        stub.add_client_error("start_ingestion_job", "AccessDeniedException", http_status_code=403)
        # the message waiting for its running job still waits, at no receive
        sqs.add_response(
            "send_message", _sent(), _send_params(EVENT_TIME, EVENT_TIME, "JOB0123456")
        )
        assert handler({"Records": [waiting, _record("m1")]}, None, client, queue) == {
            "batchItemFailures": [{"itemIdentifier": "m1"}]
        }
        sqs.assert_no_pending_responses()


def test_a_wait_message_not_sent_fails_only_its_messages(client, queue) -> None:
    records = [
        _wait_record("w1", EVENT_TIME, EVENT_TIME, "JOB0123456"),
        _wait_record("w2", EVENT_TIME, EVENT_TIME, "JOB0000002"),
    ]
    with Stubber(client) as stub, Stubber(queue) as sqs:
        for job in ("JOB0123456", "JOB0000002"):
            stub.add_response(
                "get_ingestion_job",
                {"ingestionJob": _job("IN_PROGRESS", EVENT_TIME, job)},
                _get_params(job),
            )
        sqs.add_client_error("send_message", "InternalError", http_status_code=500)
        sqs.add_response(
            "send_message", _sent(), _send_params(EVENT_TIME, EVENT_TIME, "JOB0000002")
        )
        assert handler({"Records": records}, None, client, queue) == {
            "batchItemFailures": [{"itemIdentifier": "w1"}]
        }
        sqs.assert_no_pending_responses()


def test_an_empty_batch_calls_nothing(client, queue) -> None:
    with Stubber(client), Stubber(queue):
        assert handler({"Records": []}, None, client, queue) == {"batchItemFailures": []}


def test_the_event_time_falls_back_to_the_sent_timestamp_then_now() -> None:
    now = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)
    record = {
        "messageId": "m",
        "body": "not json",
        "attributes": {"SentTimestamp": "1764921600000"},
    }
    sent = datetime(2025, 12, 5, 8, 0, tzinfo=timezone.utc)
    assert read_changes(record, now) == Changes(sent, sent, "m")
    assert read_changes({"messageId": "m", "body": "{}"}, now) == Changes(now, now, "m")
