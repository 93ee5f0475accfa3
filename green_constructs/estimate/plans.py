"""How each resource of a template runs in a month under a workload: instance-hours, not yet
energy. Templates are read with the rules' helpers (endpoint configs, scalable targets, jobs in
state machines and pipelines, HyperPod instance groups); nothing here walks a template itself.

Inference demand (docs/WORKLOADS.md): ``requests_per_day x seconds_per_request`` is the
instance time of work a day; it arrives over ``active_hours_per_day``. While active, a scaled
variant runs enough instances to keep them at ``utilization`` (between its floor and its
ceiling); outside those hours it runs its lowest floor (0 for a scale-to-zero endpoint) idle.
Instances above that floor start ``bursts_per_day`` times a day: each start runs them idle for
the start-up (``STARTUP_MINUTES``) before they serve, and each scale-in keeps them idle for the
tail the template's scale-in policy takes to act (:func:`scale_in_tail`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from ..catalog import Catalog, InstanceType
from ..rules import TemplateContext
from ..rules.genai._compute import variant_label, variants
from ..rules.genai._endpoints import (
    ALARM,
    SCALING_POLICY,
    capacity,
    endpoint_config,
    variant_targets,
)
from ..rules.genai._vector_stores import collection_group, never_idles
from ..rules.model import Resource
from ..rules.training_jobs import JOB_SOURCES, Job, is_unknown, jobs
from .results import ResourcePlan, UsagePlan, Work
from .vector_stores import COLLECTION, OCU, VECTOR_BUCKET, minimum_ocus
from .workload import DAYS_PER_MONTH, HOURS_PER_MONTH, MAX_NODES, ResourceProfile, Workload

DEFAULT_ACTIVE_HOURS = 24.0
DEFAULT_SECONDS_PER_REQUEST = 2.0
DEFAULT_JOBS_PER_DAY = 1.0
DEFAULT_JOB_HOURS = 1.0
SERVERLESS_MB_PER_VCPU = 1769.0
"""Serverless compute is assumed to scale with memory as AWS Lambda's does: one vCPU per
1,769 MB (AWS Lambda documentation); SageMaker publishes no figure."""
DEFAULT_BURSTS_PER_DAY = 1.0
"""Scale-outs from the idle floor a day when the workload does not say: one per active window."""
STARTUP_MINUTES = {"inferentia": 10.0, "trainium": 10.0, "gpu": 8.0}
"""Minutes a new instance runs before it serves, per accelerator kind (others: ``cpu``):
instance provisioning, the serving container's start and the model load. An assumption: AWS
documents scaling asynchronous endpoints from zero as a cold start "of a few minutes" (What's
New, 2021-08-20) and publishes no figure per instance type; Neuron instances also load the
compiled model onto the NeuronCores (``AsyncInferenceEndpoint`` waits 10 minutes, its
``wake_up_cooldown``, for a new instance to come into service). A model compiled at start takes
longer: give ``startup_minutes`` in the workload."""
DEFAULT_STARTUP_MINUTES = 5.0
TARGET_TRACKING_SCALE_IN_PERIODS = 15
"""Target tracking scales in when the low alarm Application Auto Scaling creates and manages
(not in the template) sees 15 breaching one-minute datapoints (``AlarmLow``: "< target for 15
datapoints within 15 minutes", as the alarms it creates read)."""
METRIC_PERIOD_SECONDS = 60
DEFAULT_SCALE_IN_COOLDOWN_SECONDS = 300
"""Application Auto Scaling's default cooldown for SageMaker variants (aws-cdk-lib
``scale_in_cooldown`` documentation: 300 seconds for SageMaker endpoint variants)."""
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
        elif resource.type == COLLECTION:
            yield _collection_plan(resource, context, workload, region, paths)
        elif resource.type in (BUCKET, VECTOR_BUCKET):
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
    bursts = 0.0
    if targets and active < 24 and running > idle_count:
        bursts = _start_and_tail(plan, profile, targets, context, running - idle_count, active)
    plan.work = Work(work, active, utilization, running, bursts)
    plan.notes.append(_demand_note(profile, work, active, busy))


def startup_minutes(
    instance_type: str | None, profile: ResourceProfile | None, catalog: Catalog
) -> float:
    """Minutes a new instance runs before it serves: the workload's ``startup_minutes``, else
    :data:`STARTUP_MINUTES` for the instance's accelerator kind."""
    if profile is not None and profile.startup_minutes is not None:
        return profile.startup_minutes
    family = catalog.find_family(instance_type) if instance_type else None
    kind = family.kind if family is not None else None
    return STARTUP_MINUTES.get(kind or "", DEFAULT_STARTUP_MINUTES)


def burst_usages(
    *,
    instance_type: str | None,
    count: int,
    bursts: float,
    startup: float,
    tail_seconds: float,
    room: float,
) -> tuple[list[UsagePlan], float]:
    """The ``start-up`` and ``scale-in tail`` lines of ``count`` instances that start
    ``bursts`` times a day, idle (utilization 0), within the ``room`` hours a day outside the
    active hours; and the share of that time kept (below 1 when they do not fit)."""
    per_day = bursts * (startup / 60 + tail_seconds / 3600)
    kept = min(1.0, room / per_day) if per_day > 0 else 1.0
    usages = [
        UsagePlan(phase, hours * kept * DAYS_PER_MONTH, count, 0.0, instance_type=instance_type)
        for phase, hours in (
            ("start-up", bursts * startup / 60),
            ("scale-in tail", bursts * tail_seconds / 3600),
        )
        if hours > 0
    ]
    return usages, kept


def _start_and_tail(
    plan: ResourcePlan,
    profile: ResourceProfile,
    targets: list[Resource],
    context: TemplateContext,
    count: int,
    active: float,
) -> float:
    bursts = (
        profile.bursts_per_day if profile.bursts_per_day is not None else DEFAULT_BURSTS_PER_DAY
    )
    startup = startup_minutes(plan.instance_type, profile, context.catalog)
    tail = scale_in_tail(targets, context)
    usages, kept = burst_usages(
        instance_type=plan.instance_type,
        count=count,
        bursts=bursts,
        startup=startup,
        tail_seconds=tail[0] if tail else 0.0,
        room=24 - active,
    )
    plan.usages += usages
    source = "workload" if profile.startup_minutes is not None else "assumed"
    plan.notes.append(
        f"{bursts:g} scale-out(s) a day of {count} instance(s): {startup:g} min start-up "
        f"({source}) each" + (f", {tail[0] / 60:g} min scale-in tail ({tail[1]})" if tail else "")
    )
    if tail is None:
        plan.notes.append("no scale-in policy in the template: no scale-in tail counted")
    if kept < 1:
        plan.notes.append(
            "start-ups and tails exceed the hours outside the active window: the instances "
            "stay up between bursts"
        )
    return bursts


def scale_in_tail(targets: list[Resource], context: TemplateContext) -> tuple[float, str] | None:
    """Seconds an instance keeps running once its work is done, before the quickest scale-in
    policy of ``targets`` removes it, and how that was found; None without a scale-in policy.

    Target tracking: its managed low alarm (15 one-minute datapoints) plus ``ScaleInCooldown``;
    step scaling with a negative adjustment: its alarm's datapoints x period plus
    ``Cooldown``. The cooldown is counted in full: the last instance usually goes in a second
    scale-in, after one that followed the shrinking backlog (an upper bound for one instance).
    """
    found: list[tuple[float, str]] = []
    for target in targets:
        for policy in context.referencing(target.logical_id, SCALING_POLICY):
            if policy.get("PolicyType") == "TargetTrackingScaling":
                found += _tracking_tail(policy)
            elif policy.get("PolicyType") == "StepScaling":
                found += _step_tail(policy, context)
    return min(found, default=None)


def _seconds(value: Any, default: float) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    if isinstance(value, str) and value.isdigit():
        return float(value)
    return default


def _tracking_tail(policy: Resource) -> list[tuple[float, str]]:
    config = policy.get("TargetTrackingScalingPolicyConfiguration")
    if not isinstance(config, dict) or config.get("DisableScaleIn") in (True, "true"):
        return []
    cooldown = _seconds(config.get("ScaleInCooldown"), DEFAULT_SCALE_IN_COOLDOWN_SECONDS)
    evaluation = TARGET_TRACKING_SCALE_IN_PERIODS * METRIC_PERIOD_SECONDS
    return [
        (
            evaluation + cooldown,
            f"target tracking {policy.logical_id}: its low alarm, "
            f"{TARGET_TRACKING_SCALE_IN_PERIODS} x {METRIC_PERIOD_SECONDS} s, "
            f"+ ScaleInCooldown {cooldown:g} s",
        )
    ]


def _step_tail(policy: Resource, context: TemplateContext) -> list[tuple[float, str]]:
    config = policy.get("StepScalingPolicyConfiguration")
    steps = config.get("StepAdjustments") if isinstance(config, dict) else None
    adjustments = [
        s.get("ScalingAdjustment")
        for s in (steps if isinstance(steps, list) else ())
        if isinstance(s, dict)
    ]
    exact = config.get("AdjustmentType") == "ExactCapacity" if isinstance(config, dict) else False
    if not any(
        isinstance(a, (int, float)) and not isinstance(a, bool) and (a < 0 or (exact and a == 0))
        for a in adjustments
    ):
        return []
    assert isinstance(config, dict)
    cooldown = _seconds(config.get("Cooldown"), DEFAULT_SCALE_IN_COOLDOWN_SECONDS)
    tails = []
    for alarm in context.referencing(policy.logical_id, ALARM):
        periods = _seconds(
            alarm.get("DatapointsToAlarm"), _seconds(alarm.get("EvaluationPeriods"), 1)
        )
        listed = alarm.get("Metrics")
        periods_of_metrics = [
            _seconds(m["MetricStat"].get("Period"), 0)
            for m in (listed if isinstance(listed, list) else ())
            if isinstance(m, dict) and isinstance(m.get("MetricStat"), dict)
        ]  # metric math: the longest period of its metrics
        period = (
            _seconds(alarm.get("Period"), 0)
            or max(periods_of_metrics, default=0)
            or METRIC_PERIOD_SECONDS
        )
        tails.append(
            (
                periods * period + cooldown,
                f"step scaling {policy.logical_id}: alarm {alarm.logical_id}, "
                f"{periods:g} x {period:g} s, + Cooldown {cooldown:g} s",
            )
        )
    return tails


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
    shape = InstanceType.cpu_share(
        f"serverless-{memory:g}MB",
        vcpu=memory / SERVERLESS_MB_PER_VCPU,
        memory_gib=memory / 1024,
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


def _collection_plan(
    resource: Resource,
    context: TemplateContext,
    workload: Workload,
    region: str,
    paths: Mapping[str, str],
) -> ResourcePlan:
    plan, profile = _start(resource, context, workload, region, paths, "vector-store")
    plan.instance_type = OCU.name
    if never_idles(resource, context) is False:
        plan.notes.append(
            "in a NEXTGEN collection group with minimum OCUs 0: scales to zero after 10 idle "
            "minutes (its OCUs while queried are not estimated)"
        )
        return plan
    group = collection_group(resource, context)
    standby = resource.get("StandbyReplicas") or (group.get("StandbyReplicas") if group else None)
    standby = standby or "ENABLED"
    ocus = minimum_ocus(standby)
    utilization = _utilization(profile, context.catalog)
    plan.usages.append(UsagePlan("standing", HOURS_PER_MONTH, ocus, utilization, shape=OCU))
    plan.notes.append(
        f"{ocus:g} OCU kept up all month at the least (standby replicas {standby}; "
        "collections sharing a KMS key share OCUs: counted per collection)"
    )
    return plan


BEDROCK = "Amazon Bedrock"
"""The ``type`` of a plan of Bedrock tokens (a workload's ``bedrock`` section, no resource)."""


def bedrock_plans(workload: Workload, *, region: str) -> Iterator[ResourcePlan]:
    """A plan per entry of the workload's ``bedrock`` section: a month of its tokens in
    ``region`` (shared capacity: nothing runs between requests)."""
    from .tokens import model_class

    for usage in workload.bedrock:
        found = model_class(usage.model)
        plan = ResourcePlan(
            resource=usage.name,
            template="workload",
            type=BEDROCK,
            kind="bedrock-batch" if usage.batch else "bedrock-on-demand",
            region=region,
            workload_key=usage.name,
            instance_type=usage.model,
        )
        plan.usages.append(UsagePlan("tokens", HOURS_PER_MONTH, tokens=usage))
        plan.notes.append(
            f"{usage.input_tokens_per_day:,.0f} input and {usage.output_tokens_per_day:,.0f} "
            f"output tokens a day of {usage.model} ({found.size_class} model: {found.basis})"
            + (", batch inference" if usage.batch else "")
        )
        yield plan
