"""Typed records of the catalog: one ``NamedTuple`` per data file row (cheap to create and
to import, unlike dataclasses, on the lint's cold start)."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from . import naming

ACCELERATOR_KINDS = (
    "inferentia",
    "trainium",
    "gpu",
    "gpu-previous",
    "accelerator",
    "cpu",
    "graviton",
)
"""Family kinds: ``accelerator`` covers FPGAs, Gaudi and Qualcomm chips and video transcoders."""


class Region(NamedTuple):
    """An AWS region's location-based grid emission factor."""

    name: str
    kgco2e_per_kwh: float
    basis: str
    source: str


class InstanceType(NamedTuple):
    """A SageMaker ``ml.*`` instance shape."""

    name: str
    kind: str
    vcpu: int
    memory_gib: float
    host_cpu: str
    accelerator: str | None
    accelerator_count: int
    accelerator_memory_gib: float | None
    embodied_platform_kgco2e: float | None
    usd_per_hour: float | None
    source: str
    embodied_source: str = ""
    """Where ``embodied_platform_kgco2e`` comes from (``source`` when empty)."""
    price_source: str = ""
    """Where ``usd_per_hour`` comes from: an EC2 on-demand price, SageMaker's are dearer
    (:class:`Price` rows of ``sagemaker_prices.csv`` are SageMaker's own)."""

    @property
    def family(self) -> str:
        return family_of(self.name)

    @classmethod
    def cpu_share(cls, name: str, *, vcpu: float, memory_gib: float, source: str) -> InstanceType:
        """A CPU-only shape the catalog does not list (serverless compute, an OpenSearch
        Compute Unit) on the AWS-average host CPU, with no embodied figure or price."""
        return cls(
            name=name,
            kind="cpu",
            vcpu=vcpu,  # type: ignore[arg-type]  # a fractional share of a host
            memory_gib=memory_gib,
            host_cpu="aws-average",
            accelerator=None,
            accelerator_count=0,
            accelerator_memory_gib=None,
            embodied_platform_kgco2e=None,
            usd_per_hour=None,
            source=source,
        )


class Price(NamedTuple):
    """SageMaker's on-demand price of an instance type for a feature (``hosting``, ``async``,
    ``transform``, ``training``; ``any`` when the source does not say) in a region."""

    instance_type: str
    feature: str
    region: str
    usd_per_hour: float
    source: str


class DlcRegistry(NamedTuple):
    """The account hosting AWS Deep Learning Container images in a region."""

    region: str
    account: str
    source: str

    @property
    def domain(self) -> str:
        """ECR's DNS suffix in the region's partition (``amazonaws.com.cn`` in China)."""
        return "amazonaws.com.cn" if self.region.startswith("cn-") else "amazonaws.com"


FEATURES = (
    "hosting",
    "transform",
    "training",
    "processing",
    "hyperpod",
    "notebook",
    "studio-app",
    "ec2",
)
"""Where an instance type is used: SageMaker endpoints (real-time and asynchronous), batch
transform, training and processing jobs, HyperPod clusters, notebook instances, Studio apps,
and plain EC2."""
FEATURE_NAMES = {
    "hosting": "SageMaker endpoints",
    "transform": "SageMaker batch transform",
    "training": "SageMaker training jobs",
    "processing": "SageMaker processing jobs",
    "hyperpod": "SageMaker HyperPod clusters",
    "notebook": "SageMaker notebook instances",
    "studio-app": "SageMaker Studio apps",
    "ec2": "EC2",
}
"""How messages name each feature."""


def version_key(version: str) -> tuple[int, ...]:
    """The numbers of a version string, for ordering: ``4.55.4/pytorch2.7.0`` ->
    ``(4, 55, 4, 2, 7, 0)``."""
    return tuple(int(n) for n in "".join(c if c.isdigit() else " " for c in version).split())


class DlcImage(NamedTuple):
    """A Deep Learning Container image version and the regions it is published in."""

    image_table: str
    scope: str
    version: str
    repository: str
    tag: str
    registries: tuple[tuple[str, str], ...]
    source: str

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(region for region, _ in self.registries)

    def account(self, region: str) -> str | None:
        """The registry account publishing the image in ``region`` (None when it is not)."""
        return dict(self.registries).get(region)


class Availability(NamedTuple):
    """Whether a region offers an instance type for a feature, with the source of the fact."""

    instance_type: str
    feature: str
    region: str
    offered: bool
    source: str


class Family(NamedTuple):
    """An instance family (``g5``, ``inf2``, ``m4``...) with its kind and generation."""

    name: str
    kind: str
    generation: str
    architecture: str
    accelerator: str | None
    superseded_by: str | None
    source: str

    @property
    def previous_generation(self) -> bool:
        return self.generation == "previous"

    @property
    def line(self) -> str:
        """The family's prefix by the naming convention: ``c`` for ``c7gn``, ``inf`` for
        ``inf2``."""
        parsed = naming.parse(self.name)
        return parsed.prefix if parsed else self.name


class InstanceShape(NamedTuple):  # a tuple: 1,400 are built when a rule sizes a suggestion
    """Size of an EC2 instance type (the same as its SageMaker ``ml.`` twin)."""

    name: str
    vcpu: int
    memory_gib: float
    architecture: str
    accelerator: str | None
    accelerator_count: int
    accelerator_memory_gib: float | None
    generation: str | None
    source: str


class Accelerator(NamedTuple):
    """An accelerator chip: its NeuronCores (0 for GPUs) and memory."""

    name: str
    vendor: str
    neuron_cores_per_chip: int
    memory_gib_per_chip: float
    source: str


class PowerCoefficient(NamedTuple):
    """Idle and maximum watts of a CPU microarchitecture (per vCPU) or an accelerator chip."""

    component: str
    kind: str
    idle_watts: float | None
    max_watts: float | None
    basis: str
    source: str


class Constant(NamedTuple):
    """A named coefficient (PUE, memory and storage energy, lifespans...)."""

    name: str
    value: float
    unit: str
    source: str


class AssumptionRange(NamedTuple):
    """The low, central and high values of an assumed coefficient, with their basis.

    ``section`` says what ``name`` is: ``power`` (a component of ``power_coefficients.csv``;
    the values are board watts per chip, or maximum watts per vCPU for a CPU such as
    ``graviton3``, each end scaling the row's idle and maximum watts by ``end / central``) or
    ``constant`` (a constant of ``constants.csv``)."""

    name: str
    section: str
    unit: str
    low: float
    central: float
    high: float
    basis: str
    source: str


_CLASS_PREFIXES = ("ml.", "db.", "cache.")


@lru_cache(maxsize=4096)  # rules ask for the same few types on every resource
def family_of(instance_type: str) -> str:
    """Family of an EC2, SageMaker, RDS or ElastiCache type: ``ml.g5.2xlarge`` -> ``g5``."""
    return _unprefixed(instance_type).split(".", 1)[0]


def size_of(instance_type: str) -> str:
    """Size of an instance type, empty for a bare family: ``ml.g5.2xlarge`` -> ``2xlarge``."""
    return _unprefixed(instance_type).partition(".")[2]


def _unprefixed(instance_type: str) -> str:
    name = instance_type.strip().lower()
    for prefix in _CLASS_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name
