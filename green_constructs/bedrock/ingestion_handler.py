"""Lambda handler: one Bedrock knowledge base ingestion job per batch of S3 document events.

The function reads an SQS queue fed by EventBridge (``Object Created`` / ``Object Deleted``
under the documents prefix). An ingestion job syncs the whole data source (new, changed and
deleted documents), so one job covers every event of a batch: it is started once, with a client
token made of the batch's message ids (a retried invocation does not start a second job).

When Bedrock refuses the job because one is already running (``ConflictException``), or for
quota or throttling, the batch is reported failed (SQS partial batch response) and comes back
after the queue's visibility timeout, unless the running job started after the batch's last
event: that job already sees those documents, so the batch is done. Other errors raise (the
batch comes back too, and lands in the dead-letter queue after the queue's maximum receives).

Environment: ``KNOWLEDGE_BASE_ID``, ``DATA_SOURCE_ID``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import datetime, timedelta, timezone
from typing import Any

LOGGER = logging.getLogger()
LOGGER.setLevel(logging.INFO)

RETRY_LATER = frozenset(
    {"ConflictException", "ServiceQuotaExceededException", "ThrottlingException"}
)
"""Errors after which the batch is retried later instead of failing."""
RUNNING = ("STARTING", "IN_PROGRESS")
COVER_MARGIN = timedelta(seconds=60)
"""A running job covers events at least this much older than its start (clock skew between the
event's time and the job's)."""


def handler(event: dict[str, Any], context: Any = None, client: Any = None) -> dict[str, Any]:
    """Start one ingestion job for the batch; return the SQS batch item failures."""
    records = event.get("Records") or []
    if not records:
        return {"batchItemFailures": []}
    client = client or _client()
    knowledge_base_id = os.environ["KNOWLEDGE_BASE_ID"]
    data_source_id = os.environ["DATA_SOURCE_ID"]
    try:
        response = client.start_ingestion_job(
            knowledgeBaseId=knowledge_base_id,
            dataSourceId=data_source_id,
            clientToken=client_token(records),
            description=f"{len(records)} document change(s) under the data source's prefix",
        )
    except Exception as error:  # botocore ClientError; botocore is not imported at module load
        code = _error_code(error)
        if code not in RETRY_LATER:
            raise
        if code == "ConflictException" and _running_job_covers(
            client, knowledge_base_id, data_source_id, records
        ):
            LOGGER.info("A running ingestion job covers the %d events", len(records))
            return {"batchItemFailures": []}
        LOGGER.info("%s: %d events retried after the visibility timeout", code, len(records))
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records]}
    job = response["ingestionJob"]
    LOGGER.info(
        "Started ingestion job %s (%s) for %d events",
        job["ingestionJobId"],
        job["status"],
        len(records),
    )
    return {"batchItemFailures": []}


def client_token(records: list[dict[str, Any]]) -> str:
    """The batch's idempotency token: SHA-256 of its sorted message ids (64 hex characters,
    within the API's 33 to 256)."""
    ids = sorted(str(record["messageId"]) for record in records)
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()


def latest_event_time(records: list[dict[str, Any]]) -> datetime | None:
    """The newest event time of the batch: the EventBridge event's ``time``, else the message's
    ``SentTimestamp``; None when a record has neither."""
    times = []
    for record in records:
        moment = _event_time(record)
        if moment is None:
            return None
        times.append(moment)
    return max(times)


def _event_time(record: dict[str, Any]) -> datetime | None:
    try:
        body = json.loads(record.get("body") or "{}")
        if isinstance(body, dict) and isinstance(body.get("time"), str):
            return datetime.fromisoformat(body["time"].replace("Z", "+00:00"))
    except ValueError:
        pass
    sent = (record.get("attributes") or {}).get("SentTimestamp")
    if sent is None:
        return None
    return datetime.fromtimestamp(int(sent) / 1000, tz=timezone.utc)


def _running_job_covers(
    client: Any, knowledge_base_id: str, data_source_id: str, records: list[dict[str, Any]]
) -> bool:
    """Whether a job that is running started after every event of the batch."""
    latest = latest_event_time(records)
    if latest is None:
        return False
    try:
        jobs = client.list_ingestion_jobs(
            knowledgeBaseId=knowledge_base_id,
            dataSourceId=data_source_id,
            filters=[{"attribute": "STATUS", "operator": "EQ", "values": list(RUNNING)}],
            sortBy={"attribute": "STARTED_AT", "order": "ASCENDING"},
            maxResults=10,
        )["ingestionJobSummaries"]
    except Exception:  # a failed look-up only means the batch is retried
        LOGGER.exception("Could not list running ingestion jobs")
        return False
    starts = [job["startedAt"] for job in jobs if job.get("status") in RUNNING]
    # the earliest running job decides: a later one may still be queued behind it
    return bool(starts) and min(starts) >= latest + COVER_MARGIN


def _error_code(error: Exception) -> str | None:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Code")
    return None


def _client() -> Any:
    import boto3

    return boto3.client("bedrock-agent")
