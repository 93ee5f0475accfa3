"""Model data in S3 (archive or uncompressed prefix) and network isolation on InferenceModel."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template
from compliance import cfn_lint_errors, our_findings, synth_checked

from green_constructs.inference import (
    CustomImage,
    HuggingFaceNeuronModel,
    InferenceModel,
    RealtimeEndpoint,
    S3ModelArtifact,
)

ENV = cdk.Environment(account="111111111111", region="eu-north-1")
MODEL = "meta-llama/Llama-3.1-8B-Instruct"
NEURON_IMAGE = (
    "763104351884.dkr.ecr.eu-north-1.amazonaws.com/huggingface-pytorch-tgi-inference:"
    "2.1.2-optimum0.0.28-neuronx-py310-ubuntu22.04"
)


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("model-source")))
    stack = cdk.Stack(app, "Models", env=ENV)
    bucket = s3.Bucket.from_bucket_name(stack, "Weights", "my-models")
    for construct_id, key in (("Archive", "llama/model.tar.gz"), ("Prefix", "llama/files")):
        InferenceModel(
            stack,
            construct_id,
            source=S3ModelArtifact(bucket, key, image=NEURON_IMAGE),
            instance_type="ml.inf2.xlarge",
        )
    InferenceModel(
        stack,
        "Isolated",
        source=HuggingFaceNeuronModel(
            model_id=MODEL, model_bucket=bucket, model_key="llama/neuron.tar.gz", server="tgi"
        ),
        instance_type="ml.inf2.8xlarge",
        network_isolation=True,
    )
    return synth_checked(app)


@pytest.fixture(scope="module")
def template(assembly) -> Template:
    return Template.from_json(assembly.get_stack_by_name("Models").template)


def _container(template: Template, construct_id: str) -> dict:
    models = template.find_resources("AWS::SageMaker::Model")
    [model] = [m for logical_id, m in models.items() if logical_id.startswith(construct_id)]
    return model["Properties"]


def _role_statements(template: Template, construct_id: str) -> list[dict]:
    policies = template.find_resources("AWS::IAM::Policy")
    [policy] = [p for logical_id, p in policies.items() if logical_id.startswith(construct_id)]
    return policy["Properties"]["PolicyDocument"]["Statement"]


def test_models_pass_every_check(assembly) -> None:
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


def test_archive_key_is_a_model_data_url(template) -> None:
    container = _container(template, "Archive")["PrimaryContainer"]
    assert container["ModelDataUrl"] == "s3://my-models/llama/model.tar.gz"
    assert "ModelDataSource" not in container


def test_prefix_key_is_an_uncompressed_s3_prefix_source(template) -> None:
    container = _container(template, "Prefix")["PrimaryContainer"]
    assert "ModelDataUrl" not in container
    assert container["ModelDataSource"] == {
        "S3DataSource": {
            "S3Uri": "s3://my-models/llama/files/",
            "S3DataType": "S3Prefix",
            "CompressionType": "None",
        }
    }
    statements = _role_statements(template, "Prefix")
    objects = {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::my-models/llama/files/*"]]
    }
    bucket = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::my-models"]]}
    assert {"Action": "s3:GetObject", "Effect": "Allow", "Resource": objects} in statements
    assert {
        "Action": "s3:ListBucket",
        "Condition": {"StringLike": {"s3:prefix": ["llama/files/*"]}},
        "Effect": "Allow",
        "Resource": bucket,
    } in statements


def test_archive_read_is_that_object_only(template) -> None:
    s3_statements = [s for s in _role_statements(template, "Archive") if "s3:" in str(s["Action"])]
    assert s3_statements == [
        {
            "Action": "s3:GetObject",
            "Effect": "Allow",
            "Resource": {
                "Fn::Join": [
                    "",
                    ["arn:", {"Ref": "AWS::Partition"}, ":s3:::my-models/llama/model.tar.gz"],
                ]
            },
        }
    ]


def test_custom_image_url_ending_with_a_slash_is_a_prefix() -> None:
    stack = cdk.Stack(cdk.App(), "Custom", env=ENV)
    model = InferenceModel(
        stack,
        "Model",
        source=CustomImage(NEURON_IMAGE, model_data_url="s3://my-models/llama/files/"),
        instance_type="ml.inf2.xlarge",
    )
    assert model.cfn_model.primary_container.model_data_source.s3_data_source.s3_uri == (
        "s3://my-models/llama/files/"
    )
    assert model.cfn_model.primary_container.model_data_url is None


def test_isolated_model_with_weights_in_s3_runs_without_network(template) -> None:
    properties = _container(template, "Isolated")
    assert properties["EnableNetworkIsolation"] is True
    assert properties["PrimaryContainer"]["Environment"]["HF_MODEL_ID"] == "/opt/ml/model"


@pytest.mark.parametrize("construct", [InferenceModel, RealtimeEndpoint])
@pytest.mark.parametrize("server", ["vllm", "tgi"])
def test_isolated_model_downloading_from_the_hub_fails_naming_both_properties(
    server, construct
) -> None:
    source = HuggingFaceNeuronModel(model_id=MODEL, server=server)
    message = (
        r"^network_isolation=True leaves the container without network access, but model_id "
        r"'meta-llama/Llama-3.1-8B-Instruct' is downloaded from the Hugging Face Hub at "
        r"startup; pass model_bucket and model_key"
    )
    with pytest.raises(ValueError, match=message):
        construct(
            cdk.Stack(
                cdk.App(), "S", env=cdk.Environment(account="111111111111", region="eu-west-3")
            ),
            "Model",
            source=source,
            instance_type="ml.inf2.8xlarge",
            network_isolation=True,
        )
