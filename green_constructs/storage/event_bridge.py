"""Turn on a bucket's EventBridge notifications without a custom resource, and keep them on."""

from __future__ import annotations

import jsii
from aws_cdk import aws_s3 as s3
from constructs import IValidation


def enable_event_bridge(bucket: s3.IBucket) -> None:
    """Turn on EventBridge notifications of a bucket of this app (no-op for an imported one,
    which must have them on already).

    The L1 property needs no custom resource (the L2's ``event_bridge_enabled`` adds one). If
    ``add_event_notification`` adds the L2's notifications custom resource later, EventBridge is
    turned on there too: S3's ``PutBucketNotificationConfiguration`` replaces the whole
    configuration, so without it that resource would turn EventBridge off at deployment."""
    child = bucket.node.default_child
    if not isinstance(child, s3.CfnBucket):
        return
    child.add_property_override(
        "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True
    )
    if isinstance(bucket, s3.Bucket):
        bucket.node.add_validation(_KeepEventBridge(bucket))  # idempotent when added twice


@jsii.implements(IValidation)
class _KeepEventBridge:
    """At synth, after the app is built: EventBridge on in the notifications custom resource,
    when there is one."""

    def __init__(self, bucket: s3.Bucket) -> None:
        self._bucket = bucket

    def validate(self) -> list[str]:
        # the L2 names its notifications construct "Notifications"; this only sets a flag on it
        if self._bucket.node.try_find_child("Notifications") is not None:
            self._bucket.enable_event_bridge_notification()
        return []
