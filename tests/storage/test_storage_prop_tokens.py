"""SustainableBucket and DatasetBucket take tokens wherever an ``s3.Bucket`` would: CloudFormation
parameters reach the lifecycle rules, and each token prop is noted as unchecked in metadata."""

from __future__ import annotations

import json
import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template
from prop_token_sources import SOURCES, Tokens, notes

from green_constructs.storage import DatasetBucket, SustainableBucket, grant_prefix


def _days(stack: cdk.Stack, name: str) -> cdk.Duration:
    return cdk.Duration.days(cdk.CfnParameter(stack, name, type="Number").value_as_number)


@pytest.fixture(scope="module", params=SOURCES)
def built(request) -> tuple[Template, SustainableBucket, DatasetBucket]:
    tokens = Tokens(
        request.param,
        numbers=("ExpireDays", "NoncurrentDays", "TieringDays", "DatasetExpireDays"),
        strings=("StorageClass",),
    )
    stack = tokens.stack
    bucket = SustainableBucket(
        stack,
        "Results",
        expire_after=tokens.days("ExpireDays"),
        noncurrent_expire_after=tokens.days("NoncurrentDays"),
        intelligent_tiering_after=tokens.days("TieringDays"),
    )
    dataset = DatasetBucket(
        stack,
        "Dataset",
        transition_after=cdk.Duration.days(
            cdk.Token.as_number(cdk.Fn.import_value("TransitionDays"))
        ),
        storage_class=s3.StorageClass(tokens.string("StorageClass")),
        expire_after=tokens.days("DatasetExpireDays"),
    )
    return Template.from_stack(stack), bucket, dataset


def test_bucket_lifecycle_gets_the_parameters(built) -> None:
    template, _, _ = built
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "LifecycleConfiguration": {
                "Rules": [
                    Match.object_like(
                        {
                            "ExpirationInDays": {"Ref": "ExpireDays"},
                            "NoncurrentVersionExpiration": {
                                "NoncurrentDays": {"Ref": "NoncurrentDays"}
                            },
                            "Transitions": [
                                {
                                    "StorageClass": "INTELLIGENT_TIERING",
                                    "TransitionInDays": {"Ref": "TieringDays"},
                                }
                            ],
                        }
                    )
                ]
            }
        },
    )


def test_dataset_lifecycle_gets_the_tokens(built) -> None:
    template, _, _ = built
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "LifecycleConfiguration": {
                "Rules": Match.array_with(
                    [
                        Match.object_like({"ExpirationInDays": {"Ref": "DatasetExpireDays"}}),
                        Match.object_like(
                            {
                                "Transitions": [
                                    {
                                        "StorageClass": {"Ref": "StorageClass"},
                                        "TransitionInDays": {"Fn::ImportValue": "TransitionDays"},
                                    }
                                ]
                            }
                        ),
                    ]
                )
            }
        },
    )


def test_each_token_prop_is_noted(built) -> None:
    _, bucket, dataset = built
    assert notes(bucket) == [
        "expire_after",
        "noncurrent_expire_after",
        "intelligent_tiering_after",
    ]
    assert notes(dataset) == ["expire_after", "transition_after", "storage_class"]


@pytest.mark.parametrize(
    ("kind", "props_", "error", "message"),
    [
        (SustainableBucket, {"encryption_key": "alias/x"}, TypeError, "encryption_key must be a"),
        (
            SustainableBucket,
            {"server_access_logs_bucket": "logs"},
            TypeError,
            "server_access_logs_bucket must be an s3.IBucket",
        ),
        (
            SustainableBucket,
            {"expire_after": cdk.Duration.hours(12)},
            ValueError,
            "expire_after must be a cdk.Duration of whole days of at least 1 day, got 12 hours",
        ),
        (
            DatasetBucket,
            {"storage_class": s3.StorageClass.DEEP_ARCHIVE},
            ValueError,
            "storage_class: DEEP_ARCHIVE is not allowed for training data",
        ),
        (DatasetBucket, {"transition_after": 30}, TypeError, "transition_after must be a"),
    ],
)
def test_props_are_checked_at_the_boundary(kind, props_, error, message) -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(error, match=re.escape(message)):
        kind(stack, "B", **props_)


def test_cross_checks_skip_tokens_but_not_concrete_pairs() -> None:
    stack = cdk.Stack(cdk.App(), "Cross")
    token_days = _days(stack, "Days")
    SustainableBucket(
        stack, "Token", expire_after=token_days, intelligent_tiering_after=cdk.Duration.days(30)
    )
    with pytest.raises(ValueError, match="must be longer than transition_after"):
        DatasetBucket(stack, "Concrete", expire_after=cdk.Duration.days(10))


def test_grant_prefix_takes_a_token_prefix() -> None:
    tokens = Tokens("parameter")
    bucket = SustainableBucket(tokens.stack, "Bucket")
    role = iam.Role(
        tokens.stack, "Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com")
    )
    grant_prefix(role, bucket, tokens.string("Prefix"), read=True)
    policies = json.dumps(Template.from_stack(tokens.stack).find_resources("AWS::IAM::Policy"))
    assert json.dumps({"Ref": "Prefix"}) in policies
    assert notes(bucket) == ["prefix"]


@pytest.fixture(scope="module")
def grant_parts() -> tuple[iam.Role, SustainableBucket]:
    stack = cdk.Stack(cdk.App(), "Grants")
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    return role, SustainableBucket(stack, "Bucket")


@pytest.mark.parametrize(
    ("given", "error", "message"),
    [
        ({"grantee": "role"}, TypeError, "grantee must be an iam.IGrantable"),
        ({"bucket": "bucket"}, TypeError, "bucket must be a SustainableBucket"),
        ({"prefix": 5}, TypeError, "prefix must be a key prefix without '*' or '?'"),
        ({"prefix": "train/*"}, ValueError, "prefix must be a key prefix without '*' or '?'"),
        ({"read": "yes"}, TypeError, "read must be True or False"),
        ({"read": False}, ValueError, "grant_prefix: ask for read, write or both"),
    ],
)
def test_grant_prefix_checks_its_arguments(grant_parts, given, error, message) -> None:
    role, bucket = grant_parts
    arguments = {"grantee": role, "bucket": bucket, "prefix": "train/", "read": True, **given}
    with pytest.raises(error, match=re.escape(message)):
        grant_prefix(**arguments)
