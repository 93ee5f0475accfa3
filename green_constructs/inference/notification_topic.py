"""SNS topics for endpoint and job notifications: KMS-encrypted, reachable over TLS only, and
open to the CloudWatch alarms of the stack's own account.

A topic policy replaces SNS's default policy, so the TLS-only policy ``enforce_ssl`` writes
would leave CloudWatch (a service principal, not an IAM identity of the account) unable to
publish alarm notifications: every topic here also allows ``cloudwatch.amazonaws.com`` to
``sns:Publish`` for alarms of the account, and its key lets CloudWatch encrypt the message.
Identities of the account (SageMaker execution roles for asynchronous notifications, state
machine roles) publish through their own IAM policies (``grant_publish``).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

CLOUDWATCH = "cloudwatch.amazonaws.com"


def _from_own_alarms(scope: Construct) -> dict:
    """Conditions limiting CloudWatch to alarms of the stack's account (no confused deputy)."""
    stack = cdk.Stack.of(scope)
    return {
        "StringEquals": {"aws:SourceAccount": stack.account},
        "ArnLike": {
            "aws:SourceArn": stack.format_arn(
                service="cloudwatch",
                resource="alarm",
                resource_name="*",
                arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
            )
        },
    }


def notification_key(scope: Construct, construct_id: str) -> kms.Key:
    """A rotated customer managed key for notification topics, usable by CloudWatch alarms.

    A customer managed key (not ``alias/aws/sns``) lets CloudWatch alarms publish to the
    topics. SNS keeps no messages after delivery, so the key goes with the stack.
    """
    key = kms.Key(
        scope,
        construct_id,
        enable_key_rotation=True,
        removal_policy=cdk.RemovalPolicy.DESTROY,
        description="Encrypts job and alarm notification topics",
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchAlarmsToEncryptNotifications",
            principals=[iam.ServicePrincipal(CLOUDWATCH)],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
            # the account only: SNS's guide for encrypted topics gives the service principal
            # the key; the topic policy holds the alarm ARN condition
            conditions={"StringEquals": {"aws:SourceAccount": cdk.Stack.of(scope).account}},
        )
    )
    return key


def encrypted_topic(
    scope: Construct, construct_id: str, *, master_key: kms.IKey, display_name: str
) -> sns.Topic:
    """An SNS topic encrypted with ``master_key`` that denies requests without TLS and lets
    the account's CloudWatch alarms publish."""
    topic = sns.Topic(
        scope, construct_id, master_key=master_key, enforce_ssl=True, display_name=display_name
    )
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchAlarmsToPublish",
            principals=[iam.ServicePrincipal(CLOUDWATCH)],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions=_from_own_alarms(scope),
        )
    )
    return topic
