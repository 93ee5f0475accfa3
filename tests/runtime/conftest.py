"""Shared by the client tests: a moto S3 holding the requesting module's ``BUCKET`` in its
``REGION``."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws


@pytest.fixture
def session(request: pytest.FixtureRequest) -> Iterator[boto3.session.Session]:
    region, bucket = request.module.REGION, request.module.BUCKET
    with mock_aws():
        session = boto3.session.Session(region_name=region)
        session.client("s3").create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
        )
        yield session
