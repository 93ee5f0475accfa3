"""``node.default_child`` is each construct's primary L1, the escape hatch CDK users expect
(the training job, batch pipeline and cluster are checked in their own test modules)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker

from green_constructs.inference import CustomImage, InferenceModel, RealtimeEndpoint
from green_constructs.storage import DatasetBucket, SustainableBucket

ENV = cdk.Environment(account="111111111111", region="eu-north-1")
IMAGE = "763104351884.dkr.ecr.eu-north-1.amazonaws.com/custom-neuronx:1.0"


def test_default_children_are_the_primary_l1s() -> None:
    stack = cdk.Stack(cdk.App(), "Children", env=ENV)
    endpoint = RealtimeEndpoint(
        stack, "Chat", source=CustomImage(IMAGE), instance_type="ml.inf2.xlarge"
    )
    model = InferenceModel(
        stack, "Model", source=CustomImage(IMAGE), instance_type="ml.inf2.xlarge"
    )
    assert isinstance(endpoint.node.default_child, sagemaker.CfnEndpoint)
    assert isinstance(model.node.default_child, sagemaker.CfnModel)
    for bucket in (SustainableBucket(stack, "Plain"), DatasetBucket(stack, "Data")):
        assert isinstance(bucket.node.default_child, s3.CfnBucket)
