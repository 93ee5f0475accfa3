"""The ingestion Lambda: one StartIngestionJob per SQS batch, running jobs retried later."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from green_constructs.bedrock import ingestion_handler
from green_constructs.bedrock.ingestion_handler import client_token, handler

KB_ID = "KBID012345"
DS_ID = "DSID012345"
EVENT_TIME = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _environment(monkeypatch) -> None:
    monkeypatch.setenv("KNOWLEDGE_BASE_ID", KB_ID)
    monkeypatch.setenv("DATA_SOURCE_ID", DS_ID)


@pytest.fixture()
def client():
    return boto3.client(
        "bedrock-agent",
        region_name="eu-north-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _record(message_id: str, moment: datetime = EVENT_TIME) -> dict:
    body = {
        "source": "aws.s3",
        "detail-type": "Object Created",
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "detail": {"bucket": {"name": "docs"}, "object": {"key": f"documents/{message_id}.pdf"}},
    }
    return {"messageId": message_id, "body": json.dumps(body), "attributes": {}}


def _job(status: str, started: datetime) -> dict:
    return {
        "knowledgeBaseId": KB_ID,
        "dataSourceId": DS_ID,
        "ingestionJobId": "JOB0123456",
        "status": status,
        "startedAt": started,
        "updatedAt": started,
    }


def _start_params(records: list[dict]) -> dict:
    return {
        "knowledgeBaseId": KB_ID,
        "dataSourceId": DS_ID,
        "clientToken": client_token(records),
        "description": f"{len(records)} document change(s) under the data source's prefix",
    }


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


def test_a_batch_starts_one_ingestion_job(client) -> None:
    records = [_record(f"m{i}") for i in range(250)]
    with Stubber(client) as stub:
        stub.add_response(
            "start_ingestion_job",
            {"ingestionJob": _job("STARTING", EVENT_TIME)},
            _start_params(records),
        )
        assert handler({"Records": records}, None, client) == {"batchItemFailures": []}
        stub.assert_no_pending_responses()


def test_the_client_token_is_the_same_for_a_retried_batch_and_valid() -> None:
    records = [_record("b"), _record("a")]
    token = client_token(records)
    assert token == client_token(list(reversed(records)))
    assert token != client_token([_record("a")])
    assert 33 <= len(token) <= 256 and token.isalnum()


def test_a_running_job_sends_the_batch_back_to_the_queue(client) -> None:
    records = [_record("m1"), _record("m2")]
    with Stubber(client) as stub:
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
        result = handler({"Records": records}, None, client)
        stub.assert_no_pending_responses()
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]}


def test_a_job_started_after_the_events_covers_the_batch(client) -> None:
    records = [_record("m1", EVENT_TIME - timedelta(minutes=3)), _record("m2")]
    with Stubber(client) as stub:
        stub.add_client_error("start_ingestion_job", "ConflictException", http_status_code=409)
        stub.add_response(
            "list_ingestion_jobs",
            {"ingestionJobSummaries": [_job("IN_PROGRESS", EVENT_TIME + timedelta(minutes=2))]},
            _list_params(),
        )
        assert handler({"Records": records}, None, client) == {"batchItemFailures": []}


def test_a_job_started_within_the_margin_does_not_cover_the_batch(client) -> None:
    records = [_record("m1")]
    with Stubber(client) as stub:
        stub.add_client_error("start_ingestion_job", "ConflictException", http_status_code=409)
        stub.add_response(
            "list_ingestion_jobs",
            {"ingestionJobSummaries": [_job("STARTING", EVENT_TIME + timedelta(seconds=10))]},
        )
        result = handler({"Records": records}, None, client)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


def test_a_failed_look_up_of_running_jobs_retries_the_batch(client) -> None:
    records = [_record("m1")]
    with Stubber(client) as stub:
        stub.add_client_error("start_ingestion_job", "ConflictException", http_status_code=409)
        stub.add_client_error("list_ingestion_jobs", "AccessDeniedException", http_status_code=403)
        result = handler({"Records": records}, None, client)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


@pytest.mark.parametrize("code", ["ThrottlingException", "ServiceQuotaExceededException"])
def test_throttling_and_quota_retry_the_batch_later(client, code) -> None:
    records = [_record("m1")]
    with Stubber(client) as stub:
        stub.add_client_error("start_ingestion_job", code, http_status_code=429)
        result = handler({"Records": records}, None, client)
        stub.assert_no_pending_responses()
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


def test_other_errors_fail_the_invocation(client) -> None:
    with Stubber(client) as stub:
        stub.add_client_error("start_ingestion_job", "AccessDeniedException", http_status_code=403)
        with pytest.raises(ClientError):
            handler({"Records": [_record("m1")]}, None, client)


def test_an_empty_batch_calls_nothing(client) -> None:
    with Stubber(client):
        assert handler({"Records": []}, None, client) == {"batchItemFailures": []}


def test_event_time_falls_back_to_the_sent_timestamp() -> None:
    record = {
        "messageId": "m",
        "body": "not json",
        "attributes": {"SentTimestamp": "1764921600000"},
    }
    assert ingestion_handler.latest_event_time([record]) == datetime(
        2025, 12, 5, 8, 0, tzinfo=timezone.utc
    )
    assert ingestion_handler.latest_event_time([{"messageId": "m", "body": "{}"}]) is None
