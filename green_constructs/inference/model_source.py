"""Where a served model comes from: a container image, its environment and its weights."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ..catalog import Catalog
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding

if TYPE_CHECKING:
    from ..catalog.right_sizing import SizingDecision

IMAGE_ACCELERATORS = ("neuron", "gpu", "cpu")
_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repository>[^:@]+)"
)


@dataclass(frozen=True)
class ContainerConfig:
    """What ``AWS::SageMaker::Model`` needs for its primary container.

    :param model_data_url: S3 URL of the weights: a ``.tar.gz`` archive (``ModelDataUrl``), or
        an uncompressed prefix ending with ``/`` (``ModelDataSource``, ``S3Prefix``).
    :param startup_health_check_timeout: how long the container needs to pass its first health
        check; endpoints use it unless given their own. None: SageMaker's default.
    :param model_dir_environment: the environment serving weights placed in /opt/ml/model
        (a model update step that serves new weights uses it). None: ``environment``.
    """

    image: str
    environment: Mapping[str, str] = field(default_factory=dict)
    model_data_url: str | None = None
    startup_health_check_timeout: cdk.Duration | None = None
    model_dir_environment: Mapping[str, str] | None = None


def image_accelerator(image: str) -> str | None:
    """``neuron``, ``gpu`` or ``cpu`` from an image URI's name and tag; None when unknown."""
    if cdk.Token.is_unresolved(image):
        return None
    name = image.lower()
    if "neuron" in name:
        return "neuron"
    if re.search(r"(-gpu|cu1\d\d|cuda)", name):
        return "gpu"
    if re.search(r"-cpu", name):
        return "cpu"
    return None


def instance_accelerator(instance_type: str) -> str:
    """``neuron``, ``gpu`` or ``cpu`` for a SageMaker instance type."""
    kind = Catalog.default().family(instance_type).kind
    if kind in ("inferentia", "trainium"):
        return "neuron"
    return "gpu" if kind in ("gpu", "gpu-previous") else "cpu"


def check_image_fits_instance(image: str, accelerator: str | None, instance_type: str) -> None:
    """Fail synth when an image built for one accelerator is put on another."""
    built_for = accelerator or image_accelerator(image)
    needed = instance_accelerator(instance_type)
    if built_for is not None and built_for != needed:
        raise ValueError(
            f"image: {image} is a {built_for} image, but instance_type {instance_type} needs a "
            f"{needed} image (allowed accelerators for this instance: {needed})"
        )


def grant_image_pull(role: iam.IRole, image: str) -> None:
    """Let ``role`` pull ``image`` from ECR (its repository only; the token call is global)."""
    match = _ECR_IMAGE.match(image) if not cdk.Token.is_unresolved(image) else None
    if match is None:
        return
    grant_repository_pull(
        role, account=match["account"], region=match["region"], repository=match["repository"]
    )


def grant_repository_pull(role: iam.IRole, *, account: str, region: str, repository: str) -> None:
    """Let ``role`` pull from one ECR repository; ``account`` and ``region`` may be tokens."""
    stack = cdk.Stack.of(role)
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            resources=[
                stack.format_arn(
                    service="ecr",
                    region=region,
                    account=account,
                    resource="repository",
                    resource_name=repository,
                )
            ],
        )
    )
    role.add_to_principal_policy(
        iam.PolicyStatement(actions=["ecr:GetAuthorizationToken"], resources=["*"])
    )


def grant_model_data_read(role: iam.IRole, bucket: s3.IBucket, key_pattern: str) -> None:
    """Let ``role`` read the model data at ``key_pattern`` (a key, or ``<prefix>*``) and list
    a prefix, decrypting with the bucket's key; a wildcard is acknowledged on the role."""
    objects = bucket.arn_for_objects(key_pattern)
    role.add_to_principal_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[objects]))
    if bucket.encryption_key is not None:
        bucket.encryption_key.grant_decrypt(role)
    if "*" not in key_pattern:
        return
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["s3:ListBucket"],
            resources=[bucket.bucket_arn],
            conditions={"StringLike": {"s3:prefix": [key_pattern]}},
        )
    )
    if isinstance(role, Construct):
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "SageMaker copies every file of the model data under its prefix; the role reads "
            "only that prefix.",
            applies_to=[resource_finding(role, objects)],
        )


class ModelSource(ABC):
    """A model to serve: binds to an instance type and a role, returns the container config."""

    @abstractmethod
    def bind(self, scope: Construct, *, instance_type: str, role: iam.IRole) -> ContainerConfig:
        """Validate against ``instance_type`` (ValueError naming the property), grant ``role``
        what pulling the image and weights needs, and return the container."""

    def right_size(self, *, families: tuple[str, ...]) -> SizingDecision | None:
        """The smallest fitting instance when the source knows the model's size, else None."""
        return None

    @property
    def network_requirement(self) -> str | None:
        """Why the container needs network access to start (and how to avoid it), else None."""
        return None


class CustomImage(ModelSource):
    """Any serving image (``image``), with optional weights (``model_data_url``: the S3 URL of a
    ``.tar.gz``, or of an uncompressed prefix ending with ``/``).

    :param accelerator: what the image is built for (``neuron``, ``gpu``, ``cpu``). Default:
        guessed from the image name and tag (``neuronx``, ``-gpu``, ``cu124``...).
    :param model_bucket: bucket holding ``model_data_url``, to grant read access to
        ``model_key_pattern`` (default: the whole bucket).
    """

    environment: dict[str, str]
    """The container's environment variables."""

    def __init__(
        self,
        image: str,
        *,
        environment: Mapping[str, str] | None = None,
        model_data_url: str | None = None,
        model_bucket: s3.IBucket | None = None,
        model_key_pattern: str = "*",
        accelerator: str | None = None,
    ) -> None:
        if accelerator is not None and accelerator not in IMAGE_ACCELERATORS:
            raise ValueError(
                f"accelerator must be one of {', '.join(IMAGE_ACCELERATORS)}, got {accelerator!r}"
            )
        self.image = image
        self.environment = dict(environment or {})
        self.model_data_url = model_data_url
        self.model_bucket = model_bucket
        self.model_key_pattern = model_key_pattern
        self.accelerator = accelerator

    def bind(self, scope: Construct, *, instance_type: str, role: iam.IRole) -> ContainerConfig:
        """Check the image suits ``instance_type``, let ``role`` pull it (and read the weights),
        and return the container."""
        check_image_fits_instance(self.image, self.accelerator, instance_type)
        grant_image_pull(role, self.image)
        if self.model_bucket is not None:
            grant_model_data_read(role, self.model_bucket, self.model_key_pattern)
        return ContainerConfig(
            image=self.image, environment=self.environment, model_data_url=self.model_data_url
        )


class S3ModelArtifact(CustomImage):
    """Weights in S3 served by ``image``: ``key`` names a ``.tar.gz`` archive, or else a prefix
    whose uncompressed files SageMaker copies to /opt/ml/model."""

    def __init__(
        self,
        bucket: s3.IBucket,
        key: str,
        *,
        image: str,
        environment: Mapping[str, str] | None = None,
        accelerator: str | None = None,
    ) -> None:
        if not key.endswith(".tar.gz"):
            key = f"{key.rstrip('/')}/"
        super().__init__(
            image,
            environment=environment,
            model_data_url=bucket.s3_url_for_object(key),
            model_bucket=bucket,
            model_key_pattern=f"{key}*" if key.endswith("/") else key,
            accelerator=accelerator,
        )
