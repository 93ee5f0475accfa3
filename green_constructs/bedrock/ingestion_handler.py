"""Lambda handler: one Bedrock knowledge base ingestion job per batch of S3 document events.

The function reads an SQS queue fed by EventBridge (``Object Created`` / ``Object Deleted``
under the documents prefix). An ingestion job syncs the whole data source (new, changed and
deleted documents), so one job covers every change of a batch: it is started once, with a client
token made of the batch's message ids (a retried invocation does not start a second job).

When Bedrock refuses the job because one is already running (``ConflictException``), or for
quota or throttling, the batch is acknowledged and one *wait message* takes its place in the
queue, delayed by ``RETRY_DELAY_SECONDS``: however long the running job takes, the changes come
back, and only errors count towards the queue's maximum receives. A wait message names the
running job when that job started after every change it carries (the job sees those documents):
it is done when that job completes, and starts a new job if that one fails or is stopped.
Changes that have waited ``MAX_WAIT_SECONDS`` are reported failed instead, and reach the
dead-letter queue after the maximum receives. Other errors fail only the messages they concern
(SQS partial batch response): those that needed the job, or whose wait message was not sent.

Environment: ``KNOWLEDGE_BASE_ID``, ``DATA_SOURCE_ID``, ``QUEUE_URL``, ``RETRY_DELAY_SECONDS``,
``MAX_WAIT_SECONDS``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

LOGGER = logging.getLogger()
LOGGER.setLevel(logging.INFO)

RETRY_LATER = frozenset(
    {"ConflictException", "ServiceQuotaExceededException", "ThrottlingException"}
)
"""Errors after which the changes wait for a later try instead of failing."""
RUNNING = ("STARTING", "IN_PROGRESS")
UNFINISHED = (*RUNNING, "STOPPING")
"""``IngestionJobStatus`` values of a job that has not ended (botocore bedrock-agent model)."""
COVER_MARGIN = timedelta(seconds=60)
"""A running job covers events at least this much older than its start (clock skew between the
event's time and the job's)."""
WAIT_KEY = "ingestionWait"
"""The key of a wait message's body."""


@dataclass
class Changes:
    """The document changes one message carries: when the first happened, when the last did,
    and the job, if any, that covers them."""

    since: datetime
    latest: datetime
    message_id: str
    job: str | None = None


@dataclass
class Group:
    """Messages that start one job, or wait together (for one job, or for none)."""

    members: list[Changes] = field(default_factory=list)
    job: str | None = None

    @property
    def message_ids(self) -> list[str]:
        return [each.message_id for each in self.members]

    @property
    def latest(self) -> datetime:
        return max(each.latest for each in self.members)

    def body(self) -> str:
        """The wait message's body: the group's span and job."""
        since = min(each.since for each in self.members)
        wait = {"since": since.isoformat(), "latest": self.latest.isoformat()}
        return json.dumps({WAIT_KEY: wait | ({"job": self.job} if self.job else {})})


def handler(
    event: dict[str, Any], context: Any = None, client: Any = None, queue: Any = None
) -> dict[str, Any]:
    """Start one ingestion job for the batch's changes, or make them wait; return the SQS batch
    item failures."""
    records = event.get("Records") or []
    if not records:
        return {"batchItemFailures": []}
    client = client or _client("bedrock-agent")
    now = datetime.now(timezone.utc)
    pending, waits = _sort(client, records, now)
    failures: list[str] = []
    if pending.members:
        waits.extend(_start_or_wait(client, pending, failures))
    _wait(queue, waits, now, failures)
    return {"batchItemFailures": [{"itemIdentifier": each} for each in failures]}


def _sort(client: Any, records: list[dict[str, Any]], now: datetime) -> tuple[Group, list[Group]]:
    """The changes that need a job, and those waiting for an unfinished job (a group per job).
    Changes whose job completed are done; those whose job failed or stopped need a job."""
    pending = Group()
    covered: dict[str, Group] = {}
    statuses: dict[str, str | None] = {}
    for record in records:
        changes = read_changes(record, now)
        job = changes.job
        if job is not None:
            if job not in statuses:
                statuses[job] = _job_status(client, job)
            if statuses[job] in UNFINISHED:
                covered.setdefault(job, Group(job=job)).members.append(changes)
                continue
            if statuses[job] == "COMPLETE":
                LOGGER.info("Ingestion job %s completed: %s done", job, changes.message_id)
                continue
            LOGGER.info("Ingestion job %s ended %s: its changes need a job", job, statuses[job])
        pending.members.append(changes)
    return pending, list(covered.values())


def read_changes(record: dict[str, Any], now: datetime) -> Changes:
    """The changes a message carries: an S3 event's time (else the message's ``SentTimestamp``,
    else now), or a wait message's span and job."""
    message_id = str(record["messageId"])
    body = _json(record.get("body"))
    wait = body.get(WAIT_KEY)
    if isinstance(wait, dict):
        since = _time(wait.get("since")) or now
        latest = _time(wait.get("latest")) or now
        job = wait.get("job") if isinstance(wait.get("job"), str) else None
        return Changes(since, latest, message_id, job)
    moment = _time(body.get("time")) or _sent_time(record) or now
    return Changes(moment, moment, message_id)


def client_token(message_ids: list[str]) -> str:
    """The changes' idempotency token: SHA-256 of their sorted message ids (64 hex characters,
    within the API's 33 to 256)."""
    return hashlib.sha256("\n".join(sorted(message_ids)).encode()).hexdigest()


def _start_or_wait(client: Any, pending: Group, failures: list[str]) -> list[Group]:
    """Start a job for the pending changes, or return them to wait (with the running job that
    covers them, if one does). On another error their messages fail, and only theirs."""
    try:
        response = client.start_ingestion_job(
            **_data_source(),
            clientToken=client_token(pending.message_ids),
            description=f"{len(pending.members)} message(s) of document changes",
        )
    except Exception as error:  # botocore ClientError; botocore is not imported at module load
        code = _error_code(error)
        if code not in RETRY_LATER:
            LOGGER.exception("Could not start an ingestion job: %s fail", pending.message_ids)
            failures.extend(pending.message_ids)
            return []
        if code != "ThrottlingException":  # a job is running, or the account's jobs are
            pending.job = _covering_job(client, pending)
        LOGGER.info("%s: %d message(s) wait (job %s)", code, len(pending.members), pending.job)
        return [pending]
    job = response["ingestionJob"]
    LOGGER.info("Started ingestion job %s (%s)", job["ingestionJobId"], job["status"])
    return []


def _wait(queue: Any, waits: list[Group], now: datetime, failures: list[str]) -> None:
    """Send one delayed wait message per group; the messages of changes that have waited too
    long, or whose wait message could not be sent, fail."""
    longest = timedelta(seconds=int(os.environ["MAX_WAIT_SECONDS"]))
    for group in waits:
        aged = [each for each in group.members if now - each.since > longest]
        if aged:
            LOGGER.error("Changes waited over %s: %s fail", longest, [c.message_id for c in aged])
            failures.extend(each.message_id for each in aged)
        fresh = Group([each for each in group.members if each not in aged], group.job)
        if not fresh.members:
            continue
        try:
            queue = queue or _client("sqs")
            queue.send_message(
                QueueUrl=os.environ["QUEUE_URL"],
                MessageBody=fresh.body(),
                DelaySeconds=int(os.environ["RETRY_DELAY_SECONDS"]),
            )
        except Exception:  # those messages come back instead
            LOGGER.exception("Could not send a wait message: %s fail", fresh.message_ids)
            failures.extend(fresh.message_ids)


def _covering_job(client: Any, pending: Group) -> str | None:
    """The earliest running job, when it started after every pending change."""
    try:
        jobs = client.list_ingestion_jobs(
            **_data_source(),
            filters=[{"attribute": "STATUS", "operator": "EQ", "values": list(RUNNING)}],
            sortBy={"attribute": "STARTED_AT", "order": "ASCENDING"},
            maxResults=10,
        )["ingestionJobSummaries"]
    except Exception:  # a failed look-up only means the changes wait for a new job
        LOGGER.exception("Could not list running ingestion jobs")
        return None
    running = [job for job in jobs if job.get("status") in RUNNING]
    if not running:
        return None
    # the earliest running job decides: a later one may still be queued behind it
    earliest = min(running, key=lambda job: job["startedAt"])
    return (
        earliest["ingestionJobId"]
        if earliest["startedAt"] >= pending.latest + COVER_MARGIN
        else None
    )


def _job_status(client: Any, job: str) -> str | None:
    try:
        response = client.get_ingestion_job(
            **_data_source(),
            ingestionJobId=job,
        )
    except Exception:  # unknown: a new job is the safe answer
        LOGGER.exception("Could not get ingestion job %s", job)
        return None
    return response["ingestionJob"]["status"]


def _data_source() -> dict[str, str]:
    return {
        "knowledgeBaseId": os.environ["KNOWLEDGE_BASE_ID"],
        "dataSourceId": os.environ["DATA_SOURCE_ID"],
    }


def _json(body: Any) -> dict[str, Any]:
    try:
        parsed = json.loads(body or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _sent_time(record: dict[str, Any]) -> datetime | None:
    sent = (record.get("attributes") or {}).get("SentTimestamp")
    if sent is None:
        return None
    return datetime.fromtimestamp(int(sent) / 1000, tz=timezone.utc)


def _error_code(error: Exception) -> str | None:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Code")
    return None


def _client(service: Literal["bedrock-agent", "sqs"]) -> Any:
    import boto3

    return boto3.client(service)
