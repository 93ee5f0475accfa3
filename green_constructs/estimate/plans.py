"""How each resource of a template runs in a month under a workload: instance-hours, not yet
energy. Templates are read with the rules' helpers (endpoint configs, scalable targets, jobs in
state machines and pipelines, HyperPod instance groups); nothing here walks a template itself.

Inference demand (docs/WORKLOADS.md): ``requests_per_day x seconds_per_request`` is the
instance time of work a day; it arrives over ``active_hours_per_day``. While active, a scaled
variant runs enough instances to keep them at ``utilization`` (between its floor and its
ceiling); outside those hours it runs its lowest floor (0 for a scale-to-zero endpoint) idle.
"""

from __future__ import annotations

import math
from typing import Any, Iterator, Mapping

from ..catalog import Catalog, InstanceType
from ..rules import TemplateContext
from ..rules.genai._compute import variant_label, variants
from ..rules.genai._endpoints import capacity, endpoint_config, variant_targets
from ..rules.model import Resource
from ..rules.training_jobs import JOB_SOURCES, Job, is_unknown, jobs
from .results import ResourcePlan, UsagePlan, Work
from .workload import DAYS_PER_MONTH, HOURS_PER_MONTH, MAX_NODES, ResourceProfile, Workload

DEFAULT_ACTIVE_HOURS = 24.0
DEFAULT_SECONDS_PER_REQUEST = 2.0
DEFAULT_JOBS_PER_DAY = 1.0
DEFAULT_JOB_HOURS = 1.0
SERVERLESS_MB_PER_VCPU = 1769.0
"""Serverless compute is assumed to scale with memory as AWS Lambda's does: one vCPU per
1,769 MB (AWS Lambda documentation); SageMaker publishes no figure."""
SERVERLESS_HOST_CPU = "aws-average"
BUCKET = "AWS::S3::Bucket"
CLUSTER = "AWS::SageMaker::Cluster"


def resource_plans(
    context: TemplateContext, *, workload: Workload, region: str, paths: Mapping[str, str]
) -> Iterator[ResourcePlan]:
    """Plans for the endpoints, jobs, clusters and (sized) buckets of one template."""
    for resource in context.resources.values():
        if resource.type == "AWS::SageMaker::Endpoint":
            yield from _endpoint_plans(resource, context, workload, region, paths)
        elif resource.type in JOB_SOURCES:
            yield from _job_plans(resource, context, workload, region, paths)
        elif resource.type == CLUSTER:
            yield _cluster_plan(resource, context, workload, region, paths)
        elif resource.type == BUCKET:
            plan = _bucket_plan(resource, context, workload, region, paths)
            if plan is not None:
                yield plan


def _start(
    resource: Resource,
    context: TemplateContext,
    workload: Workload,
    region: str,
    paths: Mapping[str, str],
    kind: str,
) -> tuple[ResourcePlan, ResourceProfile]:
    path = paths.get(resource.logical_id)
    key = workload.match(logical_id=resource.logical_id, path=path)
    plan = ResourcePlan(
        resource=resource.logical_id,
        template=context.name,
        type=resource.type,
        kind=kind,
        region=region,
        path=path,
        workload_key=key,
    )
    return plan, workload.profile(key)


def _utilization(profile: ResourceProfile, catalog: Catalog) -> float:
    if profile.utilization is not None:
        return profile.utilization
    return catalog.constant("default_utilization").value


# endpoints ----------------------------------------------------------------------------------
def _endpoint_plans(
    endpoint: Resource,
    context: TemplateContext,
    workload: Workload,
    region: str,
    paths: Mapping[str, str],
) -> Iterator[ResourcePlan]:
    config = endpoint_config(endpoint, context)
    if config is None:
        plan, _ = _start(endpoint, context, workload, region, paths, "endpoint")
        plan.reason = "its endpoint config is not in the template"
        yield plan
        return
    asynchronous = config.get("AsyncInferenceConfig") is not None
    for variant in variants(config):
        serverless = variant.get("ServerlessConfig")
        kind = (
            "serverless-endpoint"
            if serverless
            else ("async-endpoint" if asynchronous else "realtime-endpoint")
        )
        plan, profile = _start(endpoint, context, workload, region, paths, kind)
        plan.model = context.target(variant.get("ModelName"))
        label = variant_label(variant)
        if len(variants(config)) > 1:
            plan.resource = f"{endpoint.logical_id} ({label})"
        if isinstance(serverless, dict):
            _serverless(plan, profile, serverless, context.catalog)
        else:
            _instances(plan, profile, endpoint, variant, context)
        yield plan


def _instances(
    plan: ResourcePlan,
    profile: ResourceProfile,
    endpoint: Resource,
    variant: Mapping[str, Any],
    context: TemplateContext,
) -> None:
    instance_type = variant.get("InstanceType")
    if not isinstance(instance_type, str) or is_unknown(instance_type):
        plan.reason = "its instance type is decided at deploy time"
        return
    plan.instance_type = instance_type
    utilization = _utilization(profile, context.catalog)
    active = (
        profile.active_hours_per_day
        if profile.active_hours_per_day is not None
        else DEFAULT_ACTIVE_HOURS
    )
    work = _work(profile)
    targets = variant_targets(endpoint, variant, context)
    if targets:
        floor_active, floor_idle, ceiling = _capacities(targets, variant)
        needed = instances_for(work, active, utilization, ceiling) if work is not None else 0
        running = min(ceiling, max(floor_active, needed, 1))
        idle_count = floor_idle
        plan.notes.append(
            f"scales between {floor_active} and {ceiling} instances "
            f"({floor_idle} outside active hours); {running} while active"
        )
    else:
        running = idle_count = _initial_count(variant)
        plan.notes.append(f"{running} instance(s) around the clock (no scalable target)")
    if running == 0 and work:
        plan.reason = (
            f"no instance serves its {profile.requests_per_day:g} requests a day "
            "(InitialInstanceCount 0 and no scalable target)"
        )
        return
    busy = utilization if work is None else min(1.0, work / (max(running, 1) * active))
    if work is not None and work > running * active:
        plan.notes.append(
            f"demand of {work:.1f} instance-hours a day exceeds {running} instance(s) over "
            f"{active:g} h: the estimate caps it"
        )
    plan.usages.append(
        UsagePlan(
            "active", active * DAYS_PER_MONTH, running, busy, instance_type=plan.instance_type
        )
    )
    if active < 24 and idle_count:
        plan.usages.append(
            UsagePlan(
                "idle",
                (24 - active) * DAYS_PER_MONTH,
                idle_count,
                0.0,
                instance_type=plan.instance_type,
            )
        )
    plan.work = Work(work, active, utilization, running)
    plan.notes.append(_demand_note(profile, work, active, busy))


def _capacities(targets: list[Resource], variant: Mapping[str, Any]) -> tuple[int, int, int]:
    """Floor while active, lowest floor (scheduled actions included), ceiling."""
    floors = [_bounded(f) for f in (capacity(t, "MinCapacity") for t in targets) if f is not None]
    ceilings = [_bounded(c) for c in (capacity(t, "MaxCapacity") for t in targets) if c is not None]
    scheduled = []
    for target in targets:
        actions = target.get("ScheduledActions")
        for action in actions if isinstance(actions, list) else ():
            change = action.get("ScalableTargetAction") if isinstance(action, dict) else None
            low = change.get("MinCapacity") if isinstance(change, dict) else None
            if isinstance(low, int) and not isinstance(low, bool):
                scheduled.append(_bounded(low))
    floor = max(floors) if floors else _initial_count(variant)
    ceiling = max(ceilings) if ceilings else max(floor, 1)
    return floor, min([floor, *scheduled]), max(ceiling, 1)


def instances_for(load: float, active: float, utilization: float, most: int) -> int:
    """Instances that keep ``load`` instance-hours a day over ``active`` hours at
    ``utilization``, at most ``most`` (0 at utilization 0)."""
    if utilization <= 0:
        return 0
    if load > most * active * utilization:
        return most
    return math.ceil(load / active / utilization - 1e-9)


def _initial_count(variant: Mapping[str, Any]) -> int:
    return _template_count(variant.get("InitialInstanceCount"), minimum=0)


def _template_count(value: Any, *, minimum: int = 1) -> int:
    """An instance count a template gives: 1 when absent, unknown or below ``minimum``."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
        return _bounded(value)
    return 1


def _bounded(count: int) -> int:
    """Counts beyond any real fleet are capped, so the figures stay finite."""
    return max(0, min(count, MAX_NODES))


def _work(profile: ResourceProfile) -> float | None:
    """Instance-hours of full load a day, when the workload gives requests."""
    if profile.requests_per_day is None:
        return None
    seconds = profile.seconds_per_request or DEFAULT_SECONDS_PER_REQUEST
    return profile.requests_per_day * seconds / 3600


def _demand_note(profile: ResourceProfile, work: float | None, active: float, busy: float) -> str:
    if work is None:
        return f"no requests_per_day: running instances assumed {busy:.0%} utilized for {active:g} h a day"
    return (
        f"{profile.requests_per_day:g} requests a day x "
        f"{profile.seconds_per_request or DEFAULT_SECONDS_PER_REQUEST:g} s over {active:g} h: "
        f"{busy:.0%} utilization while active"
    )


def _serverless(
    plan: ResourcePlan, profile: ResourceProfile, config: Mapping[str, Any], catalog: Catalog
) -> None:
    memory = config.get("MemorySizeInMB")
    if not isinstance(memory, (int, float)) or isinstance(memory, bool) or memory <= 0:
        plan.reason = "serverless endpoint without a known MemorySizeInMB"
        return
    work = _work(profile)
    if work is None:
        plan.reason = (
            "serverless energy follows requests: give requests_per_day (and seconds_per_request) "
            "in the workload"
        )
        return
    shape = InstanceType(
        name=f"serverless-{memory:g}MB",
        kind="cpu",
        vcpu=memory / SERVERLESS_MB_PER_VCPU,  # type: ignore[arg-type]  # a fractional share
        memory_gib=memory / 1024,
        host_cpu=SERVERLESS_HOST_CPU,
        accelerator=None,
        accelerator_count=0,
        accelerator_memory_gib=None,
        embodied_platform_kgco2e=None,
        usd_per_hour=None,
        source=(
            "assumption: one vCPU per 1,769 MB as AWS Lambda documents, at the CCF AWS-average "
            "watts per vCPU; SageMaker publishes no serverless power figure"
        ),
    )
    plan.instance_type = shape.name
    utilization = _utilization(profile, catalog)
    plan.usages.append(UsagePlan("requests", work * DAYS_PER_MONTH, 1, utilization, shape=shape))
    active = profile.active_hours_per_day or DEFAULT_ACTIVE_HOURS
    plan.work = Work(work, active, utilization, 1)
    plan.notes.append(
        f"billed compute only: {work * DAYS_PER_MONTH:.1f} h a month of {memory:g} MB "
        f"({shape.vcpu:.2f} vCPU assumed)"
    )


# jobs -----------------------------------------------------------------------------------------
def _job_plans(
    resource: Resource,
    context: TemplateContext,
    workload: Workload,
    region: str,
    paths: Mapping[str, str],
) -> Iterator[ResourcePlan]:
    found = jobs(resource, context)
    served = [
        m
        for m in context.of_type("AWS::SageMaker::Model")
        if resource in context.referencing(m.logical_id, resource.type)
    ]
    for job in found:
        kind = "training-job" if job.trains else f"{job.kind}-job"
        plan, profile = _start(resource, context, workload, region, paths, kind)
        if len(found) > 1:
            plan.resource = f"{resource.logical_id} ({job.name})"
        types = job.instance_types
        if not types:
            plan.reason = f"the instance type of {job.name} is decided at run time"
            yield plan
            continue
        plan.instance_type = types[0]
        utilization = _utilization(profile, context.catalog)
        count = _job_count(job, profile)
        if job.trains:
            _training(plan, profile, job, types, count, utilization)
        else:
            plan.model = served[0] if len(served) == 1 else None
            _batch(plan, profile, types, count, utilization)
        yield plan


def _job_count(job: Job, profile: ResourceProfile) -> int:
    if profile.nodes is not None:
        return profile.nodes
    path = "ResourceConfig.InstanceCount" if job.trains else "TransformResources.InstanceCount"
    if job.kind == "processing":
        path = "ProcessingResources.ClusterConfig.InstanceCount"
    return _template_count(job.get(path))


def _training(
    plan: ResourcePlan,
    profile: ResourceProfile,
    job: Job,
    types: tuple[str, ...],
    count: int,
    utilization: float,
) -> None:
    hours = profile.training_hours_per_month
    if hours is None:
        runtime = job.get("StoppingCondition.MaxRuntimeInSeconds")
        if not isinstance(runtime, (int, float)) or isinstance(runtime, bool):
            plan.reason = "no training_hours_per_month in the workload and no MaxRuntimeInSeconds"
            return
        hours = runtime / 3600
        plan.notes.append(
            f"no training_hours_per_month: one run a month at its {hours:g} h time limit"
        )
    else:
        plan.notes.append(f"{hours:g} training hours a month")
    for instance_type in types:
        plan.usages.append(
            UsagePlan("training", hours, count, utilization, instance_type=instance_type)
        )
    plan.notes.append(f"{count} node(s) at {utilization:.0%} utilization")


def _batch(
    plan: ResourcePlan,
    profile: ResourceProfile,
    types: tuple[str, ...],
    count: int,
    utilization: float,
) -> None:
    per_day = profile.jobs_per_day if profile.jobs_per_day is not None else DEFAULT_JOBS_PER_DAY
    job_hours = profile.job_hours if profile.job_hours is not None else DEFAULT_JOB_HOURS
    hours = per_day * job_hours * DAYS_PER_MONTH
    for instance_type in types:
        plan.usages.append(
            UsagePlan("jobs", hours, count, utilization, instance_type=instance_type)
        )
    work = per_day * job_hours * count * utilization
    plan.work = Work(work, min(24.0, max(per_day * job_hours, 1e-9)), utilization, count)
    plan.notes.append(
        f"{per_day:g} job(s) a day x {job_hours:g} h on {count} instance(s) at {utilization:.0%}; "
        "nothing runs between jobs"
    )


# clusters and storage -------------------------------------------------------------------------
def _cluster_plan(
    resource: Resource,
    context: TemplateContext,
    workload: Workload,
    region: str,
    paths: Mapping[str, str],
) -> ResourcePlan:
    plan, profile = _start(resource, context, workload, region, paths, "hyperpod-cluster")
    hours = profile.hours_per_month if profile.hours_per_month is not None else HOURS_PER_MONTH
    utilization = _utilization(profile, context.catalog)
    for key in ("InstanceGroups", "RestrictedInstanceGroups"):
        groups = resource.get(key)
        for group in groups if isinstance(groups, list) else ():
            if not isinstance(group, dict):
                continue
            instance_type, count = group.get("InstanceType"), group.get("InstanceCount")
            if not isinstance(instance_type, str) or is_unknown(instance_type):
                plan.notes.append("an instance group's type is decided at deploy time: left out")
                continue
            count = _template_count(count, minimum=0)
            plan.usages.append(
                UsagePlan(
                    str(group.get("InstanceGroupName", "group")),
                    hours,
                    count,
                    utilization,
                    instance_type=instance_type,
                )
            )
    plan.instance_type = (
        ", ".join(dict.fromkeys(u.instance_type or "" for u in plan.usages)) or None
    )
    plan.notes.append(
        f"nodes run {hours:g} h a month (HyperPod keeps them while the cluster exists) "
        f"at {utilization:.0%} utilization"
    )
    if not plan.usages:
        plan.reason = "no instance group with a known instance type"
    return plan


def _bucket_plan(
    resource: Resource,
    context: TemplateContext,
    workload: Workload,
    region: str,
    paths: Mapping[str, str],
) -> ResourcePlan | None:
    path = paths.get(resource.logical_id)
    key = workload.match(logical_id=resource.logical_id, path=path)
    gb = workload.resources[key].storage_gb if key is not None else None
    if gb is None:
        return None
    plan, _ = _start(resource, context, workload, region, paths, "storage")
    plan.usages.append(UsagePlan("storage", HOURS_PER_MONTH, 1, 0.0, storage_gb=gb))
    plan.notes.append(
        f"{gb:g} GB stored all month (S3: HDD, {context.catalog.constant('s3_replication_factor').value:g} copies)"
    )
    return plan
