"""``DatasetBucket``: curated training data that moves to cheaper, lower-energy storage as it cools.

Public API shared by the training constructs (``TrainiumTrainingJob``, the HyperPod cluster):

- ``DatasetBucket(scope, id, *, transition_after=..., storage_class=..., ...)`` creates the bucket;
- ``dataset.s3_uri(prefix)`` is the ``s3://`` location of a prefix (a training channel);
- ``dataset.grant_read_prefix(grantee, prefix)`` lets a role read one prefix only;
- everything of :class:`SustainableBucket` (``bucket``, ``bucket_name``, ``bucket_arn``,
  ``encryption_key``, ``grant_read`` / ``grant_write`` / ``grant_read_write``).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .. import props
from .prefix_access import grant_prefix
from .sustainable_bucket import (
    SustainableBucket,
    check_expires_after_transition,
    lifecycle_days,
)

DATASET_STORAGE_CLASSES = (
    s3.StorageClass.INTELLIGENT_TIERING,
    s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
)
"""Where cooled data may go: both keep millisecond reads, so training jobs read it unchanged."""


class DatasetBucket(SustainableBucket):
    """A :class:`SustainableBucket` for training data: objects move to ``storage_class`` after
    ``transition_after``, overwritten versions expire, and (optionally) so does the data.

    :param transition_after: move objects to ``storage_class`` this long after creation (whole
        days). Default: 30 days.
    :param storage_class: ``s3.StorageClass.INTELLIGENT_TIERING`` (data read again at unknown
        times) or ``s3.StorageClass.GLACIER_INSTANT_RETRIEVAL`` (archives read rarely; 90-day
        minimum storage charge). Default: Intelligent-Tiering.
    :param noncurrent_expire_after: delete overwritten or deleted versions after this.
        Default: 30 days.
    :param expire_after: delete objects this long after creation; must come after
        ``transition_after``. Default: never (curated data is kept).
    :param encryption_key: customer managed key. Default: a new key with rotation, retained.
    :param server_access_logs_bucket: where to write access logs. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        transition_after: cdk.Duration | None = None,
        storage_class: s3.StorageClass | None = None,
        noncurrent_expire_after: cdk.Duration | None = None,
        expire_after: cdk.Duration | None = None,
        encryption_key: kms.IKey | None = None,
        server_access_logs_bucket: s3.IBucket | None = None,
    ) -> None:
        transition_after = cdk.Duration.days(30) if transition_after is None else transition_after
        if noncurrent_expire_after is None:
            noncurrent_expire_after = cdk.Duration.days(30)
        if storage_class is None:
            storage_class = s3.StorageClass.INTELLIGENT_TIERING
        super().__init__(
            scope,
            construct_id,
            expire_after=expire_after,
            noncurrent_expire_after=noncurrent_expire_after,
            encryption_key=encryption_key,
            server_access_logs_bucket=server_access_logs_bucket,
        )
        _check(self, transition_after, storage_class, expire_after)
        self.storage_class = storage_class
        self.bucket.add_lifecycle_rule(
            id="tier-cooling-data",
            transitions=[
                s3.Transition(storage_class=storage_class, transition_after=transition_after)
            ],
        )

    def s3_uri(self, prefix: str = "") -> str:
        """``s3://<bucket>/<prefix>`` (a token until deployment)."""
        return f"s3://{self.bucket_name}/{prefix}"

    def grant_read_prefix(self, grantee: iam.IGrantable, prefix: str) -> iam.Grant:
        """Let ``grantee`` list and read objects under ``prefix`` only (and decrypt them)."""
        return grant_prefix(grantee, self, prefix, read=True)


def _check(
    scope: Construct,
    transition_after: object,
    storage_class: object,
    expire_after: cdk.Duration | None,
) -> None:
    """The props ``SustainableBucket`` does not check (it checks ``expire_after``)."""
    transition = lifecycle_days(scope, "transition_after", transition_after)
    allowed = [c.value for c in DATASET_STORAGE_CLASSES]
    listed = ", ".join(
        f"s3.StorageClass.{c}" for c in ("INTELLIGENT_TIERING", "GLACIER_INSTANT_RETRIEVAL")
    )
    storage_class = props.instance(
        "storage_class", storage_class, s3.StorageClass, f"an s3.StorageClass ({listed})"
    )
    if props.is_token(storage_class.value):
        props.note_token(scope, "storage_class", f"one of {', '.join(allowed)}")
    elif storage_class.value not in allowed:
        raise ValueError(
            f"storage_class: {storage_class.value} is not allowed for training data; allowed: "
            + ", ".join(allowed)
        )
    check_expires_after_transition(expire_after, "transition_after", transition)
