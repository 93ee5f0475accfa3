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
from constructs import Construct, IConstruct, RootConstruct

from ..catalog import Catalog
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding
from ..props import UNCHECKED, implements, is_token, one_of, string_map, text

if TYPE_CHECKING:
    from ..catalog.right_sizing import SizingDecision

IMAGE_ACCELERATORS = ("neuron", "gpu", "cpu")
_IMAGE_ALLOWED = "a container image URI (a non-empty string, e.g. '<registry>/<repository>:<tag>')"
_S3_URL = re.compile(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\S+")
_S3_URL_ALLOWED = "an S3 URL 's3://<bucket>/<key>' of a .tar.gz archive or a prefix ending with '/'"
_S3_KEY = re.compile(r"[^/\s]\S*")
_S3_KEY_ALLOWED = "the non-empty S3 key of a .tar.gz archive or a prefix (no leading '/')"
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


def detached_scope() -> RootConstruct:
    """A construct outside any app: a model source (not a construct) records its token notes
    on it until :func:`copy_notes` gives them to the construct it binds to."""
    return RootConstruct("props")


def copy_notes(notes: IConstruct, scope: IConstruct) -> None:
    """Record on ``scope`` the ``green-constructs:unchecked`` notes held by ``notes``."""
    for entry in notes.node.metadata:
        if entry.type == UNCHECKED:
            scope.node.add_metadata(entry.type, entry.data)


def concrete(name: str, value: object, why: str) -> None:
    """ValueError naming ``name`` when ``value`` is a token: ``why`` it is needed at synth."""
    if is_token(value):
        raise ValueError(f"{name} must be a concrete value ({why}), got a token: {value!r}")


def check_bucket(name: str, value: object) -> None:
    """TypeError naming ``name`` unless ``value`` is an ``s3.IBucket``."""
    implements(name, value, "arn_for_objects", "an s3.IBucket")


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
        self._notes = detached_scope()
        text(self._notes, "image", image, allowed=_IMAGE_ALLOWED)
        if accelerator is not None:
            concrete("accelerator", accelerator, "it is matched to the instance type at synth")
            one_of(self._notes, "accelerator", accelerator, IMAGE_ACCELERATORS)
        if environment is not None:
            string_map("environment", environment)
        if model_data_url is not None:
            text(
                self._notes,
                "model_data_url",
                model_data_url,
                pattern=_S3_URL,
                allowed=_S3_URL_ALLOWED,
            )
        if model_bucket is not None:
            check_bucket("model_bucket", model_bucket)
        text(self._notes, "model_key_pattern", model_key_pattern)
        self.image = image
        self.environment = dict(environment or {})
        self.model_data_url = model_data_url
        self.model_bucket = model_bucket
        self.model_key_pattern = model_key_pattern
        self.accelerator = accelerator

    def bind(self, scope: Construct, *, instance_type: str, role: iam.IRole) -> ContainerConfig:
        """Check the image suits ``instance_type``, let ``role`` pull it (and read the weights),
        and return the container."""
        copy_notes(self._notes, scope)
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
        check_bucket("bucket", bucket)
        notes = detached_scope()
        text(notes, "key", key, pattern=_S3_KEY, allowed=_S3_KEY_ALLOWED)
        if not cdk.Token.is_unresolved(key) and not key.endswith(".tar.gz"):
            key = f"{key.rstrip('/')}/"
        super().__init__(
            image,
            environment=environment,
            model_data_url=bucket.s3_url_for_object(key),
            model_bucket=bucket,
            model_key_pattern=f"{key}*" if key.endswith("/") else key,
            accelerator=accelerator,
        )
        self._notes = notes  # only the key is the user's: the URL and pattern come from it
