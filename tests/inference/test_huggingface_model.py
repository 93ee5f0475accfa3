"""HuggingFaceNeuronModel: validation at synth, container environment, image per region,
right-sizing metadata, and the compliance checks (AwsSolutions, our packs, cfn-lint)."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template
from compliance import cfn_lint_errors, our_findings, synth_checked

from green_constructs.catalog.right_sizing import RIGHT_SIZING_METADATA
from green_constructs.inference.huggingface import HuggingFaceNeuronModel
from green_constructs.inference.images import mapping_id
from green_constructs.inference.inference_model import InferenceModel
from green_constructs.inference.model_source import CustomImage
from green_constructs.rules.engine import evaluate
from green_constructs.rules.registry import get_rule

MODEL = "meta-llama/Llama-3.1-8B-Instruct"
ENV = cdk.Environment(account="111111111111", region="eu-west-3")
VLLM_IMAGE = (
    "763104351884.dkr.ecr.eu-west-3.amazonaws.com/huggingface-vllm-inference-neuronx:"
    "0.11.0-optimum0.4.4-neuronx-py310-sdk2.26.1-ubuntu22.04"
)
TGI_TAG = "2.7.0-optimum3.3.6-neuronx-py310-ubuntu22.04"


def _model(stack: cdk.Stack, **props) -> InferenceModel:
    instance_type = props.pop("instance_type", None)
    return InferenceModel(
        stack, "Llm", source=HuggingFaceNeuronModel(**props), instance_type=instance_type
    )


def _stack(env: cdk.Environment | None = ENV) -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Llm", env=env)


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("hf")))
    _model(cdk.Stack(app, "Regional", env=ENV), model_id=MODEL, parameters_billion=8)
    agnostic = cdk.Stack(app, "Agnostic")
    _model(agnostic, model_id=MODEL, server="tgi", parameters_billion=70)
    return synth_checked(app)


@pytest.fixture(scope="module")
def regional(assembly) -> Template:
    return Template.from_json(assembly.get_stack_by_name("Regional").template)


@pytest.fixture(scope="module")
def agnostic(assembly) -> Template:
    return Template.from_json(assembly.get_stack_by_name("Agnostic").template)


def test_defaults_pass_every_check(assembly) -> None:
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


def test_vllm_image_and_environment_in_a_concrete_region(regional) -> None:
    regional.has_resource_properties(
        "AWS::SageMaker::Model",
        {
            "PrimaryContainer": {
                "Image": VLLM_IMAGE,
                "Environment": {
                    "SM_ON_MODEL": MODEL,
                    "SM_ON_TENSOR_PARALLEL_SIZE": "2",
                    "SM_ON_BATCH_SIZE": "4",
                    "SM_ON_SEQUENCE_LENGTH": "4096",
                    "SM_ON_DTYPE": "bfloat16",
                },
            }
        },
    )


def test_right_sizing_decision_is_in_the_models_metadata(regional, agnostic) -> None:
    regional.has_resource(
        "AWS::SageMaker::Model",
        {
            "Metadata": {
                RIGHT_SIZING_METADATA: Match.object_like(
                    {
                        "instance_type": "ml.inf2.8xlarge",
                        "neuron_cores": 2,
                        "tensor_parallel_degree": 2,
                        "required_gib": 18.63,
                        "available_gib": 32,
                        "required_host_gib": 18.9,
                        "host_memory_gib": 128,
                        "reason": Match.string_like_regexp("8B parameters in bf16"),
                    }
                )
            }
        },
    )
    agnostic.has_resource(
        "AWS::SageMaker::Model",
        {
            "Metadata": {
                RIGHT_SIZING_METADATA: Match.object_like({"instance_type": "ml.inf2.24xlarge"})
            }
        },
    )


def test_tgi_image_and_environment_in_an_env_agnostic_stack(agnostic) -> None:
    mapping = mapping_id("huggingface-pytorch-tgi-inference", TGI_TAG)
    find = {"Fn::FindInMap": [mapping, {"Ref": "AWS::Region"}, "account"]}
    agnostic.has_resource_properties(
        "AWS::SageMaker::Model",
        {
            "PrimaryContainer": {
                "Image": {
                    "Fn::Join": [
                        "",
                        [
                            find,
                            ".dkr.ecr.",
                            {"Ref": "AWS::Region"},
                            ".",
                            {"Ref": "AWS::URLSuffix"},
                            f"/huggingface-pytorch-tgi-inference:{TGI_TAG}",
                        ],
                    ]
                },
                "Environment": {
                    "HF_MODEL_ID": MODEL,
                    "HF_NUM_CORES": "12",
                    "HF_AUTO_CAST_TYPE": "bf16",
                    "MAX_BATCH_SIZE": "4",
                    "MAX_TOTAL_TOKENS": "4096",
                },
            }
        },
    )
    assert "eu-north-1" in agnostic.to_json()["Mappings"][mapping]


def test_role_pulls_only_the_serving_repository(regional) -> None:
    regional.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                            "Effect": "Allow",
                            "Resource": {
                                "Fn::Join": [
                                    "",
                                    [
                                        "arn:",
                                        {"Ref": "AWS::Partition"},
                                        ":ecr:eu-west-3:763104351884:repository/"
                                        "huggingface-vllm-inference-neuronx",
                                    ],
                                ]
                            },
                        }
                    ]
                )
            }
        },
    )


def test_explicit_settings_reach_the_container() -> None:
    stack = _stack()
    model = _model(
        stack,
        model_id=MODEL,
        server="tgi",
        instance_type="ml.inf2.48xlarge",
        tensor_parallel_degree=8,
        batch_size=8,
        max_sequence_length=8192,
        dtype="fp16",
        environment={"MESSAGES_API_ENABLED": "true"},
    )
    assert model.sizing is None
    assert dict(model.container.environment) == {
        "MESSAGES_API_ENABLED": "true",
        "HF_MODEL_ID": MODEL,
        "HF_NUM_CORES": "8",
        "HF_AUTO_CAST_TYPE": "fp16",
        "MAX_BATCH_SIZE": "8",
        "MAX_TOTAL_TOKENS": "8192",
    }


def test_precompiled_artifact_in_s3_is_served_from_the_model_directory() -> None:
    stack = _stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Models", "my-models")
    model = _model(
        stack,
        model_id=MODEL,
        instance_type="ml.inf2.xlarge",
        model_bucket=bucket,
        model_key="llama-8b/neuron.tar.gz",
    )
    assert model.container.environment["SM_ON_MODEL"] == "/opt/ml/model"
    assert model.container.environment["SM_ON_SERVED_MODEL_NAME"] == MODEL
    Template.from_stack(stack).has_resource_properties(
        "AWS::SageMaker::Model",
        {
            "PrimaryContainer": Match.object_like(
                {"ModelDataUrl": "s3://my-models/llama-8b/neuron.tar.gz"}
            )
        },
    )


def test_user_tensor_parallel_degree_drives_right_sizing() -> None:
    model = _model(_stack(), model_id=MODEL, parameters_billion=3, tensor_parallel_degree=1)
    assert (model.sizing.instance_type, model.sizing.tensor_parallel_degree) == (
        "ml.inf2.xlarge",
        1,
    )
    assert model.container.environment["SM_ON_TENSOR_PARALLEL_SIZE"] == "1"
    with pytest.raises(
        ValueError, match=r"^parameters_billion: .* with tensor_parallel_degree 1 and"
    ):
        _model(_stack(), model_id=MODEL, parameters_billion=8, tensor_parallel_degree=1)


def test_explicit_instance_too_small_for_the_degree_fails_naming_it() -> None:
    with pytest.raises(
        ValueError, match=r"^tensor_parallel_degree 1 on ml.inf2.xlarge gives 16 GiB"
    ):
        _model(
            _stack(),
            model_id=MODEL,
            parameters_billion=8,
            tensor_parallel_degree=1,
            instance_type="ml.inf2.xlarge",
        )


# bad input: every message names the property -------------------------------------------------


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {"dtype": "fp32"},
            r"^dtype must be one of bf16, fp16, got 'fp32' \(fp32 needs allow_fp32=True\)",
        ),
        ({"dtype": "int8"}, r"^dtype must be one of bf16, fp16, got 'int8'"),
        ({"server": "djl"}, r"^server must be one of 'vllm', 'tgi', got 'djl'"),
        ({"batch_size": 0}, r"^batch_size must be a whole number from 1 to 256, got 0"),
        ({"batch_size": 257}, r"^batch_size must be a whole number from 1 to 256"),
        (
            {"max_sequence_length": 65536},
            r"^max_sequence_length must be a whole number from 2 to 32768",
        ),
        (
            {"tensor_parallel_degree": 0},
            r"^tensor_parallel_degree must be a whole number >= 1, got 0",
        ),
        ({"parameters_billion": -1}, r"^parameters_billion must be a finite number > 0"),
        (
            {"quantization": "awq"},
            r"^quantization 'awq' is not supported by the vllm Neuron image \(allowed: none\)",
        ),
        (
            {"server": "tgi", "quantization": "int8"},
            r"^quantization 'int8' is not supported by the tgi Neuron image",
        ),
        ({"model_key": "model.tar.gz"}, r"^model_bucket and model_key go together"),
        (
            {"environment": {"SM_ON_DTYPE": "float32"}},
            r"^environment may not set SM_ON_DTYPE: they come from model_id",
        ),
        ({"model_id": " "}, r"^model_id must be a Hugging Face Hub model id"),
    ],
)
def test_bad_property_fails_naming_it(props, message) -> None:
    with pytest.raises(ValueError, match=message):
        HuggingFaceNeuronModel(**{"model_id": MODEL, **props})


def test_fp32_with_opt_in_is_served_and_flagged_by_our_pack() -> None:
    stack = _stack()
    model = _model(
        stack, model_id=MODEL, instance_type="ml.inf2.xlarge", dtype="fp32", allow_fp32=True
    )
    assert model.container.environment["SM_ON_DTYPE"] == "float32"
    findings = evaluate(Template.from_stack(stack).to_json(), [get_rule("GenAI-ModelPrecision")])
    assert [(f.rule.id, f.resource_type) for f in findings] == [
        ("GenAI-ModelPrecision", "AWS::SageMaker::Model")
    ]


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {"instance_type": "ml.g5.2xlarge"},
            r"^instance_type: ml.g5.2xlarge cannot run the vllm Neuron image; allowed families: inf2, trn1, trn1n",
        ),
        ({"instance_type": "ml.m7g.xlarge"}, r"^instance_type: ml.m7g.xlarge cannot run"),
        (
            {"instance_type": "ml.inf2.xlarge", "tensor_parallel_degree": 4},
            r"^tensor_parallel_degree 4 does not fit instance_type ml.inf2.xlarge, which has 2 "
            r"NeuronCores; use one that divides 2 \(1, 2\)",
        ),
        (
            {"instance_type": "ml.inf2.24xlarge", "tensor_parallel_degree": 5},
            r"^tensor_parallel_degree 5 does not fit instance_type ml.inf2.24xlarge, which has 12 "
            r"NeuronCores; use one that divides 12 \(1, 2, 3, 4, 6, 12\)",
        ),
        (
            {"instance_type": "ml.inf2.xlarge", "parameters_billion": 70},
            r"^instance_type ml.inf2.xlarge gives 32 GiB of accelerator memory; a 70B-parameter "
            r"model in bf16 needs 163.0 GiB",
        ),
        (
            {"families": ("inf2", "g5"), "parameters_billion": 8},
            r"^families g5 cannot run Neuron serving images",
        ),
        ({"parameters_billion": 405}, r"^parameters_billion: a 405B-parameter model"),
        ({}, r"^instance_type is required"),
    ],
)
def test_instance_mismatch_fails_at_synth_naming_the_property(props, message) -> None:
    families = props.pop("families", ("inf2",))
    instance_type = props.pop("instance_type", None)
    with pytest.raises(ValueError, match=message):
        InferenceModel(
            _stack(),
            "Llm",
            source=HuggingFaceNeuronModel(model_id=MODEL, **props),
            instance_type=instance_type,
            families=families,
        )


def test_gpu_only_image_on_inferentia2_fails_naming_the_image() -> None:
    gpu = (
        "763104351884.dkr.ecr.eu-west-3.amazonaws.com/huggingface-pytorch-tgi-inference:"
        "2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04"
    )
    with pytest.raises(
        ValueError,
        match=r"^image: .*gpu.* is a gpu image, but instance_type ml.inf2.xlarge needs a neuron image",
    ):
        InferenceModel(_stack(), "Llm", source=CustomImage(gpu), instance_type="ml.inf2.xlarge")


def test_region_not_publishing_the_image_fails_naming_it() -> None:
    with pytest.raises(
        ValueError,
        match=r"^source: image huggingface-vllm-inference-neuronx:\S+ is not published in "
        r"us-west-1; published in \(greenest first\): eu-west-3, ",
    ):
        _model(
            _stack(cdk.Environment(account="111111111111", region="us-west-1")),
            model_id=MODEL,
            parameters_billion=8,
        )


def test_compile_uncached_passes_a_bare_flag_to_the_vllm_server() -> None:
    model = _model(_stack(), model_id=MODEL, instance_type="ml.inf2.8xlarge", compile_uncached=True)
    assert model.container.environment["SM_ON_ALLOW_NON_CACHED_MODEL"] == ""
    assert model.container.model_dir_environment["SM_ON_ALLOW_NON_CACHED_MODEL"] == ""
    refusing = _model(_stack(), model_id=MODEL, instance_type="ml.inf2.8xlarge")
    assert "SM_ON_ALLOW_NON_CACHED_MODEL" not in refusing.container.environment


def test_compile_uncached_is_refused_for_tgi_naming_the_property() -> None:
    with pytest.raises(ValueError, match=r"^compile_uncached: the tgi Neuron image cannot compile"):
        HuggingFaceNeuronModel(model_id=MODEL, server="tgi", compile_uncached=True)
