"""A Hugging Face model served on Inferentia2 or Trainium from a Neuron Deep Learning Container.

Two serving images, both built by Hugging Face with optimum-neuron and published in the Deep
Learning Containers registries:

- ``vllm`` (default): ``huggingface-vllm-inference-neuronx``. Its SageMaker entrypoint turns every
  ``SM_ON_<NAME>`` variable into ``optimum-cli neuron serve --<name>`` (``model``,
  ``tensor_parallel_size``, ``batch_size``, ``sequence_length``; an empty value gives a bare
  flag); options ``serve`` does not know, such as ``dtype``, go on to vLLM. ``serve`` refuses a
  model, instance, batch, sequence length and cores combination that has no entry in
  optimum-neuron's compile cache (Hugging Face's ``aws-neuron/optimum-neuron-cache``) unless
  given ``--allow_non_cached_model`` (``SM_ON_ALLOW_NON_CACHED_MODEL`` set to an empty value:
  a value would take the place of the ``serve`` argument SageMaker appends), which compiles the
  model at startup (optimum-neuron ``optimum/neuron/vllm/model_loader.py``,
  ``docker/vllm/Dockerfile``).
- ``tgi``: ``huggingface-pytorch-tgi-inference`` ``*-neuronx-*`` tags (Text Generation Inference
  with the Neuron backend), configured by ``HF_MODEL_ID``, ``HF_NUM_CORES``, ``HF_AUTO_CAST_TYPE``,
  ``MAX_BATCH_SIZE`` and ``MAX_TOTAL_TOKENS``.

Neither image quantizes at load time: serve a quantized model by exporting it with optimum-neuron
and passing the artifact (``model_bucket``/``model_key``). Neither reads a Hugging Face token from
Secrets Manager (only a plain ``HF_TOKEN`` variable, visible in the model's description), so gated
models are best exported to S3 as well.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct, IConstruct

from ..catalog import Catalog, family_of, right_sizing
from ..catalog.right_sizing import DEFAULT_KV_CACHE_HEADROOM, SizingDecision
from ..props import (
    instance,
    number_text,
    one_of,
    real_number,
    string_map,
    text,
    whole_number,
)
from .endpoint_scaling import positive_number
from .images import neuron_dlc_image
from .model_source import (
    ContainerConfig,
    ModelSource,
    check_bucket,
    concrete,
    copy_notes,
    detached_scope,
    grant_model_data_read,
)

MODEL_DIR = "/opt/ml/model"
HUB_MODEL_ID = re.compile(
    r"(?!.*(--|\.\.))[A-Za-z0-9]([A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?"
    r"(/[A-Za-z0-9]([A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?)?"
)
"""A Hugging Face Hub repo id, as huggingface_hub's ``validate_repo_id`` takes it: ``name`` or
``namespace/name``, letters, digits, '-', '_', '.', at most 96 characters a part, no '--' or
'..', not starting or ending with '-' or '.' (huggingface_hub ``utils/_validators.py``)."""
HUB_MODEL_ID_ALLOWED = (
    "a Hugging Face Hub model id like 'meta-llama/Llama-3.1-8B-Instruct' ([namespace/]name: "
    "letters, digits, '-', '_', '.', up to 96 characters a part, no '--' or '..', not "
    "starting or ending with '-' or '.')"
)
_SIZING = "it sizes the instance at synth"
_IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")  # Docker's tag grammar
_IMAGE_TAG_ALLOWED = "an image tag (letters, digits, '_', '.', '-', at most 128 characters)"
_ARCHIVE_KEY = re.compile(r"[^/].*\.tar\.gz")
_ARCHIVE_ALLOWED = "the S3 key of a .tar.gz archive (no leading '/')"
NEURON_FAMILIES = ("inf2", "trn1", "trn1n")
# Bounds this library accepts: Neuron compiles static shapes, so the batch and the sequence
# length fix the memory the KV cache takes; beyond these, export the model yourself.
MAX_BATCH_SIZE = 256
MAX_SEQUENCE_LENGTH = 32768
DTYPES = ("bf16", "fp16")
FULL_PRECISION = "fp32"
# Downloading, compiling (unless cached) and loading an LLM onto NeuronCores before the first
# health check passes takes minutes to most of an hour: SageMaker's maximum.
STARTUP_HEALTH_CHECK_TIMEOUT = cdk.Duration.hours(1)


@dataclass(frozen=True)
class NeuronServer:
    """A Neuron serving image and the names of the environment variables it reads."""

    repository: str
    tag: str
    model_variable: str
    cores_variable: str
    batch_variable: str
    length_variable: str
    dtype_variable: str
    dtype_names: Mapping[str, str]
    served_name_variable: str | None = None
    compile_variable: str | None = None
    quantizations: tuple[str, ...] = ()

    def environment(
        self, *, model: str, served_name: str, cores: int, batch: int, length: int, dtype: str
    ) -> dict[str, str]:
        """The container variables serving ``model`` with these compiled shapes."""
        env = {
            self.model_variable: model,
            self.cores_variable: number_text(cores),
            self.batch_variable: number_text(batch),
            self.length_variable: number_text(length),
            self.dtype_variable: self.dtype_names[dtype],
        }
        if self.served_name_variable and served_name != model:
            env[self.served_name_variable] = served_name
        return env


def _newest_image(image_table: str) -> tuple[str, str]:
    """Repository and tag of the newest version in one of the SDK's image tables."""
    image = Catalog.default().newest_dlc_image(image_table, "inference")
    return image.repository, image.tag


_VLLM_REPOSITORY, _VLLM_TAG = _newest_image("huggingface-vllm-neuronx")
_TGI_REPOSITORY, _TGI_TAG = _newest_image("huggingface-llm-neuronx")

SERVERS: Mapping[str, NeuronServer] = {
    # Image: the newest huggingface-vllm-neuronx version of the SageMaker SDK's image tables
    # (catalog/data/dlc_images.csv). Variables: optimum-neuron docker/vllm/entrypoint.sh
    # (SM_ON_* -> serve options).
    "vllm": NeuronServer(
        repository=_VLLM_REPOSITORY,
        tag=_VLLM_TAG,
        model_variable="SM_ON_MODEL",
        cores_variable="SM_ON_TENSOR_PARALLEL_SIZE",
        batch_variable="SM_ON_BATCH_SIZE",
        length_variable="SM_ON_SEQUENCE_LENGTH",
        dtype_variable="SM_ON_DTYPE",
        dtype_names={"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"},
        served_name_variable="SM_ON_SERVED_MODEL_NAME",
        compile_variable="SM_ON_ALLOW_NON_CACHED_MODEL",
    ),
    # Image: the newest huggingface-llm-neuronx version of the SDK's image tables (TGI with the
    # Neuron backend). Variables: optimum-neuron text-generation-inference/sagemaker-entrypoint.sh
    # and TGI backends/neuron/tgi_env.py.
    "tgi": NeuronServer(
        repository=_TGI_REPOSITORY,
        tag=_TGI_TAG,
        model_variable="HF_MODEL_ID",
        cores_variable="HF_NUM_CORES",
        batch_variable="MAX_BATCH_SIZE",
        length_variable="MAX_TOTAL_TOKENS",
        dtype_variable="HF_AUTO_CAST_TYPE",
        dtype_names={"bf16": "bf16", "fp16": "fp16", "fp32": "fp32"},
    ),
}


class HuggingFaceNeuronModel(ModelSource):
    """A Hugging Face Hub model (or an optimum-neuron export in S3) on Inferentia2 or Trainium.

    :param model_id: the Hub model ID, e.g. ``meta-llama/Llama-3.1-8B-Instruct``.
    :param server: ``vllm`` (huggingface-vllm-inference-neuronx) or ``tgi``
        (huggingface-pytorch-tgi-inference neuronx). Default: ``vllm``.
    :param parameters_billion: model size, for right-sizing. Default: None (then
        ``InferenceModel`` needs an ``instance_type``).
    :param dtype: ``bf16`` or ``fp16``; ``fp32`` only with ``allow_fp32``. Default: ``bf16``.
    :param allow_fp32: accept ``dtype="fp32"`` (twice the memory and energy). Default: False.
    :param tensor_parallel_degree: NeuronCores to shard the model over; must divide the
        instance's NeuronCores. Default: all NeuronCores of the instance.
    :param batch_size: sequences served at once (the compiled batch), 1..256. Default: 4.
    :param max_sequence_length: input plus output tokens per sequence (the compiled length),
        2..32768. Default: 4096.
    :param quantization: load-time quantization. Default: None; neither image supports one,
        so any other value fails (export a quantized model to S3 instead).
    :param kv_cache_headroom: memory for the KV cache and activations, as a fraction of the
        weights, in right-sizing and the memory check. Default: 0.25.
    :param image_tag: serving image tag. Default: the tag listed in ``SERVERS`` for ``server``.
    :param model_bucket: bucket holding an optimum-neuron export as ``model_key`` (a
        ``.tar.gz``); the container then serves it from /opt/ml/model. Default: None (the Hub).
    :param model_key: key of the export in ``model_bucket``. Default: None.
    :param environment: extra container variables (e.g. ``MESSAGES_API_ENABLED`` for TGI); may
        not override the variables set from the properties above. Default: none.
    :param compile_uncached: let the server compile a configuration that is not in
        optimum-neuron's compile cache instead of refusing to start (vLLM only: the TGI image
        cannot). Every new instance then compiles before it serves (minutes to most of an
        hour, within the startup health check's hour): for a model served often, export it
        once with optimum-neuron and pass ``model_bucket``/``model_key``. A configuration that
        is cached still loads from the cache. Default: False.

    Endpoints serving it give the container an hour (SageMaker's maximum) to pass its first
    health check unless told otherwise (``container_startup_health_check_timeout``). Without
    ``model_bucket``/``model_key`` the weights come from the Hub, so the model cannot run with
    ``network_isolation``.
    """

    server: NeuronServer
    """The serving image and the environment variables it reads."""
    image_tag: str
    """The serving image's tag."""
    environment: dict[str, str]
    """Extra container variables (besides those set from the properties)."""

    def __init__(
        self,
        *,
        model_id: str,
        server: str = "vllm",
        parameters_billion: float | None = None,
        dtype: str = "bf16",
        allow_fp32: bool = False,
        tensor_parallel_degree: int | None = None,
        batch_size: int = 4,
        max_sequence_length: int = 4096,
        quantization: str | None = None,
        kv_cache_headroom: float = DEFAULT_KV_CACHE_HEADROOM,
        image_tag: str | None = None,
        model_bucket: s3.IBucket | None = None,
        model_key: str | None = None,
        environment: Mapping[str, str] | None = None,
        compile_uncached: bool = False,
    ) -> None:
        self._notes = detached_scope()
        _check_props(
            self._notes,
            model_id=model_id,
            server=server,
            parameters_billion=parameters_billion,
            dtype=dtype,
            allow_fp32=allow_fp32,
            tensor_parallel_degree=tensor_parallel_degree,
            batch_size=batch_size,
            max_sequence_length=max_sequence_length,
            quantization=quantization,
            kv_cache_headroom=kv_cache_headroom,
            image_tag=image_tag,
            model_bucket=model_bucket,
            model_key=model_key,
            environment=environment,
            compile_uncached=compile_uncached,
        )
        self.server = SERVERS[server]
        if compile_uncached and self.server.compile_variable is None:
            raise ValueError(
                f"compile_uncached: the {server} Neuron image cannot compile a configuration "
                "missing from the compile cache; use server='vllm' or export the model with "
                "optimum-neuron and pass model_bucket and model_key"
            )
        self.compile_uncached = compile_uncached
        if quantization is not None and quantization not in self.server.quantizations:
            allowed = ", ".join(self.server.quantizations) or "none"
            raise ValueError(
                f"quantization {quantization!r} is not supported by the {server} Neuron image "
                f"(allowed: {allowed}); export a quantized model with optimum-neuron and pass "
                "model_bucket and model_key"
            )
        if (model_bucket is None) != (model_key is None):
            raise ValueError("model_bucket and model_key go together: give both or neither")
        self.model_id = model_id
        self.server_name = server
        self.parameters_billion = parameters_billion
        self.dtype = dtype
        self.tensor_parallel_degree = tensor_parallel_degree
        self.batch_size = batch_size
        self.max_sequence_length = max_sequence_length
        self.quantization = quantization
        self.kv_cache_headroom = kv_cache_headroom
        self.image_tag = image_tag or self.server.tag
        self.model_bucket = model_bucket
        self.model_key = model_key
        self.environment = dict(environment or {})
        overridden = sorted(set(self.environment) & set(self._environment(cores=1)))
        if overridden:
            raise ValueError(
                f"environment may not set {', '.join(overridden)}: they come from model_id, "
                "tensor_parallel_degree, batch_size, max_sequence_length and dtype"
            )

    def right_size(self, *, families: tuple[str, ...]) -> SizingDecision | None:
        """The smallest instance of ``families`` holding the model, or None without a size."""
        _check_families(families)
        if self.parameters_billion is None:
            return None
        return right_sizing.right_size(
            parameters_billion=self.parameters_billion,
            dtype=self.dtype,
            families=families,
            kv_cache_headroom=self.kv_cache_headroom,
            tensor_parallel_degree=self.tensor_parallel_degree,
        )

    @property
    def network_requirement(self) -> str | None:
        """Why the container needs the network (the Hub download), None with an S3 export."""
        if self.model_key is not None:
            return None
        return (
            f"model_id {self.model_id!r} is downloaded from the Hugging Face Hub at startup; "
            "pass model_bucket and model_key (an optimum-neuron export in S3) to serve it "
            "without network access"
        )

    def bind(self, scope: Construct, *, instance_type: str, role: iam.IRole) -> ContainerConfig:
        """Check the model fits ``instance_type``, let ``role`` pull the image and weights, and
        return the container serving it."""
        copy_notes(self._notes, scope)
        cores = self._check_instance(instance_type)
        image = neuron_dlc_image(
            scope, repository=self.server.repository, tag=self.image_tag, property_name="source"
        )
        image.grant_pull(role)
        model_data_url = None
        if self.model_bucket is not None and self.model_key is not None:
            grant_model_data_read(role, self.model_bucket, self.model_key)
            model_data_url = self.model_bucket.s3_url_for_object(self.model_key)
        return ContainerConfig(
            image=image.uri,
            environment={**self.environment, **self._environment(cores=cores)},
            model_data_url=model_data_url,
            startup_health_check_timeout=STARTUP_HEALTH_CHECK_TIMEOUT,
            model_dir_environment={
                **self.environment,
                **self._environment(cores=cores, from_model_dir=True),
            },
        )

    def _environment(self, *, cores: int, from_model_dir: bool = False) -> dict[str, str]:
        env = self.server.environment(
            model=MODEL_DIR if self.model_key or from_model_dir else self.model_id,
            served_name=self.model_id,
            cores=cores,
            batch=self.batch_size,
            length=self.max_sequence_length,
            dtype=self.dtype,
        )
        if self.compile_uncached and self.server.compile_variable is not None:
            env[self.server.compile_variable] = ""  # a bare --allow_non_cached_model flag
        return env

    def _check_instance(self, instance_type: str) -> int:
        """Tensor parallel degree on ``instance_type``; ValueError naming what does not fit."""
        if family_of(instance_type) not in NEURON_FAMILIES:
            raise ValueError(
                f"instance_type: {instance_type} cannot run the {self.server_name} Neuron image; "
                f"allowed families: {', '.join(NEURON_FAMILIES)}"
            )
        catalog = Catalog.default()
        cores = catalog.neuron_cores(instance_type)
        degree = self.tensor_parallel_degree or cores
        if degree > cores or cores % degree:
            divisors = ", ".join(str(d) for d in range(1, cores + 1) if cores % d == 0)
            raise ValueError(
                f"tensor_parallel_degree {degree} does not fit instance_type {instance_type}, "
                f"which has {cores} NeuronCores; use one that divides {cores} ({divisors})"
            )
        if self.parameters_billion is not None:
            memory = catalog.instance(instance_type).accelerator_memory_gib or 0
            available = memory * degree / cores
            needed = right_sizing.required_gib(
                self.parameters_billion, self.dtype, self.kv_cache_headroom
            )
            if available < needed:
                what = (
                    f"instance_type {instance_type}"
                    if self.tensor_parallel_degree is None
                    else f"tensor_parallel_degree {degree} on {instance_type}"
                )
                raise ValueError(
                    f"{what} gives {available:g} GiB of accelerator memory; a "
                    f"{self.parameters_billion:g}B-parameter model in {self.dtype} needs "
                    f"{needed:.1f} GiB with {self.kv_cache_headroom:.0%} KV-cache headroom"
                )
            host = catalog.instance(instance_type).memory_gib
            host_needed = right_sizing.required_host_gib(self.parameters_billion, self.dtype)
            if host < host_needed:
                raise ValueError(
                    f"instance_type {instance_type} has {host:g} GiB of host memory; loading a "
                    f"{self.parameters_billion:g}B-parameter model in {self.dtype} needs "
                    f"{host_needed:.1f} GiB (the weights plus "
                    f"{right_sizing.HOST_OVERHEAD_GIB:g} GiB for the OS, runtime and server): "
                    "choose a larger instance"
                )
        return degree


def _check_props(
    notes: IConstruct,
    *,
    model_id: object,
    server: object,
    parameters_billion: object,
    dtype: object,
    allow_fp32: bool,
    tensor_parallel_degree: object,
    batch_size: object,
    max_sequence_length: object,
    quantization: object,
    kv_cache_headroom: object,
    image_tag: object,
    model_bucket: object,
    model_key: object,
    environment: object,
    compile_uncached: object,
) -> None:
    """Each prop's kind and value (ValueError or TypeError naming it); tokens noted on
    ``notes``."""
    text(notes, "model_id", model_id, pattern=HUB_MODEL_ID, allowed=HUB_MODEL_ID_ALLOWED)
    concrete("server", server, "it chooses the serving image at synth")
    one_of(notes, "server", server, tuple(SERVERS))
    instance("allow_fp32", allow_fp32, bool, "True or False")
    _check_dtype(dtype, allow_fp32)
    if parameters_billion is not None:
        concrete("parameters_billion", parameters_billion, _SIZING)
        positive_number(notes, "parameters_billion", parameters_billion, unit="billion")
    if tensor_parallel_degree is not None:
        concrete("tensor_parallel_degree", tensor_parallel_degree, _SIZING)
        whole_number(notes, "tensor_parallel_degree", tensor_parallel_degree, minimum=1)
    whole_number(notes, "batch_size", batch_size, minimum=1, maximum=MAX_BATCH_SIZE)
    whole_number(
        notes,
        "max_sequence_length",
        max_sequence_length,
        minimum=2,
        maximum=MAX_SEQUENCE_LENGTH,
        unit="tokens",
    )
    concrete("kv_cache_headroom", kv_cache_headroom, _SIZING)
    real_number(
        notes, "kv_cache_headroom", kv_cache_headroom, minimum=0, unit="(fraction of weights)"
    )
    instance("compile_uncached", compile_uncached, bool, "True or False")
    if image_tag is not None:
        text(notes, "image_tag", image_tag, pattern=_IMAGE_TAG, allowed=_IMAGE_TAG_ALLOWED)
    if model_bucket is not None:
        check_bucket("model_bucket", model_bucket)
    if quantization is not None:
        text(notes, "quantization", quantization)
    if model_key is not None:
        text(notes, "model_key", model_key, pattern=_ARCHIVE_KEY, allowed=_ARCHIVE_ALLOWED)
    if environment is not None:
        string_map("environment", environment)


def _check_dtype(dtype: object, allow_fp32: bool) -> None:
    allowed_dtypes = DTYPES + ((FULL_PRECISION,) if allow_fp32 else ())
    if not isinstance(dtype, str):
        raise TypeError(f"dtype must be one of {', '.join(allowed_dtypes)}, got {dtype!r}")
    if dtype not in allowed_dtypes:
        hint = " (fp32 needs allow_fp32=True)" if dtype == FULL_PRECISION else ""
        raise ValueError(f"dtype must be one of {', '.join(allowed_dtypes)}, got {dtype!r}{hint}")


def _check_families(families: Sequence[str]) -> None:
    unsupported = [f for f in families if f not in NEURON_FAMILIES]
    if unsupported:
        raise ValueError(
            f"families {', '.join(unsupported)} cannot run Neuron serving images; "
            f"allowed families: {', '.join(NEURON_FAMILIES)}"
        )
