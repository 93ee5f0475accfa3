"""Right-sizing: the smallest instance whose accelerator memory holds a model and its KV cache,
and whose host memory holds the weights while they load."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .catalog import Catalog
from .records import InstanceType

BYTES_PER_PARAMETER = {"fp32": 4.0, "bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5}
DEFAULT_KV_CACHE_HEADROOM = 0.25
HOST_OVERHEAD_GIB = 4.0
"""Host memory beyond one copy of the weights: the OS, the Neuron runtime and the model server.
Neuron serving images read the weights into host memory before placing them on the
NeuronCores, so a Neuron instance whose host memory is smaller than the weights plus this runs
out of memory while loading (an assumption, not a published figure: override with
``host_overhead_gib``). GPU instances are not checked: GPU servers stream the weights."""
RIGHT_SIZING_METADATA = "green-constructs:right-sizing"
"""Template metadata key of the ``AWS::SageMaker::Model`` recording the decision."""


@dataclass(frozen=True)
class SizingDecision:
    """The chosen instance and why (recorded in the template's metadata)."""

    instance_type: str
    neuron_cores: int
    tensor_parallel_degree: int
    required_gib: float
    available_gib: float
    required_host_gib: float
    host_memory_gib: float
    reason: str

    def to_metadata(self) -> dict[str, Any]:
        """The decision as the template metadata records it (field name to value)."""
        return asdict(self)


def weights_gib(parameters_billion: float, dtype: str) -> float:
    """GiB of accelerator memory the weights take: parameters x bytes per parameter / 2**30."""
    if dtype not in BYTES_PER_PARAMETER:
        raise ValueError(f"dtype must be one of {', '.join(BYTES_PER_PARAMETER)}, got {dtype!r}")
    if parameters_billion <= 0:
        raise ValueError(f"parameters_billion must be positive, got {parameters_billion}")
    return parameters_billion * 1e9 * BYTES_PER_PARAMETER[dtype] / 2**30


def required_gib(
    parameters_billion: float, dtype: str, kv_cache_headroom: float = DEFAULT_KV_CACHE_HEADROOM
) -> float:
    """Weights plus ``kv_cache_headroom`` (a fraction of them) for the KV cache and activations."""
    if kv_cache_headroom < 0:
        raise ValueError(f"kv_cache_headroom must be >= 0, got {kv_cache_headroom}")
    return weights_gib(parameters_billion, dtype) * (1 + kv_cache_headroom)


def required_host_gib(
    parameters_billion: float, dtype: str, host_overhead_gib: float = HOST_OVERHEAD_GIB
) -> float:
    """Host memory loading the model takes: one copy of the weights plus the overhead."""
    return weights_gib(parameters_billion, dtype) + host_overhead_gib


def right_size(
    *,
    parameters_billion: float,
    dtype: str,
    families: Sequence[str] = ("inf2",),
    kv_cache_headroom: float = DEFAULT_KV_CACHE_HEADROOM,
    tensor_parallel_degree: int | None = None,
    host_overhead_gib: float = HOST_OVERHEAD_GIB,
    catalog: Catalog | None = None,
) -> SizingDecision:
    """Smallest instance of ``families`` (by accelerator memory, then price) that holds
    ``parameters_billion`` parameters in ``dtype`` plus ``kv_cache_headroom`` of that for the
    KV cache and activations, and whose host memory holds the weights plus
    ``host_overhead_gib`` while they load. Raises ValueError naming the property when nothing
    fits.

    The model is sharded over ``tensor_parallel_degree`` NeuronCores (GPUs on GPU instances),
    which must divide the instance's cores, as the Neuron serving images require; it then gets
    that share of the accelerator memory. Default: every core of the instance.
    """
    required = required_gib(parameters_billion, dtype, kv_cache_headroom)
    weights = weights_gib(parameters_billion, dtype)
    if tensor_parallel_degree is not None and tensor_parallel_degree < 1:
        raise ValueError(f"tensor_parallel_degree must be >= 1, got {tensor_parallel_degree}")
    catalog = catalog or Catalog.default()
    shards = [
        shard
        for i in catalog.instances()
        if i.family in families
        and (shard := _shard(i, catalog, tensor_parallel_degree)) is not None
    ]
    if not shards:
        raise ValueError(_no_shard(families, tensor_parallel_degree, catalog))
    host = required_host_gib(parameters_billion, dtype, host_overhead_gib)
    fitting = sorted(
        (s for s in shards if s.available_gib >= required and _loads(s, host)),
        key=_smallest_first,
    )
    degree = tensor_parallel_degree
    sharding = f" with tensor_parallel_degree {degree}" if degree else ""
    if not fitting:
        largest = max(shards, key=lambda s: s.available_gib)
        raise ValueError(
            f"parameters_billion: a {parameters_billion:g}B-parameter model in {dtype} needs "
            f"{required:.1f} GiB of accelerator memory with {kv_cache_headroom:.0%} KV-cache "
            f"headroom and {host:.1f} GiB of host memory to load, more than any instance of "
            f"families {', '.join(families)} ({largest.instance.name} gives "
            f"{largest.available_gib:g} GiB{sharding} and {largest.instance.memory_gib:g} GiB of "
            "host memory); quantize it, choose a smaller model or allow a larger family"
        )
    chosen = fitting[0]
    return SizingDecision(
        instance_type=chosen.instance.name,
        neuron_cores=chosen.neuron_cores,
        tensor_parallel_degree=chosen.degree,
        required_gib=round(required, 2),
        available_gib=chosen.available_gib,
        required_host_gib=round(host, 2),
        host_memory_gib=chosen.instance.memory_gib,
        reason=(
            f"{parameters_billion:g}B parameters in {dtype} = {weights:.1f} GiB of weights "
            f"+ {kv_cache_headroom:.0%} KV-cache headroom = {required:.1f} GiB; "
            f"{chosen.instance.name} is the smallest of {', '.join(families)} with enough "
            f"accelerator memory ({chosen.available_gib:g} GiB{sharding}) and host memory to "
            f"load the weights ({chosen.instance.memory_gib:g} GiB >= {host:.1f} GiB)"
        ),
    )


@dataclass(frozen=True)
class _Shard:
    instance: InstanceType
    neuron_cores: int
    degree: int
    available_gib: float


def _loads(shard: _Shard, host_gib: float) -> bool:
    """Whether the host can load the weights: Neuron serving reads them into host memory
    before placing them on the NeuronCores (GPU servers stream safetensors to the GPUs)."""
    return not shard.neuron_cores or shard.instance.memory_gib >= host_gib


def _smallest_first(shard: _Shard) -> tuple:
    instance = shard.instance
    return (instance.accelerator_memory_gib, instance.usd_per_hour or float("inf"), instance.vcpu)


def _shard(instance: InstanceType, catalog: Catalog, degree: int | None) -> _Shard | None:
    """The memory a model sharded over ``degree`` cores gets, None when it cannot be sharded."""
    cores = catalog.neuron_cores(instance.name)
    units = cores or instance.accelerator_count
    if not units or not instance.accelerator_memory_gib:
        return None
    degree = degree or units
    if degree > units or units % degree:
        return None
    return _Shard(instance, cores, degree, instance.accelerator_memory_gib * degree / units)


def _no_shard(families: Sequence[str], degree: int | None, catalog: Catalog) -> str:
    units = sorted(
        {
            catalog.neuron_cores(i.name) or i.accelerator_count
            for i in catalog.instances()
            if i.family in families and i.accelerator_memory_gib
        }
    )
    if degree is None or not units:
        return f"families: no instance of {', '.join(families)} has accelerator memory"
    return (
        f"tensor_parallel_degree {degree} divides the cores of no instance of families "
        f"{', '.join(families)} (they have {', '.join(map(str, units))})"
    )
