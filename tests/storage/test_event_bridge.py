"""enable_event_bridge: EventBridge on through the L1, and kept on by a later notifications resource."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as notifications
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from green_constructs.storage.event_bridge import enable_event_bridge

ON = {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}


def test_the_l1_property_turns_it_on_without_a_custom_resource() -> None:
    stack = cdk.Stack(cdk.App(), "Plain")
    enable_event_bridge(s3.Bucket(stack, "Bucket"))
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::S3::Bucket", {"NotificationConfiguration": ON})
    template.resource_count_is("Custom::S3BucketNotifications", 0)
    template.resource_count_is("AWS::Lambda::Function", 0)


def test_a_later_event_notification_keeps_event_bridge_on() -> None:
    stack = cdk.Stack(cdk.App(), "Notified")
    bucket = s3.Bucket(stack, "Bucket")
    enable_event_bridge(bucket)
    enable_event_bridge(bucket)  # two constructs on one bucket
    # the caller's own notification: a custom resource that replaces the whole configuration
    bucket.add_event_notification(
        s3.EventType.OBJECT_REMOVED, notifications.SnsDestination(sns.Topic(stack, "Topic"))
    )
    Template.from_stack(stack).has_resource_properties(
        "Custom::S3BucketNotifications",
        {
            "NotificationConfiguration": {
                # how the L2 writes "enabled" in PutBucketNotificationConfiguration's shape
                "EventBridgeConfiguration": {},
                "TopicConfigurations": Match.any_value(),
            }
        },
    )


def test_an_imported_bucket_is_left_alone() -> None:
    stack = cdk.Stack(cdk.App(), "Imported")
    sns.Topic(stack, "Topic")  # a stack is never empty
    enable_event_bridge(s3.Bucket.from_bucket_name(stack, "Bucket", "someone-elses"))
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::S3::Bucket", 0)
    template.resource_count_is("Custom::S3BucketNotifications", 0)
