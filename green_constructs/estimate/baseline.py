"""The naive baseline: what the same work costs without the guidance, at the same service level.

Inference, the model on GPUs sized by :func:`~green_constructs.inference.right_size` over the
catalog's current GPU families, in us-east-1, per kind of resource:

- real-time, asynchronous and serverless endpoints: a real-time GPU endpoint running 24/7 with
  enough instances to serve the same demand at the same utilization (serverless endpoints have
  no GPU option: a team that wants the model on a GPU keeps an endpoint up); asynchronous
  endpoints also get the alternative ``gpu-async-min-1``, a GPU asynchronous endpoint that
  keeps one instance and scales out for the demand, with the start-up and scale-in tail of the
  instances it adds;
- batch transform: a GPU transform job with the same instance count and job hours (the catalog
  has no throughput figures: one GPU instance is taken to do the work of one of ours), nothing
  between jobs; the alternative ``gpu-realtime-24x7`` keeps a real-time GPU endpoint up for it.

Training and HyperPod: the same job on GPUs on demand (no Spot) in us-east-1, node for node:
Neuron instances replaced by the GPU training instance of their generation
(:data:`GPU_TRAINING_INSTANCES`), for the Neuron hours times the catalog's
``training_time_ratio_gpu`` (an assumption, 1.0: the same time to train). The Neuron chips'
power is derived independently of that GPU (``power_coefficients.csv``), so the comparison
rests on two assumptions, the Neuron power and the time ratio, both with ranges
(``assumption_ranges.csv``). Storage: the same gigabytes in us-east-1.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from ..catalog import Catalog, UnknownInstanceTypeError
from ..catalog.right_sizing import (
    BYTES_PER_PARAMETER,
    DEFAULT_KV_CACHE_HEADROOM,
    RIGHT_SIZING_METADATA,
    right_size,
)
from .plans import (
    DAYS_PER_MONTH,
    DEFAULT_BURSTS_PER_DAY,
    DEFAULT_SCALE_IN_COOLDOWN_SECONDS,
    METRIC_PERIOD_SECONDS,
    TARGET_TRACKING_SCALE_IN_PERIODS,
    burst_usages,
    instances_for,
    startup_minutes,
)
from .results import ResourcePlan, UsagePlan
from .workload import HOURS_PER_MONTH, MAX_NODES

BASELINE_REGION = "us-east-1"
GPU_TRAINING_INSTANCE = "ml.p4d.24xlarge"
GPU_TRAINING_INSTANCES = {
    "Trainium": GPU_TRAINING_INSTANCE,
    "Inferentia2": GPU_TRAINING_INSTANCE,
    "Trainium2": "ml.p5.48xlarge",
}
"""Neuron accelerator -> the GPU training instance of the same generation a team would train
on instead, node for node: A100 (p4d, 2020; 40 GiB per GPU) for Trainium (2022; 32 GiB per
chip) and Inferentia2 (its NeuronCore-v2 sibling), the GPU AWS compares Trn1 with; H100
(p5, 2023; 80 GiB) for Trainium2 (2024; 96 GiB), the GPU AWS compares Trn2 with. Others:
:data:`GPU_TRAINING_INSTANCE`."""
TIME_RATIO = "training_time_ratio_gpu"
"""The catalog constant: GPU hours per Neuron hour for the same training job."""
_SIZE = re.compile(r"([0-9]+(?:\.[0-9]+)?)B parameters in (\w+)")
_INFERENCE = ("realtime-endpoint", "async-endpoint", "serverless-endpoint", "transform-job")
ALTERNATIVES = {
    "gpu-async-min-1": (
        "asynchronous endpoints as a GPU asynchronous endpoint of 1 instance or more"
    ),
    "gpu-realtime-24x7": "transform jobs as a real-time GPU endpoint up 24/7",
}
"""Alternative baselines: name -> description; each replaces the baseline of the resources it
applies to (:func:`alternative_plans`) and keeps the baseline's own for the others."""


@dataclass(frozen=True)
class ModelSize:
    """A model's parameters and precision, and how they were found."""

    parameters_billion: float
    dtype: str
    how: str


def gpu_families(catalog: Catalog) -> tuple[str, ...]:
    """Current-generation GPU families with instances in the catalog."""
    return tuple(sorted({i.family for i in catalog.instances("gpu")}))


def model_size(plan: ResourcePlan, catalog: Catalog) -> ModelSize | None:
    """From the model's right-sizing metadata, else from the accelerator memory of the
    instance serving it (the model taken to fill it: an upper bound); None if neither."""
    metadata = plan.model.metadata.get(RIGHT_SIZING_METADATA) if plan.model is not None else None
    if isinstance(metadata, dict):
        match = _SIZE.search(str(metadata.get("reason", "")))
        if match and match.group(2) in BYTES_PER_PARAMETER:
            return ModelSize(float(match.group(1)), match.group(2), "right-sizing metadata")
        required = metadata.get("required_gib")
        if isinstance(required, (int, float)) and required > 0:
            return ModelSize(
                _billions(required, "bf16"),
                "bf16",
                "right-sizing metadata (required GiB, bf16 assumed)",
            )
    try:
        shape = catalog.instance(plan.instance_type) if plan.instance_type else None
    except UnknownInstanceTypeError:
        shape = None
    if shape is not None and shape.accelerator_memory_gib:
        return ModelSize(
            _billions(shape.accelerator_memory_gib, "bf16"),
            "bf16",
            f"assumed to fill the {shape.accelerator_memory_gib:g} GiB of {shape.name} (upper bound)",
        )
    return None


def _billions(required_gib: float, dtype: str) -> float:
    weights = required_gib / (1 + DEFAULT_KV_CACHE_HEADROOM)
    return weights * 2**30 / BYTES_PER_PARAMETER[dtype] / 1e9


def baseline_plan(plan: ResourcePlan, catalog: Catalog) -> ResourcePlan:
    """The naive counterpart of ``plan`` (``reason`` set when it cannot be built)."""
    naive = replace(plan, region=BASELINE_REGION, usages=[], notes=[], reason=plan.reason)
    if plan.reason is not None:
        return naive
    if plan.kind == "transform-job":
        _transform(naive, plan, catalog)
    elif plan.kind in _BEDROCK:
        _self_hosted(naive, plan, catalog)
    elif plan.kind in _INFERENCE:
        _endpoint(naive, plan, catalog)
    else:
        naive.usages = [_same_on_gpu(u, catalog) for u in plan.usages]
        naive.instance_type = _types(naive.usages)
        if naive.usages != plan.usages:
            ratio = catalog.constant(TIME_RATIO).value
            naive.notes.append(
                f"the same job on GPUs on demand, no Spot: Neuron instances as {naive.instance_type}, "
                f"node for node, for {ratio:g} x the Neuron hours ({TIME_RATIO}, an assumption; "
                "the Neuron chips' power is assumed too)"
            )
        elif plan.kind not in ("storage", "vector-store"):
            naive.notes.append("the same node-hours: no Neuron instance to replace")
    return naive


_BEDROCK = ("bedrock-on-demand", "bedrock-batch")
TYPICAL_PARAMETERS_BILLION = {"small": 8.0, "medium": 70.0, "large": 123.0, "embedding": 1.0}
"""Parameters of a model of each size class whose own count is not published, for sizing its
self-hosted baseline: Llama 3.1 8B, Llama 3.1 70B, Mistral Large 2 (123B, the largest open
model of the class that one GPU instance holds in bf16) and a 1B embedding model."""


def _self_hosted(naive: ResourcePlan, plan: ResourcePlan, catalog: Catalog) -> None:
    """Bedrock tokens as the same model on a right-sized real-time GPU endpoint up 24/7 (what
    a team serving the model itself keeps running), at the default utilization."""
    from .tokens import model_class

    found = model_class(plan.usages[0].tokens.model if plan.usages[0].tokens else "")
    parameters = found.active_parameters_billion or TYPICAL_PARAMETERS_BILLION[found.size_class]
    families = gpu_families(catalog)
    try:
        decision = right_size(
            parameters_billion=parameters, dtype="bf16", families=families, catalog=catalog
        )
    except ValueError as error:
        naive.reason = f"no GPU instance holds the model: {error}"
        return
    utilization = catalog.constant("default_utilization").value
    naive.kind = "realtime-endpoint"
    naive.instance_type = decision.instance_type
    naive.usages = [
        UsagePlan("24/7", HOURS_PER_MONTH, 1, utilization, instance_type=decision.instance_type)
    ]
    how = (
        "published" if found.active_parameters_billion else f"typical of a {found.size_class} model"
    )
    naive.notes.append(
        f"the model self-hosted: {parameters:g}B parameters in bf16 ({how}) on 1 x "
        f"{decision.instance_type} 24/7 (right-sized over {', '.join(families)}), "
        f"{utilization:.0%} utilized"
    )


def _types(usages: list[UsagePlan]) -> str | None:
    names = list(dict.fromkeys(u.instance_type for u in usages if u.instance_type))
    return ", ".join(names) or None


def _same_on_gpu(usage: UsagePlan, catalog: Catalog) -> UsagePlan:
    if usage.instance_type is None:
        return usage
    family = catalog.find_family(usage.instance_type)
    if family is None or family.kind not in ("trainium", "inferentia"):
        return usage
    try:
        chip = catalog.instance(usage.instance_type).accelerator
    except UnknownInstanceTypeError:
        chip = family.accelerator
    return replace(
        usage,
        instance_type=GPU_TRAINING_INSTANCES.get(chip or "", GPU_TRAINING_INSTANCE),
        hours=usage.hours * catalog.constant(TIME_RATIO).value,
    )


def alternative_plans(plan: ResourcePlan, catalog: Catalog) -> dict[str, ResourcePlan]:
    """The alternative baselines (:data:`ALTERNATIVES`) that apply to ``plan``, by name."""
    if plan.reason is not None:
        return {}
    naive = replace(plan, region=BASELINE_REGION, usages=[], notes=[], reason=None)
    if plan.kind == "async-endpoint":
        _endpoint(naive, plan, catalog, floor=1)
        return {"gpu-async-min-1": naive}
    if plan.kind == "transform-job":
        _endpoint(naive, plan, catalog)
        return {"gpu-realtime-24x7": naive}
    return {}


def _transform(naive: ResourcePlan, plan: ResourcePlan, catalog: Catalog) -> None:
    """A GPU transform job: the same instance count and job hours on the right-sized GPU type
    SageMaker transform takes, nothing running between jobs."""
    families = tuple(
        f
        for f in gpu_families(catalog)
        if any(
            catalog.api_accepts(i.name, "transform") is not False
            for i in catalog.instances("gpu")
            if i.family == f
        )
    )
    decision = _right_sized(naive, plan, catalog, families) if families else None
    over = f"{', '.join(families)}, the GPU families SageMaker transform takes"
    if decision is None:  # none holds the model: size it as an endpoint would be
        naive.reason, naive.notes = None, []
        decision = _right_sized(naive, plan, catalog, gpu_families(catalog))
        over = f"{', '.join(gpu_families(catalog))}: no GPU type transform takes holds the model"
        if decision is None:
            return
    naive.instance_type = decision.instance_type
    naive.usages = [replace(u, instance_type=decision.instance_type) for u in plan.usages]
    count = max((u.count for u in plan.usages), default=1)
    hours = max((u.hours for u in plan.usages), default=0.0)
    naive.notes.append(
        f"a GPU transform job: {count:g} x {decision.instance_type} for the same "
        f"{hours:.1f} h a month (right-sized over {over}), nothing between jobs; the same "
        "throughput per instance assumed (the catalog has no throughput figures)"
    )


def _right_sized(
    naive: ResourcePlan, plan: ResourcePlan, catalog: Catalog, families: tuple[str, ...]
):
    """The right-sized GPU instance for ``plan``'s model (a note on ``naive`` says how the
    model was sized), or None with ``naive.reason`` set."""
    size = model_size(plan, catalog)
    try:
        if size is None:
            decision = right_size(
                parameters_billion=0.1, dtype="bf16", families=families, catalog=catalog
            )
            naive.notes.append("model size unknown: the smallest GPU instance assumed")
        else:
            decision = right_size(
                parameters_billion=size.parameters_billion,
                dtype=size.dtype,
                families=families,
                catalog=catalog,
            )
            naive.notes.append(
                f"{size.parameters_billion:.1f}B parameters in {size.dtype} ({size.how})"
            )
    except ValueError as error:
        naive.reason = f"no GPU instance holds the model: {error}"
        return None
    return decision


def _endpoint(
    naive: ResourcePlan, plan: ResourcePlan, catalog: Catalog, *, floor: int | None = None
) -> None:
    """A real-time GPU endpoint up 24/7 or, with ``floor``, a GPU asynchronous endpoint that
    keeps ``floor`` instances outside the active hours and adds the rest for each burst."""
    families = gpu_families(catalog)
    decision = _right_sized(naive, plan, catalog, families)
    if decision is None:
        return
    work = plan.work
    assert work is not None  # every inference plan without a reason has its work
    if work.full_load_hours_per_day is None:
        count = max(1, math.ceil(work.instances))
        busy = work.utilization
    else:
        load = work.full_load_hours_per_day
        count = max(1, instances_for(load, work.active_hours, work.utilization, MAX_NODES))
        if count == MAX_NODES:
            naive.notes.append(f"demand capped at {MAX_NODES:,} instances")
        busy = min(1.0, load / (count * work.active_hours))
    naive.instance_type = decision.instance_type
    naive.kind = "realtime-endpoint" if floor is None else "async-endpoint"
    if floor is not None:
        _scaled(naive, work, decision.instance_type, count, busy, floor, catalog)
        return
    naive.usages = [
        UsagePlan(
            "active",
            work.active_hours * DAYS_PER_MONTH,
            count,
            busy,
            instance_type=decision.instance_type,
        )
    ]
    if work.active_hours < 24:
        naive.usages.append(
            UsagePlan(
                "idle",
                (24 - work.active_hours) * DAYS_PER_MONTH,
                count,
                0.0,
                instance_type=decision.instance_type,
            )
        )
    naive.notes.append(
        f"{count} x {decision.instance_type} 24/7 (right-sized over {', '.join(families)}), "
        f"{busy:.0%} utilized for {work.active_hours:g} h a day, idle otherwise"
    )


def _scaled(
    naive: ResourcePlan,
    work,
    instance_type: str,
    count: int,
    busy: float,
    floor: int,
    catalog: Catalog,
) -> None:
    idle = min(floor, count)
    naive.usages = [
        UsagePlan(
            "active", work.active_hours * DAYS_PER_MONTH, count, busy, instance_type=instance_type
        )
    ]
    room = 24 - work.active_hours
    if room > 0:
        naive.usages.append(
            UsagePlan("idle", room * DAYS_PER_MONTH, idle, 0.0, instance_type=instance_type)
        )
    added = ""
    if room > 0 and count > idle:
        bursts = work.bursts_per_day or DEFAULT_BURSTS_PER_DAY
        startup = startup_minutes(instance_type, None, catalog)
        tail = TARGET_TRACKING_SCALE_IN_PERIODS * METRIC_PERIOD_SECONDS + (
            DEFAULT_SCALE_IN_COOLDOWN_SECONDS
        )
        usages, _ = burst_usages(
            instance_type=instance_type,
            count=count - idle,
            bursts=bursts,
            startup=startup,
            tail_seconds=tail,
            room=room,
        )
        naive.usages += usages
        added = (
            f"; the {count - idle} added instance(s) start {bursts:g} time(s) a day "
            f"({startup:g} min start-up, {tail / 60:g} min scale-in tail: target tracking's "
            "default)"
        )
    naive.notes.append(
        f"a GPU asynchronous endpoint: {count} x {instance_type}, {busy:.0%} utilized for "
        f"{work.active_hours:g} h a day, {idle} idle otherwise{added}"
    )
