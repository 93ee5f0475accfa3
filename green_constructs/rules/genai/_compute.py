"""The ML compute a resource asks for: instance types, where, and what for."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from ...catalog import Catalog, Family
from ..context import TemplateContext
from ..model import Resource
from ..training_jobs import JOB_SOURCES, is_known_name, is_unknown, jobs, training_instances
from ._ec2 import EC2_TYPES, instance_types

BATCH = "AWS::Batch::ComputeEnvironment"
COMPUTE_TYPES = (
    "AWS::SageMaker::EndpointConfig",
    "AWS::SageMaker::InferenceComponent",
    "AWS::SageMaker::NotebookInstance",
    *JOB_SOURCES,
    "AWS::SageMaker::Cluster",
    BATCH,
)
"""SageMaker compute and Batch compute environments (GenAI-PreviousGeneration's scope)."""
ML_COMPUTE_TYPES = (*COMPUTE_TYPES, *EC2_TYPES)
BEDROCK_WORKLOAD_TYPES = (
    "AWS::Bedrock::Agent",
    "AWS::Bedrock::KnowledgeBase",
    "AWS::Bedrock::Flow",
)
"""Bedrock resources that run model inference of their own (an agent's orchestration, a
knowledge base's embeddings, a flow's nodes): GenAI-RegionCarbonIntensity's Bedrock scope."""
BEDROCK_MODEL_TYPES = (*BEDROCK_WORKLOAD_TYPES, "AWS::Bedrock::IntelligentPromptRouter")
"""Bedrock resources that name models (a prompt router picks between two per request; batch
inference jobs are API calls: they show as state machine tasks, not resources)."""
"""Also EC2 instances, launch templates and Auto Scaling groups: ML compute on their GPU and
Neuron instance types (their generation is Sustainability-Ec2PreviousGeneration's)."""
_ACCELERATED_ONLY = (BATCH, *EC2_TYPES)
NEURON_KINDS = ("inferentia", "trainium")
GPU_KINDS = ("gpu", "gpu-previous")
PURPOSE_FEATURES = {
    "inference": "hosting",
    "transform": "transform",
    "training": "training",
    "processing": "processing",
    "notebook": "notebook",
    "ec2": "ec2",
}
"""Usage purpose -> the catalog feature whose API takes its instance types."""
_RESOURCE_FEATURES = {"AWS::SageMaker::Cluster": "hyperpod", BATCH: "ec2"}
"""Resources whose instance types go to one API whatever their purpose."""
_FALLBACK_KINDS = {
    "gpu-previous": ("gpu",),
    "cpu": ("graviton", "cpu"),
    "graviton": ("graviton", "cpu"),
}
"""Kinds whose current families may replace a family without a fitting successor."""


class Usage(NamedTuple):  # a tuple: several per compute resource, built on every lint
    """One instance type a resource runs on: ``purpose`` is inference, training, transform,
    processing, notebook or ec2; ``where`` names the variant, state, step or instance group;
    ``feature`` is the catalog feature whose API takes the type (HyperPod for clusters, EC2
    for Batch and EC2 capacity)."""

    purpose: str
    where: str
    instance_type: str
    family: Family | None
    feature: str


def usages(resource: Resource, template: TemplateContext) -> tuple[Usage, ...]:
    """Known instance types of ``resource`` (cached per template and resource). A Batch
    compute environment, and EC2 capacity, is ML compute only on its GPU and Neuron instances."""
    return template.memo(("usages", resource.logical_id), lambda: _usages(resource, template))


def _usages(resource: Resource, template: TemplateContext) -> tuple[Usage, ...]:
    catalog = template.catalog
    fixed = _RESOURCE_FEATURES.get(resource.type)
    found = (
        Usage(purpose, where, t, catalog.find_family(t), fixed or PURPOSE_FEATURES[purpose])
        for purpose, where, t in _raw_usages(resource, template)
    )
    if resource.type not in _ACCELERATED_ONLY:
        return tuple(found)
    return tuple(u for u in found if u.family and u.family.kind in (*GPU_KINDS, *NEURON_KINDS))


def replacement(
    catalog: Catalog, instance_type: str, family: Family, *, purpose: str, feature: str
) -> str | None:
    """A current type of comparable size that ``feature``'s API takes and that can do
    ``purpose``'s work: from the successors of ``family``, else from the current families of
    its kind; None when none fits."""
    named = [
        name
        for name in catalog.successors(family)
        if (successor := catalog.find_family(name)) is None or _serves(successor.kind, purpose)
    ]
    kinds = _FALLBACK_KINDS.get(family.kind, (family.kind,))
    return catalog.comparable(instance_type, feature, named) or catalog.comparable(
        instance_type, feature, catalog.current_families(kinds)
    )


def _serves(kind: str, purpose: str) -> bool:
    """Whether a family of ``kind`` can do ``purpose``: Inferentia only serves, Trainium only
    trains."""
    if kind == "inferentia":
        return purpose in ("inference", "transform")
    if kind == "trainium":
        return purpose == "training"
    return True


def variants(config: Resource) -> list[Mapping[str, Any]]:
    """Production and shadow variants of an endpoint config."""
    found: list[Mapping[str, Any]] = []
    for key in ("ProductionVariants", "ShadowProductionVariants"):
        listed = config.get(key)
        found += [v for v in (listed if isinstance(listed, list) else ()) if isinstance(v, dict)]
    return found


def variant_label(variant: Mapping[str, Any]) -> str:
    name = variant.get("VariantName")
    return f"variant {name}" if isinstance(name, str) and not is_unknown(name) else "a variant"


def component_variant(
    component: Resource, template: TemplateContext
) -> tuple[Resource, Mapping[str, Any]] | None:
    """The endpoint config and variant an inference component runs on, when in the template."""
    endpoint = template.target(component.get("EndpointName"))
    if endpoint is None or endpoint.type != "AWS::SageMaker::Endpoint":
        return None
    config = template.target(endpoint.get("EndpointConfigName"))
    if config is None or config.type != "AWS::SageMaker::EndpointConfig":
        return None
    production = config.get("ProductionVariants")
    listed = [v for v in production if isinstance(v, dict)] if isinstance(production, list) else []
    name = component.get("VariantName")
    matching = [v for v in listed if v.get("VariantName") == name]
    if not matching and len(listed) == 1 and is_unknown(name):
        matching = listed
    return (config, matching[0]) if matching else None


def _raw_usages(resource: Resource, template: TemplateContext) -> Iterator[tuple[str, str, str]]:
    if resource.type == "AWS::SageMaker::EndpointConfig":
        for variant in variants(resource):
            if is_known_name(variant.get("InstanceType")):
                yield "inference", variant_label(variant), variant["InstanceType"]
    elif resource.type == "AWS::SageMaker::InferenceComponent":
        found = component_variant(resource, template)
        if found and is_known_name(found[1].get("InstanceType")):
            config, variant = found
            where = f"{variant_label(variant)} of {config.logical_id}"
            yield "inference", where, variant["InstanceType"]
    elif resource.type == "AWS::SageMaker::NotebookInstance":
        if is_known_name(resource.get("InstanceType")):
            yield "notebook", "notebook", resource.get("InstanceType")
    elif resource.type in JOB_SOURCES:
        label = "state" if resource.type == "AWS::StepFunctions::StateMachine" else "step"
        for job in jobs(resource, template):
            purpose = "training" if job.trains else job.kind
            for instance_type in job.instance_types:
                yield purpose, f"{label} {job.name}", instance_type
    elif resource.type in EC2_TYPES:
        for instance_type in instance_types(resource, template):
            yield "ec2", "instances", instance_type
    else:
        for training in training_instances(resource):
            yield "training", training.where, training.instance_type
