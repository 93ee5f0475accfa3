"""How a training job spreads a model over NeuronCores: tensor, pipeline and data parallelism.

``DistributedConfig`` is what a user chooses; :meth:`DistributedConfig.resolve` checks it against
the instance type and node count (at synth) and returns :class:`DistributedSettings`, which the
training job passes to the Neuron Deep Learning Container as hyperparameters (read by the
training script, and ``sagemaker_torch_distributed_enabled``, which makes the container launch
the script with ``torchrun``: one process per NeuronCore on every node) and environment
variables (Neuron compiler flags; EFA settings when several nodes train together).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import props
from ..catalog import Catalog

DEFAULT_COMPILER_FLAGS = "--model-type=transformer --auto-cast=matmult --auto-cast-type=bf16"
"""neuronx-cc flags: transformer-tuned scheduling, matrix multiplications auto-cast to bf16."""
EFA_ENVIRONMENT = {
    "FI_PROVIDER": "efa",
    "FI_EFA_USE_DEVICE_RDMA": "1",
    "FI_EFA_FORK_SAFE": "1",
}
"""libfabric settings for collectives between nodes over EFA (Neuron multi-node training)."""
EFA_INSTANCE_TYPES = ("ml.trn1.32xlarge", "ml.trn1n.32xlarge", "ml.trn2.48xlarge")
"""Trainium types with EFA: the only ones that train on more than one node (the Neuron
collectives between nodes run over EFA; ``ml.trn1.2xlarge`` has none)."""
_LNC_ACCELERATORS = {"Trainium2": (2, (1, 2))}
"""Accelerators with logical NeuronCores: (default, allowed) physical cores per logical core."""


@dataclass(frozen=True)
class DistributedConfig:
    """Parallelism of a Neuron training job; the data parallel degree is derived.

    ``data parallel = nodes x NeuronCores per node / (tensor_parallel x pipeline_parallel)``.

    :param tensor_parallel: NeuronCores each layer is split over; must divide the NeuronCores
        of one node (tensor parallel groups stay within a node). Default: 1.
    :param pipeline_parallel: stages the layers are split into; ``tensor_parallel x
        pipeline_parallel`` must divide the NeuronCores of all nodes. Default: 1.
    :param microbatches: microbatches per step, at least ``pipeline_parallel`` so every stage
        has work. Default: 1.
    :param gradient_accumulation: steps whose gradients are summed before an update.
        Default: 1.
    :param logical_nc_config: physical NeuronCores per logical core on Trainium2 (1 or 2;
        ``NEURON_LOGICAL_NC_CONFIG``). Default: 2 on Trainium2; Trainium allows only 1.
    :param compiler_flags: ``NEURON_CC_FLAGS``. Default: :data:`DEFAULT_COMPILER_FLAGS`
        (bf16 auto-cast of matrix multiplications).
    """

    tensor_parallel: int = 1
    pipeline_parallel: int = 1
    microbatches: int = 1
    gradient_accumulation: int = 1
    logical_nc_config: int | None = None
    compiler_flags: str = DEFAULT_COMPILER_FLAGS

    def resolve(
        self, *, instance_type: str, instance_count: int, catalog: Catalog | None = None
    ) -> DistributedSettings:
        """Check the config against ``instance_count`` nodes of ``instance_type``.

        Several nodes need an instance type of :data:`EFA_INSTANCE_TYPES`: Neuron's collectives
        between nodes run over EFA only, so a job spread over nodes without it would fail once
        it starts. Raises ValueError naming the property that does not fit.
        """
        for name in (
            "tensor_parallel",
            "pipeline_parallel",
            "microbatches",
            "gradient_accumulation",
        ):
            _check_whole(name, getattr(self, name))
        _check_whole("instance_count", instance_count)
        if self.logical_nc_config is not None:
            _check_whole("logical_nc_config", self.logical_nc_config)
        if not isinstance(self.compiler_flags, str):
            raise TypeError(f"compiler_flags must be a string, got {self.compiler_flags!r}")
        if instance_count > 1 and instance_type not in EFA_INSTANCE_TYPES:
            raise ValueError(
                f"instance_count: {instance_type} has no EFA, which Neuron needs between nodes, "
                f"so it trains on 1 node only (got {instance_count}); for several nodes use "
                f"one of {', '.join(EFA_INSTANCE_TYPES)}"
            )
        catalog = catalog or Catalog.default()
        physical = catalog.neuron_cores(instance_type)
        if physical == 0:
            raise ValueError(f"instance_type: {instance_type} has no NeuronCores")
        lnc = self._logical_nc_config(catalog.instance(instance_type).accelerator, instance_type)
        per_node = physical // lnc
        total = per_node * instance_count
        tp, pp = self.tensor_parallel, self.pipeline_parallel
        if per_node % tp:
            raise ValueError(
                f"tensor_parallel ({tp}) must divide the {per_node} NeuronCores of one "
                f"{instance_type} node (allowed: {_divisors(per_node)})"
            )
        if total % (tp * pp):
            raise ValueError(
                f"pipeline_parallel: tensor_parallel x pipeline_parallel ({tp} x {pp}) must "
                f"divide the {total} NeuronCores of {instance_count} x {instance_type}"
            )
        if self.microbatches < pp:
            raise ValueError(
                f"microbatches ({self.microbatches}) must be at least pipeline_parallel ({pp}) "
                "so that every pipeline stage has work"
            )
        return DistributedSettings(
            instance_type=instance_type,
            nodes=instance_count,
            cores_per_node=per_node,
            logical_nc_config=lnc if _has_lnc(catalog, instance_type) else None,
            tensor_parallel=tp,
            pipeline_parallel=pp,
            data_parallel=total // (tp * pp),
            microbatches=self.microbatches,
            gradient_accumulation=self.gradient_accumulation,
            compiler_flags=self.compiler_flags,
        )

    def _logical_nc_config(self, accelerator: str | None, instance_type: str) -> int:
        default, allowed = _LNC_ACCELERATORS.get(accelerator or "", (1, (1,)))
        value = default if self.logical_nc_config is None else self.logical_nc_config
        if value not in allowed:
            raise ValueError(
                f"logical_nc_config: {value} is not supported on {instance_type} "
                f"(allowed: {', '.join(map(str, allowed))})"
            )
        return value


@dataclass(frozen=True)
class DistributedSettings:
    """A :class:`DistributedConfig` checked against the job's instances."""

    instance_type: str
    nodes: int
    cores_per_node: int
    logical_nc_config: int | None
    tensor_parallel: int
    pipeline_parallel: int
    data_parallel: int
    microbatches: int
    gradient_accumulation: int
    compiler_flags: str

    @property
    def world_size(self) -> int:
        """Processes in the job: one per (logical) NeuronCore on every node."""
        return self.cores_per_node * self.nodes

    def hyperparameters(self) -> dict[str, str]:
        """What the training script reads (``--name value`` arguments, named as optimum-neuron's
        ``NeuronTrainingArguments`` names them) and what makes the container launch it with
        ``torchrun --nproc_per_node <cores> --nnodes <nodes>``."""
        return {
            "sagemaker_torch_distributed_enabled": "true",
            "sagemaker_instance_type": self.instance_type,
            "nproc_per_node": str(self.cores_per_node),
            "nnodes": str(self.nodes),
            "tensor_parallel_size": str(self.tensor_parallel),
            "pipeline_parallel_size": str(self.pipeline_parallel),
            "data_parallel_size": str(self.data_parallel),
            "pipeline_parallel_num_microbatches": str(self.microbatches),
            "gradient_accumulation_steps": str(self.gradient_accumulation),
        }

    def environment(self) -> dict[str, str]:
        """Neuron compiler and runtime settings, and EFA settings on more than one node (which
        :meth:`DistributedConfig.resolve` allows only on :data:`EFA_INSTANCE_TYPES`)."""
        found = {"NEURON_CC_FLAGS": self.compiler_flags}
        if self.logical_nc_config is not None:
            found["NEURON_LOGICAL_NC_CONFIG"] = str(self.logical_nc_config)
        if self.nodes > 1:
            found.update(EFA_ENVIRONMENT)
        return found


MAX_API_INTEGER = 2**31 - 1
"""The largest ``Integer`` of the SageMaker API (a signed 32-bit number): the only bound its
reference documents for ``ResourceConfig.InstanceCount`` and ``VolumeSizeInGB`` ("Valid Range:
Minimum value of 0" and 1; API_ResourceConfig)."""


def _check_whole(name: str, value: object) -> None:
    """Fail naming ``name`` unless ``value`` is a whole number from 1 to
    :data:`MAX_API_INTEGER`; a token is refused: the parallel degrees and the launch settings
    (hyperparameters) are computed from it."""
    allowed = f"a whole number from 1 to {MAX_API_INTEGER}"
    if isinstance(value, float) and props.is_token(value):
        raise ValueError(
            f"{name} must be a concrete value, not a token: the parallel degrees and launch "
            "settings are computed from it at synth time"
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    if not 1 <= value <= MAX_API_INTEGER:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")


def _has_lnc(catalog: Catalog, instance_type: str) -> bool:
    return (catalog.instance(instance_type).accelerator or "") in _LNC_ACCELERATORS


def _divisors(value: int) -> str:
    return ", ".join(str(d) for d in range(1, value + 1) if value % d == 0)
