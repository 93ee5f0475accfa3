"""SustainableBucket: retained, versioned, encrypted, SSL-only, with a lifecycle."""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template
from compliance import cfn_lint_errors, our_findings, synth_checked

from green_constructs.storage import DatasetBucket, SustainableBucket

ENV = cdk.Environment(account="111111111111", region="eu-north-1")


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("bucket")))
    stack = cdk.Stack(app, "Buckets", env=ENV)
    SustainableBucket(
        stack,
        "Results",
        expire_after=cdk.Duration.days(90),
        intelligent_tiering_after=cdk.Duration.days(30),
    )
    return synth_checked(app)


@pytest.fixture(scope="module")
def template(assembly) -> Template:
    return Template.from_json(assembly.get_stack_by_name("Buckets").template)


def test_bucket_is_retained_versioned_encrypted_and_private(template) -> None:
    template.has_resource(
        "AWS::S3::Bucket",
        {
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            Match.object_like(
                                {
                                    "BucketKeyEnabled": True,
                                    "ServerSideEncryptionByDefault": Match.object_like(
                                        {"SSEAlgorithm": "aws:kms"}
                                    ),
                                }
                            )
                        ]
                    },
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                }
            ),
        },
    )
    template.has_resource(
        "AWS::KMS::Key",
        {"DeletionPolicy": "Retain", "Properties": Match.object_like({"EnableKeyRotation": True})},
    )


def test_lifecycle_expires_old_versions_uploads_and_results(template) -> None:
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "LifecycleConfiguration": {
                "Rules": [
                    Match.object_like(
                        {
                            "Status": "Enabled",
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                            "ExpirationInDays": 90,
                            "Transitions": [
                                {"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 30}
                            ],
                        }
                    )
                ]
            }
        },
    )


def test_ssl_only_policy(template) -> None:
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_passes_every_check(assembly) -> None:
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


@pytest.mark.parametrize("duration", [cdk.Duration.hours(2), cdk.Duration.hours(36)])
def test_bad_duration_names_the_property(duration) -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(ValueError, match="expire_after must be a cdk.Duration of whole days"):
        SustainableBucket(stack, "B", expire_after=duration)


@pytest.mark.parametrize(
    ("props", "error", "message"),
    [
        (
            {
                "expire_after": cdk.Duration.days(10),
                "intelligent_tiering_after": cdk.Duration.days(30),
            },
            ValueError,
            "expire_after (10 days) must be longer than intelligent_tiering_after (30 days)",
        ),
        (
            {
                "expire_after": cdk.Duration.days(30),
                "intelligent_tiering_after": cdk.Duration.days(30),
            },
            ValueError,
            "expire_after (30 days) must be longer than intelligent_tiering_after (30 days)",
        ),
        (
            {"expire_after": "10"},
            TypeError,
            "expire_after must be a cdk.Duration of whole days of at least 1 day, got '10'",
        ),
        (
            {"noncurrent_expire_after": 30},
            TypeError,
            "noncurrent_expire_after must be a cdk.Duration of whole days of at least 1 day, "
            "got 30",
        ),
        (
            {"intelligent_tiering_after": 30.0},
            TypeError,
            "intelligent_tiering_after must be a cdk.Duration of whole days",
        ),
    ],
)
def test_bad_lifecycle_names_the_property(props, error, message) -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(error, match=re.escape(message)):
        SustainableBucket(stack, "B", **props)


@pytest.mark.parametrize(
    ("props", "error", "message"),
    [
        (
            {"storage_class": "INTELLIGENT_TIERING"},
            TypeError,
            "storage_class must be an s3.StorageClass (s3.StorageClass.INTELLIGENT_TIERING, "
            "s3.StorageClass.GLACIER_INSTANT_RETRIEVAL), got 'INTELLIGENT_TIERING'",
        ),
        (
            {"storage_class": s3.StorageClass.GLACIER},
            ValueError,
            "storage_class: GLACIER is not allowed for training data; allowed: "
            "INTELLIGENT_TIERING, GLACIER_IR",
        ),
        (
            {"transition_after": 30},
            TypeError,
            "transition_after must be a cdk.Duration of whole days of at least 1 day, got 30",
        ),
        (
            {"expire_after": cdk.Duration.days(10)},
            ValueError,
            "expire_after (10 days) must be longer than transition_after (30 days)",
        ),
    ],
)
def test_dataset_bucket_shares_the_checks(props, error, message) -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(error, match=re.escape(message)):
        DatasetBucket(stack, "D", **props)


def test_expiry_after_tiering_is_accepted() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    SustainableBucket(
        stack,
        "B",
        expire_after=cdk.Duration.days(31),
        intelligent_tiering_after=cdk.Duration.days(30),
    )
    SustainableBucket(stack, "OnlyExpiry", expire_after=cdk.Duration.days(1))
    DatasetBucket(stack, "D", storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL)


def test_grant_read_scopes_objects_and_key() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    bucket = SustainableBucket(stack, "B")
    role = iam.Role(stack, "Reader", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    bucket.grant_read(role, "results/*")
    statements = Template.from_stack(stack).find_resources("AWS::IAM::Policy")
    (policy,) = statements.values()
    actions = {a for s in policy["Properties"]["PolicyDocument"]["Statement"] for a in s["Action"]}
    assert "kms:Decrypt" in actions and "s3:GetObject*" in actions
    assert not any(a.startswith("s3:Put") or a.startswith("s3:Delete") for a in actions)
