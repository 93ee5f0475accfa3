"""SNS topics for endpoint and job notifications: KMS-encrypted, reachable over TLS only."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct


def notification_key(scope: Construct, construct_id: str) -> kms.Key:
    """A rotated customer managed key for notification topics.

    A customer managed key (not ``alias/aws/sns``) lets services such as CloudWatch alarms
    publish to the topics once granted. SNS keeps no messages after delivery, so the key goes
    with the stack.
    """
    return kms.Key(
        scope,
        construct_id,
        enable_key_rotation=True,
        removal_policy=cdk.RemovalPolicy.DESTROY,
        description="Encrypts SageMaker notification topics",
    )


def encrypted_topic(
    scope: Construct, construct_id: str, *, master_key: kms.IKey, display_name: str
) -> sns.Topic:
    """An SNS topic encrypted with ``master_key`` whose policy denies requests without TLS."""
    return sns.Topic(
        scope, construct_id, master_key=master_key, enforce_ssl=True, display_name=display_name
    )
