"""Lambda handler: count the records (non-empty lines) of a JSONL object before it becomes a
Bedrock batch inference job, reading it as a stream and stopping once the answer is known.

Event: ``{"bucket", "key", "min_records", "max_records", "max_bytes"}``. Result:
``{"ok", "records", "bytes", "reason"}``; ``records`` stops at ``max_records + 1`` (the read
stops there), and an object larger than ``max_bytes`` is refused without reading it. Bedrock
refuses jobs with fewer records than its quota "Minimum number of records per batch inference
job" after queueing them; this step refuses them before a job is created.
"""

from __future__ import annotations

import re
from typing import Any

CHUNK_BYTES = 1024 * 1024
KEY = re.compile(r"[-!_*'().a-zA-Z0-9]+(/[-!_*'().a-zA-Z0-9]+)*")
"""Object keys Bedrock's ``S3Uri`` pattern accepts (botocore ``bedrock`` 2023-04-20)."""


def count_records(body: Any, limit: int, chunk_bytes: int = CHUNK_BYTES) -> int:
    """Non-empty lines of a streaming body (``read(n)``), at most ``limit`` (then it stops)."""
    records = 0
    pending = b""
    while records < limit:
        chunk = body.read(chunk_bytes)
        if not chunk:
            break
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop()
        records += sum(1 for line in lines if line.strip())
    if records < limit and pending.strip():
        records += 1
    return min(records, limit)


def check_object(s3: Any, event: dict[str, Any]) -> dict[str, Any]:
    """Judge the object named by ``event`` against its record and size limits."""
    bucket, key = event["bucket"], event["key"]
    minimum, maximum = int(event["min_records"]), int(event["max_records"])
    max_bytes = int(event["max_bytes"])
    if not KEY.fullmatch(key):
        reason = (
            f"the key {key!r} has characters Bedrock's S3 URI pattern refuses "
            "(allowed: letters, digits, / and -!_*'().)"
        )
        return _result(False, None, None, reason)
    response = s3.get_object(Bucket=bucket, Key=key)
    size = int(response["ContentLength"])
    body = response["Body"]
    try:
        if size > max_bytes:
            return _result(False, None, size, f"{size} bytes is more than {max_bytes}")
        records = count_records(body, maximum + 1)
    finally:
        body.close()
    if records < minimum:
        reason = (
            f"{records} records, fewer than the {minimum} a Bedrock batch inference job needs "
            "(quota: Minimum number of records per batch inference job)"
        )
        return _result(False, records, size, reason)
    if records > maximum:
        return _result(False, records, size, f"more than {maximum} records")
    return _result(True, records, size, "")


def _result(ok: bool, records: int | None, size: int | None, reason: str) -> dict[str, Any]:
    return {"ok": ok, "records": records, "bytes": size, "reason": reason}


def handler(event: dict[str, Any], _context: object) -> dict[str, Any]:
    """Lambda entry point."""
    import boto3

    return check_object(boto3.client("s3"), event)
