"""DatasetBucket: training data that cools into cheaper storage, read one prefix at a time."""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template
from compliance import cfn_lint_errors, our_findings, synth_checked

from green_constructs.storage import DatasetBucket

ENV = cdk.Environment(account="111111111111", region="eu-north-1")


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("dataset")))
    stack = cdk.Stack(app, "Data", env=ENV)
    dataset = DatasetBucket(stack, "Dataset")
    reader = iam.Role(stack, "Reader", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    dataset.grant_read_prefix(reader, "curated/")
    return synth_checked(app)


@pytest.fixture(scope="module")
def template(assembly) -> Template:
    return Template.from_json(assembly.get_stack_by_name("Data").template)


def _rules(template: Template) -> list[dict]:
    [bucket] = template.find_resources("AWS::S3::Bucket").values()
    return bucket["Properties"]["LifecycleConfiguration"]["Rules"]


def test_defaults_pass_every_check(assembly) -> None:
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


def test_data_moves_to_intelligent_tiering_and_old_versions_expire(template) -> None:
    cleanup, tiering = _rules(template)
    assert cleanup["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert cleanup["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert "ExpirationInDays" not in cleanup  # curated data is kept unless asked
    assert tiering["Transitions"] == [
        {"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 30}
    ]
    [bucket] = template.find_resources("AWS::S3::Bucket").values()
    assert bucket["DeletionPolicy"] == "Retain"


def test_grant_read_prefix_reaches_one_prefix(template) -> None:
    [policy] = template.find_resources("AWS::IAM::Policy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    by_action = {
        s["Action"] if isinstance(s["Action"], str) else tuple(s["Action"]): s for s in statements
    }
    assert by_action["s3:GetObject"]["Resource"]["Fn::Join"][1][1] == "/curated/*"
    assert by_action["s3:ListBucket"]["Condition"] == {"StringLike": {"s3:prefix": ["curated/*"]}}
    assert "kms:Decrypt" in by_action


def test_glacier_instant_retrieval_and_expiry() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    dataset = DatasetBucket(
        stack,
        "Archive",
        transition_after=cdk.Duration.days(90),
        storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
        expire_after=cdk.Duration.days(365),
        noncurrent_expire_after=cdk.Duration.days(7),
    )
    cleanup, tiering = _rules(Template.from_stack(stack))
    assert cleanup["ExpirationInDays"] == 365
    assert cleanup["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7}
    assert tiering["Transitions"] == [{"StorageClass": "GLACIER_IR", "TransitionInDays": 90}]
    assert stack.resolve(dataset.s3_uri("train/")) == {
        "Fn::Join": [
            "",
            ["s3://", {"Ref": stack.get_logical_id(dataset.bucket.node.default_child)}, "/train/"],
        ]
    }


@pytest.mark.parametrize(
    "props, message",
    [
        (
            {"transition_after": cdk.Duration.hours(36)},
            "transition_after must be a cdk.Duration of whole days of at least 1 day, got 1 day 12 hours",
        ),
        (
            {"storage_class": s3.StorageClass.DEEP_ARCHIVE},
            "storage_class: DEEP_ARCHIVE is not allowed",
        ),
        (
            {"expire_after": cdk.Duration.days(30)},
            "expire_after (30 days) must be longer than transition_after",
        ),
        (
            {"expire_after": cdk.Duration.hours(5)},
            "expire_after must be a cdk.Duration of whole days",
        ),
        (
            {"noncurrent_expire_after": cdk.Duration.hours(1)},
            "noncurrent_expire_after must be a cdk.Duration of whole days",
        ),
    ],
)
def test_bad_input_names_the_property(props, message) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match=re.escape(message)):
        DatasetBucket(stack, "Dataset", **props)
