"""Every inference prop is checked at the boundary: a TypeError for a value of the wrong kind,
a ValueError for a wrong value, each naming the prop and what it allows (regressions of an
adversarial run that met raw errors from deep inside constructs, or silent acceptance)."""

from __future__ import annotations

import json
import math

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from green_constructs.inference import (
    AsyncInferenceEndpoint,
    BatchTransformPipeline,
    CustomImage,
    HuggingFaceNeuronModel,
    InferenceModel,
    RealtimeEndpoint,
    S3ModelArtifact,
)
from green_constructs.inference.endpoint_scaling import has_instance_storage
from green_constructs.inference.model_update import EndpointModelUpdate
from green_constructs.props import UNCHECKED

ENV = cdk.Environment(account="111111111111", region="us-east-1")
NEURON_IMAGE = (
    "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:"
    "2.1.2-optimum0.0.28-neuronx-py310-ubuntu22.04"
)
GPU_IMAGE = (
    "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:"
    "2.1.0-transformers4.37.0-gpu-py310-cu118-ubuntu20.04"
)
MODEL = "meta-llama/Llama-3.1-8B-Instruct"


def _stack() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "S", env=ENV)


def _endpoint(construct, **props):
    props.setdefault("source", CustomImage(NEURON_IMAGE))
    props.setdefault("instance_type", "ml.inf2.xlarge")
    return construct(_stack(), "E", **props)


@pytest.mark.parametrize("construct", [AsyncInferenceEndpoint, RealtimeEndpoint])
@pytest.mark.parametrize(
    ("props", "error", "message"),
    [
        ({"scale_in_cooldown": 600}, TypeError, r"^scale_in_cooldown must be a cdk.Duration"),
        ({"max_capacity": 10**12}, ValueError, r"^max_capacity must be .* to 2147483647"),
        ({"max_capacity": "4"}, TypeError, r"^max_capacity must be a whole number"),
        ({"variant_name": 7}, TypeError, r"^variant_name must be 1 to 63 letters"),
        ({"volume_size_gb": 100.5}, ValueError, r"^volume_size_gb must be a whole number"),
        (
            {
                "volume_size_gb": 100,
                "instance_type": "ml.g5.xlarge",
                "source": CustomImage(GPU_IMAGE),
            },
            ValueError,
            r"^volume_size_gb is not supported on ml.g5.xlarge: .* NVMe instance storage",
        ),
        (
            {
                "volume_size_gb": 100,
                "instance_type": "ml.g6.xlarge",
                "source": CustomImage(GPU_IMAGE),
            },
            ValueError,
            r"^volume_size_gb is not supported on ml.g6.xlarge",
        ),
        (
            {"volume_size_gb": 100, "instance_type": "ml.trn1.2xlarge"},
            ValueError,
            r"^volume_size_gb is not supported on ml.trn1.2xlarge",
        ),
        (
            {"container_startup_health_check_timeout": 600},
            TypeError,
            r"^container_startup_health_check_timeout must be a cdk.Duration",
        ),
        ({"source": None}, TypeError, r"^source must be a ModelSource"),
        (
            {"alarm_topic": "arn:aws:sns:us-east-1:1:t"},
            TypeError,
            r"^alarm_topic must be an sns.ITopic",
        ),
        ({"volume_key": "alias/k"}, TypeError, r"^volume_key must be a kms.IKey"),
        ({"families": "inf2", "instance_type": None}, TypeError, r"^families must be"),
    ],
)
def test_endpoint_prop_fails_naming_it(construct, props, error, message) -> None:
    if construct is AsyncInferenceEndpoint and props.get("source", 1) is None:
        props = {**props, "source": "not a source"}
    with pytest.raises(error, match=message):
        _endpoint(construct, **props)


def test_inference_model_without_a_source_fails_naming_it() -> None:
    with pytest.raises(TypeError, match=r"^source must be a ModelSource \(HuggingFaceNeuronModel"):
        InferenceModel(_stack(), "M", source=None, instance_type="ml.inf2.xlarge")  # type: ignore[arg-type]


def test_async_endpoint_model_must_be_an_inference_model() -> None:
    with pytest.raises(TypeError, match=r"^model must be an InferenceModel"):
        AsyncInferenceEndpoint(_stack(), "E", model="my-model")  # type: ignore[arg-type]


def test_volume_size_is_accepted_on_ebs_instances() -> None:
    endpoint = _endpoint(RealtimeEndpoint, volume_size_gb=100)
    assert endpoint.cfn_endpoint_config.production_variants[0].volume_size_in_gb == 100


@pytest.mark.parametrize(
    ("props", "error", "message"),
    [
        ({"model_id": 123}, TypeError, r"^model_id must be a Hugging Face Hub model id"),
        ({"model_id": "meta llama/x"}, ValueError, r"^model_id must be a Hugging Face Hub"),
        ({"model_id": "meta-llama/x\nrm"}, ValueError, r"^model_id must be a Hugging Face Hub"),
        ({"model_id": "a/b; rm -rf /"}, ValueError, r"^model_id must be a Hugging Face Hub"),
        ({"model_id": "$(curl x)"}, ValueError, r"^model_id must be a Hugging Face Hub"),
        ({"model_id": "a/b/c"}, ValueError, r"^model_id must be"),
        ({"model_id": "a--b"}, ValueError, r"^model_id must be"),
        ({"model_id": "x" * 97}, ValueError, r"^model_id must be .* up to 96 characters"),
        (
            {"parameters_billion": "7"},
            TypeError,
            r"^parameters_billion must be a finite number > 0",
        ),
        ({"parameters_billion": math.nan}, ValueError, r"^parameters_billion must be a finite"),
        (
            {"kv_cache_headroom": math.nan},
            ValueError,
            r"^kv_cache_headroom must be a finite number >= 0",
        ),
        ({"kv_cache_headroom": "0.2"}, TypeError, r"^kv_cache_headroom must be a finite number"),
        (
            {"max_sequence_length": 4096.5},
            ValueError,
            r"^max_sequence_length must be a whole number from 2 to 32768",
        ),
        ({"batch_size": "4"}, TypeError, r"^batch_size must be a whole number"),
        (
            {"environment": {"X": 1}},
            TypeError,
            r"^environment must be a dict of non-empty string keys to strings",
        ),
        ({"dtype": 16}, TypeError, r"^dtype must be one of bf16, fp16"),
        ({"allow_fp32": "yes"}, TypeError, r"^allow_fp32 must be True or False"),
        ({"image_tag": ""}, ValueError, r"^image_tag must be an image tag"),
        ({"quantization": ""}, ValueError, r"^quantization must be a non-empty string"),
        (
            {"model_key": "", "model_bucket": None},
            ValueError,
            r"^model_key must be the S3 key of a .tar.gz",
        ),
        (
            {"model_key": "m.tar.gz", "model_bucket": "bucket"},
            TypeError,
            r"^model_bucket must be an s3.IBucket",
        ),
    ],
)
def test_hugging_face_prop_fails_naming_it(props, error, message) -> None:
    with pytest.raises(error, match=message):
        HuggingFaceNeuronModel(**{"model_id": MODEL, **props})


@pytest.mark.parametrize("model_id", ["gpt2", "meta-llama/Llama-3.1-8B-Instruct", "a_b/c.d-e_"])
def test_hub_model_ids_are_accepted(model_id) -> None:
    assert HuggingFaceNeuronModel(model_id=model_id).model_id == model_id


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: CustomImage(""), ValueError, r"^image must be a container image URI"),
        (lambda: CustomImage(None), TypeError, r"^image must be a container image URI"),
        (
            lambda: CustomImage(NEURON_IMAGE, environment={"X": 1}),
            TypeError,
            r"^environment must be",
        ),
        (
            lambda: CustomImage(NEURON_IMAGE, accelerator="tpu"),
            ValueError,
            r"^accelerator must be one of 'neuron'",
        ),
        (
            lambda: CustomImage(NEURON_IMAGE, model_data_url="my-bucket/m"),
            ValueError,
            r"^model_data_url must be an S3 URL",
        ),
        (
            lambda: S3ModelArtifact(_bucket(), "", image=NEURON_IMAGE),
            ValueError,
            r"^key must be the non-empty S3 key",
        ),
        (
            lambda: S3ModelArtifact(_bucket(), "/m.tar.gz", image=NEURON_IMAGE),
            ValueError,
            r"^key must be",
        ),
        (
            lambda: S3ModelArtifact("my-bucket", "m.tar.gz", image=NEURON_IMAGE),
            TypeError,
            r"^bucket must be an s3.IBucket",
        ),
    ],
)
def test_model_source_prop_fails_naming_it(make, error, message) -> None:
    with pytest.raises(error, match=message):
        make()


def _bucket() -> s3.IBucket:
    return s3.Bucket.from_bucket_name(_stack(), "B", "my-models")


@pytest.mark.parametrize(
    ("props", "error", "message"),
    [
        (
            {"capacity_retry_wait": cdk.Duration.millis(500)},
            ValueError,
            r"^capacity_retry_wait must be a cdk.Duration of whole seconds",
        ),
        ({"capacity_retry_wait": 300}, TypeError, r"^capacity_retry_wait must be a cdk.Duration"),
        ({"job_timeout": 3600}, TypeError, r"^job_timeout must be a cdk.Duration"),
        ({"invocation_timeout": 60}, TypeError, r"^invocation_timeout must be a cdk.Duration"),
        (
            {"content_type": ""},
            ValueError,
            r"^content_type must be a MIME type like 'application/jsonlines'",
        ),
        ({"content_type": "jsonlines"}, ValueError, r"^content_type must be a MIME type"),
        ({"accept": ""}, ValueError, r"^accept must be a MIME type"),
        ({"instance_count": 1.5}, ValueError, r"^instance_count must be a whole number >= 1"),
        (
            {"max_payload_mb": "6"},
            TypeError,
            r"^max_payload_mb must be a whole number from 0 to 100",
        ),
        ({"input_prefix": 5}, TypeError, r"^input_prefix must be a relative S3 key prefix"),
        ({"network_isolation": "no"}, TypeError, r"^network_isolation must be True or False"),
        ({"bucket": "my-bucket"}, TypeError, r"^bucket must be a SustainableBucket .*, got str"),
        ({"batch_strategy": "SingleRecord"}, TypeError, r"^batch_strategy must be a BatchStrategy"),
        ({"log_retention": 30}, TypeError, r"^log_retention must be a RetentionDays member"),
    ],
)
def test_batch_transform_prop_fails_naming_it(props, error, message) -> None:
    with pytest.raises(error, match=message):
        _endpoint(BatchTransformPipeline, **props)


@pytest.mark.parametrize(
    ("family", "has_storage"),
    [
        ("m5d", True),
        ("g4dn", True),
        ("c6gd", True),
        ("p4de", True),
        ("g5", True),
        ("trn1", True),
        ("inf2", False),
        ("g5g", False),
        ("m7i", False),
        ("c7g", False),
    ],
)
def test_instance_storage_families(family, has_storage) -> None:
    assert has_instance_storage(family) is has_storage


def _update(**props) -> EndpointModelUpdate:
    stack = _stack()
    endpoint = RealtimeEndpoint(
        stack, "E", source=CustomImage(NEURON_IMAGE), instance_type="ml.inf2.xlarge"
    )
    props = {
        "endpoint": endpoint,
        "model_data_path": "$.training.ModelArtifacts.S3ModelArtifacts",
        "model_data_bucket": s3.Bucket(stack, "Weights"),
        **props,
    }
    return EndpointModelUpdate(stack, "Serve", **props)


@pytest.mark.parametrize(
    ("props", "error", "message"),
    [
        ({"endpoint": "my-endpoint"}, TypeError, r"^endpoint must be an AsyncInferenceEndpoint"),
        (
            {"model_data_path": "training.Model"},
            ValueError,
            r"^model_data_path must be a JSON path",
        ),
        ({"model_data_path": 3}, TypeError, r"^model_data_path must be a JSON path"),
        ({"model_data_bucket": "b"}, TypeError, r"^model_data_bucket must be an s3.IBucket"),
        ({"model_data_prefix": "/x/"}, ValueError, r"^model_data_prefix must be an S3 key prefix"),
        ({"compressed": "yes"}, TypeError, r"^compressed must be True or False"),
    ],
)
def test_model_update_prop_fails_naming_it(props, error, message) -> None:
    with pytest.raises(error, match=message):
        _update(**props)


def test_model_update_prefix_token_reaches_the_role_policy() -> None:
    update = _update()
    stack = cdk.Stack.of(update)
    prefix = cdk.CfnParameter(stack, "ModelDataPrefix", type="String").value_as_string
    second = EndpointModelUpdate(
        stack,
        "Again",
        endpoint=update.node.scope.node.find_child("E"),
        model_data_path="$.weights",
        model_data_bucket=s3.Bucket(stack, "More"),
        model_data_prefix=prefix,
    )
    policies = json.dumps(Template.from_stack(stack).find_resources("AWS::IAM::Policy"))
    assert json.dumps({"Ref": "ModelDataPrefix"}) in policies
    notes = [entry.data for entry in second.node.metadata if entry.type == UNCHECKED]
    assert any(str(note).startswith("model_data_prefix is a token") for note in notes)


@pytest.mark.parametrize(
    "prop", ["parameters_billion", "tensor_parallel_degree", "kv_cache_headroom", "server"]
)
def test_hugging_face_props_used_at_synth_take_no_token(prop) -> None:
    stack = _stack()
    token = (
        cdk.CfnParameter(stack, "P", type="String").value_as_string
        if prop == "server"
        else cdk.CfnParameter(stack, "P", type="Number").value_as_number
    )
    with pytest.raises(ValueError, match=rf"^{prop} must be a concrete value \(it "):
        HuggingFaceNeuronModel(model_id=MODEL, **{prop: token})


def test_instance_type_takes_no_token() -> None:
    stack = _stack()
    token = cdk.CfnParameter(stack, "P", type="String").value_as_string
    with pytest.raises(ValueError, match=r"^instance_type must be a concrete value"):
        InferenceModel(stack, "M", source=CustomImage(NEURON_IMAGE), instance_type=token)
