"""Right-sizing: the smallest instance whose accelerator memory holds a model and its KV cache."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

from ..catalog import Catalog

BYTES_PER_PARAMETER = {"fp32": 4.0, "bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5}
DEFAULT_KV_CACHE_HEADROOM = 0.25


@dataclass(frozen=True)
class SizingDecision:
    """The chosen instance and why (recorded in the template's metadata)."""

    instance_type: str
    neuron_cores: int
    tensor_parallel_degree: int
    required_gib: float
    available_gib: float
    reason: str

    def to_metadata(self) -> dict:
        return asdict(self)


def right_size(
    *,
    parameters_billion: float,
    dtype: str,
    families: Sequence[str] = ("inf2",),
    kv_cache_headroom: float = DEFAULT_KV_CACHE_HEADROOM,
    catalog: Catalog | None = None,
) -> SizingDecision:
    """Smallest instance of ``families`` (by accelerator memory, then price) that holds
    ``parameters_billion`` parameters in ``dtype`` plus ``kv_cache_headroom`` of that for the
    KV cache and activations. Raises ValueError naming the property when nothing fits."""
    if dtype not in BYTES_PER_PARAMETER:
        raise ValueError(f"dtype must be one of {', '.join(BYTES_PER_PARAMETER)}, got {dtype!r}")
    if parameters_billion <= 0:
        raise ValueError(f"parameters_billion must be positive, got {parameters_billion}")
    if kv_cache_headroom < 0:
        raise ValueError(f"kv_cache_headroom must be >= 0, got {kv_cache_headroom}")
    catalog = catalog or Catalog.default()
    weights_gib = parameters_billion * 1e9 * BYTES_PER_PARAMETER[dtype] / 2**30
    required = weights_gib * (1 + kv_cache_headroom)
    candidates = sorted(
        (
            i
            for i in catalog.instances()
            if i.family in families and (i.accelerator_memory_gib or 0) >= required
        ),
        key=lambda i: (i.accelerator_memory_gib or 0, i.usd_per_hour or float("inf"), i.vcpu),
    )
    if not candidates:
        largest = max(
            (i for i in catalog.instances() if i.family in families),
            key=lambda i: i.accelerator_memory_gib or 0,
            default=None,
        )
        biggest = f"{largest.name} has {largest.accelerator_memory_gib:g} GiB" if largest else "none known"
        raise ValueError(
            f"parameters_billion: a {parameters_billion:g}B-parameter model in {dtype} needs "
            f"{required:.1f} GiB of accelerator memory with {kv_cache_headroom:.0%} KV-cache "
            f"headroom, more than any instance of families {', '.join(families)} ({biggest}); "
            "quantize it, choose a smaller model or allow a larger family"
        )
    chosen = candidates[0]
    cores = catalog.neuron_cores(chosen.name)
    return SizingDecision(
        instance_type=chosen.name,
        neuron_cores=cores,
        tensor_parallel_degree=cores or chosen.accelerator_count,
        required_gib=round(required, 2),
        available_gib=float(chosen.accelerator_memory_gib or 0),
        reason=(
            f"{parameters_billion:g}B parameters in {dtype} = {weights_gib:.1f} GiB of weights "
            f"+ {kv_cache_headroom:.0%} KV-cache headroom = {required:.1f} GiB; {chosen.name} is "
            f"the smallest of {', '.join(families)} with enough accelerator memory "
            f"({chosen.accelerator_memory_gib:g} GiB)"
        ),
    )
