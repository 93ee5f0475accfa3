"""What a template asks of its region: instance types per SageMaker feature, images, and
Amazon Bedrock models (:mod:`.bedrock`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..rules.context import TemplateContext
from ..rules.model import Resource
from ..rules.training_jobs import is_unknown, jobs
from ..rules.values import as_int
from .bedrock import BEDROCK_TYPES, model_uses

_IMAGE_URI = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repository>[^:@]+)[:@](?P<tag>.+)$"
)
_IMAGE_PATH = re.compile(r"^/(?P<repository>[a-z0-9._/-]+):(?P<tag>[A-Za-z0-9._-]+)$")
_JOB_FEATURES = {"training": "training", "tuning": "training", "transform": "transform"}
_JOB_IMAGES = {
    "training": "AlgorithmSpecification.TrainingImage",
    "tuning": "TrainingJobDefinition.AlgorithmSpecification.TrainingImage",
}


@dataclass(frozen=True)
class ImageRef:
    """An ECR image a template names; ``account``/``region`` are None when decided at deploy
    time (``mapping`` then names the ``Fn::FindInMap`` mapping giving the account)."""

    repository: str
    tag: str
    account: str | None = None
    region: str | None = None
    mapping: str | None = None

    @property
    def name(self) -> str:
        return f"{self.repository}:{self.tag}"


@dataclass(frozen=True)
class Requirement:
    """One thing a resource needs from its region: an instance type for a feature (with the
    number of instances at most and whether on Spot), an image, or an Amazon Bedrock model
    (``feature`` ``bedrock``, or ``bedrock-batch`` for a batch inference job's model)."""

    template: str
    resource: str
    feature: str
    instance_type: str | None = None
    count: int = 1
    spot: bool = False
    image: ImageRef | None = None
    model: str | None = None

    @property
    def subject(self) -> str:
        if self.model is not None:
            return self.model
        return self.image.name if self.image is not None else str(self.instance_type)


def requirements(context: TemplateContext) -> list[Requirement]:
    """Every requirement of the template's resources, in template order."""
    found: list[Requirement] = []
    capacities = _endpoint_capacities(context)
    for resource in context.resources.values():
        found += _of(resource, context, capacities)
    return found


def _of(
    resource: Resource, context: TemplateContext, capacities: dict[str, int]
) -> Iterator[Requirement]:
    name, rid = context.name, resource.logical_id
    if resource.type in BEDROCK_TYPES or resource.type == "AWS::StepFunctions::StateMachine":
        for use in model_uses(resource, context):
            yield Requirement(
                name, rid, "bedrock-batch" if use.batch else "bedrock", model=use.model_id
            )
    if resource.type == "AWS::SageMaker::Model":
        containers = resource.get("Containers")
        for container in [resource.get("PrimaryContainer"), *(containers or [])]:
            image = _image(container.get("Image") if isinstance(container, dict) else None)
            if image is not None:
                yield Requirement(name, rid, "hosting", image=image)
    elif resource.type == "AWS::SageMaker::EndpointConfig":
        for variant in _list(resource.get("ProductionVariants")):
            instance_type = variant.get("InstanceType") if isinstance(variant, dict) else None
            if _known(instance_type):
                count = max(_int(variant.get("InitialInstanceCount")), capacities.get(rid, 0))
                yield Requirement(name, rid, "hosting", instance_type, count=max(count, 1))
    elif resource.type == "AWS::SageMaker::Cluster":
        for group in _list(resource.get("InstanceGroups")):
            if isinstance(group, dict) and _known(group.get("InstanceType")):
                count = max(_int(group.get("InstanceCount")), 1)
                yield Requirement(name, rid, "hyperpod", group["InstanceType"], count=count)
    elif resource.type in ("AWS::StepFunctions::StateMachine", "AWS::SageMaker::Pipeline"):
        for job in jobs(resource, context):
            feature = _JOB_FEATURES.get(job.kind)
            if feature is None:
                continue
            spot = job.get("EnableManagedSpotTraining") in (True, "true", "True")
            path = "ResourceConfig" if feature == "training" else "TransformResources"
            count = max(_int(job.get(f"{path}.InstanceCount")), 1)
            for instance_type in job.instance_types:
                yield Requirement(name, rid, feature, instance_type, count=count, spot=spot)
            image = _image(job.get(_JOB_IMAGES.get(job.kind, "")))
            if image is not None:
                yield Requirement(name, rid, feature, image=image)


def _image(value: Any) -> ImageRef | None:
    """An image URI as a string or as the ``Fn::Join`` CDK writes for an env-agnostic stack."""
    if isinstance(value, str) and not is_unknown(value):
        match = _IMAGE_URI.match(value)
        if match:
            return ImageRef(**match.groupdict())
        return None
    if isinstance(value, dict) and isinstance(value.get("Fn::Join"), list):
        parts = value["Fn::Join"][1] if len(value["Fn::Join"]) == 2 else None
        if not isinstance(parts, list) or not parts or not isinstance(parts[-1], str):
            return None
        match = _IMAGE_PATH.match(parts[-1])
        if match is None or ".dkr.ecr." not in parts:
            return None
        mapping = None
        first = parts[0]
        if isinstance(first, dict) and isinstance(first.get("Fn::FindInMap"), list):
            mapping = first["Fn::FindInMap"][0]
        account = first if isinstance(first, str) and first.isdigit() else None
        return ImageRef(**match.groupdict(), account=account, mapping=mapping)
    return None


def _endpoint_capacities(context: TemplateContext) -> dict[str, int]:
    """Endpoint config logical id -> the largest MaxCapacity of its endpoints' scalable
    targets (Application Auto Scaling may grow a variant up to it)."""
    config_of = {}
    for endpoint in context.of_type("AWS::SageMaker::Endpoint"):
        target = context.target(endpoint.get("EndpointConfigName"))
        if target is not None:
            config_of[endpoint.logical_id] = target.logical_id
    capacities: dict[str, int] = {}
    for scalable in context.of_type("AWS::ApplicationAutoScaling::ScalableTarget"):
        for logical_id in _referenced(scalable.properties.get("ResourceId")):
            config = config_of.get(logical_id)
            if config is not None:
                capacities[config] = max(
                    capacities.get(config, 0), _int(scalable.get("MaxCapacity"))
                )
    return capacities


def _referenced(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str):
            yield value["Ref"]
        get_att = value.get("Fn::GetAtt")
        if isinstance(get_att, list) and get_att and isinstance(get_att[0], str):
            yield get_att[0]
        for inner in value.values():
            yield from _referenced(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _referenced(inner)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _known(value: Any) -> bool:
    return isinstance(value, str) and not is_unknown(value)


def _int(value: Any) -> int:
    """A whole number the template states (``3``, ``3.0``, ``"3"``), else 0 (not ``inf``)."""
    return as_int(value) or 0
