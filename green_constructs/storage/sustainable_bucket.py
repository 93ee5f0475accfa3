"""An S3 bucket that keeps what matters and lets everything else expire."""

from __future__ import annotations

from typing import cast

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .. import props
from ..nag.acknowledge import acknowledge


def cfn_bucket(bucket: SustainableBucket) -> s3.CfnBucket:
    """The L1 bucket of ``bucket``."""
    # a cast: node.default_child is typed IConstruct | None; an s3.Bucket's is its CfnBucket
    return cast(s3.CfnBucket, bucket.bucket.node.default_child)


class SustainableBucket(Construct):
    """KMS-encrypted, versioned, SSL-only, private S3 bucket with a lifecycle, retained on delete.

    For models, checkpoints, datasets and results: nothing is lost on stack deletion (the bucket
    and its key are retained), and nothing is stored forever by accident (old versions expire,
    incomplete uploads are aborted, and current objects can expire or move to Intelligent-Tiering).

    :param expire_after: delete current objects this long after creation. Default: never.
    :param noncurrent_expire_after: delete overwritten or deleted versions after this. Default:
        30 days.
    :param intelligent_tiering_after: move objects to S3 Intelligent-Tiering after this; when
        ``expire_after`` is set too, it must come first. Default: no transition.
    :param encryption_key: customer managed key. Default: a new key with rotation, retained.
    :param server_access_logs_bucket: where to write access logs. Default: none (see the
        acknowledgement of ``AwsSolutions-S1`` in the construct).
    """

    bucket: s3.Bucket
    """The L2 bucket."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        expire_after: cdk.Duration | None = None,
        noncurrent_expire_after: cdk.Duration | None = None,
        intelligent_tiering_after: cdk.Duration | None = None,
        encryption_key: kms.IKey | None = None,
        server_access_logs_bucket: s3.IBucket | None = None,
    ) -> None:
        if noncurrent_expire_after is None:
            noncurrent_expire_after = cdk.Duration.days(30)
        super().__init__(scope, construct_id)
        self._validate(expire_after, noncurrent_expire_after, intelligent_tiering_after)
        _check_key_and_logs(encryption_key, server_access_logs_bucket)
        self.encryption_key: kms.IKey = encryption_key or kms.Key(
            self, "Key", enable_key_rotation=True, removal_policy=cdk.RemovalPolicy.RETAIN
        )
        transitions = (
            [
                s3.Transition(
                    storage_class=s3.StorageClass.INTELLIGENT_TIERING,
                    transition_after=intelligent_tiering_after,
                )
            ]
            if intelligent_tiering_after is not None
            else None
        )
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.encryption_key,
            bucket_key_enabled=True,
            versioned=True,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            server_access_logs_bucket=server_access_logs_bucket,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-old-versions-and-uploads",
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
                    noncurrent_version_expiration=noncurrent_expire_after,
                    expiration=expire_after,
                    transitions=transitions,
                )
            ],
        )
        self.node.default_child = self.bucket.node.default_child
        if server_access_logs_bucket is None:
            acknowledge(
                self.bucket,
                "AwsSolutions-S1",
                "Access logs double the writes of a bucket reached only through this app's IAM "
                "roles; pass server_access_logs_bucket to enable them.",
            )

    def _validate(
        self,
        expire_after: cdk.Duration | None,
        noncurrent_expire_after: cdk.Duration,
        intelligent_tiering_after: cdk.Duration | None,
    ) -> None:
        for name, value in (
            ("expire_after", expire_after),
            ("noncurrent_expire_after", noncurrent_expire_after),
            ("intelligent_tiering_after", intelligent_tiering_after),
        ):
            if value is not None:
                lifecycle_days(self, name, value)
        check_expires_after_transition(
            expire_after, "intelligent_tiering_after", intelligent_tiering_after
        )

    @property
    def bucket_name(self) -> str:
        """The bucket's name."""
        return self.bucket.bucket_name

    @property
    def bucket_arn(self) -> str:
        """The bucket's ARN."""
        return self.bucket.bucket_arn

    def grant_read(self, grantee: iam.IGrantable, objects_key_pattern: str = "*") -> iam.Grant:
        """Read objects (and decrypt them) under ``objects_key_pattern``."""
        return self.bucket.grant_read(grantee, objects_key_pattern)

    def grant_write(self, grantee: iam.IGrantable, objects_key_pattern: str = "*") -> iam.Grant:
        """Write objects (and encrypt them) under ``objects_key_pattern``."""
        return self.bucket.grant_put(grantee, objects_key_pattern)

    def grant_read_write(
        self, grantee: iam.IGrantable, objects_key_pattern: str = "*"
    ) -> iam.Grant:
        """Read and write objects under ``objects_key_pattern``."""
        return self.bucket.grant_read_write(grantee, objects_key_pattern)


def lifecycle_days(scope: Construct, name: str, value: object) -> cdk.Duration:
    """``value`` if it is a ``cdk.Duration`` of at least 1 whole day (S3 lifecycle rules count
    in days), or one of a token amount (noted on ``scope``, as an ``s3.Bucket`` accepts it)."""
    return props.duration(scope, name, value, minimum=cdk.Duration.days(1), whole="days")


def _check_key_and_logs(encryption_key: object, server_access_logs_bucket: object) -> None:
    """``TypeError`` unless ``encryption_key`` is a ``kms.IKey`` and ``server_access_logs_bucket``
    an ``s3.IBucket`` (or ``None``)."""
    if encryption_key is not None:
        props.implements("encryption_key", encryption_key, "key_arn", "a kms.IKey")
    if server_access_logs_bucket is not None:
        props.implements(
            "server_access_logs_bucket", server_access_logs_bucket, "bucket_arn", "an s3.IBucket"
        )


def check_expires_after_transition(
    expire_after: cdk.Duration | None, transition_name: str, transition_after: cdk.Duration | None
) -> None:
    """Fail unless objects expire after they transition (S3 rejects the rule otherwise); both
    are whole days (see :func:`lifecycle_days`). Skipped when either is a token."""
    if expire_after is None or transition_after is None:
        return
    if props.is_token(expire_after) or props.is_token(transition_after):
        return
    if expire_after.to_days() <= transition_after.to_days():
        raise ValueError(
            f"expire_after ({expire_after.to_human_string()}) must be longer than "
            f"{transition_name} ({transition_after.to_human_string()})"
        )
