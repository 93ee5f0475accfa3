"""The catalog: look-ups over regions, instance shapes and families, power and constants."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, TypeVar

from . import loader, naming
from .records import (
    ACCELERATOR_KINDS,
    FEATURES,
    Accelerator,
    Availability,
    Constant,
    DlcImage,
    DlcRegistry,
    Family,
    InstanceShape,
    InstanceType,
    PowerCoefficient,
    Price,
    Region,
    family_of,
    size_of,
    version_key,
)

FALLBACK_REGION = "*"
OVERRIDE_SOURCE = "user override"


class CatalogError(LookupError):
    """A look-up for something the catalog does not know."""

    def __str__(self) -> str:  # LookupError quotes its argument; show the sentence as written
        return str(self.args[0]) if self.args else ""


class UnknownInstanceTypeError(CatalogError):
    """The instance type is not in the catalog."""


class UnknownRegionError(CatalogError):
    """The region is not in the catalog."""


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    import difflib

    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
    return f"unknown {what} {name!r}{hint}"


T = TypeVar("T")
Tables = Mapping[str, T] | Callable[[], Mapping[str, T]]
"""A table of the catalog: a mapping, or the function that loads it."""


class _Table:
    """A catalog table, loaded from its source on first access and then kept on the instance
    (a non-data descriptor: the instance attribute shadows it)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, catalog: Catalog | None, owner: type | None = None) -> Any:
        if catalog is None:
            return self
        value = catalog.__dict__[self.name] = catalog._sources[self.name]()  # noqa: SLF001
        return value


def _as_dict(table: Tables[T]) -> Callable[[], dict[str, T]]:
    return (lambda: dict(table())) if callable(table) else (lambda: dict(table))


def _by_type_and_feature(
    facts: Iterable[Availability],
) -> dict[tuple[str, str], dict[str, Availability]]:
    found: dict[tuple[str, str], dict[str, Availability]] = {}
    for fact in facts:
        found.setdefault((fact.instance_type, fact.feature), {})[fact.region] = fact
    return found


class Catalog:
    """Sourced coefficients and shapes. Immutable: ``with_overrides`` returns a new catalog."""

    def __init__(
        self,
        *,
        regions: Tables[Region],
        instances: Tables[InstanceType],
        families: Tables[Family],
        power: Tables[PowerCoefficient],
        constants: Tables[Constant],
        accelerators: Tables[Accelerator],
        dlc_registries: Tables[DlcRegistry] | None = None,
        api_instance_types: Tables[frozenset[str]] | None = None,
        dlc_images: Iterable[DlcImage] | Callable[[], Iterable[DlcImage]] = (),
        availability: Iterable[Availability] | Callable[[], Iterable[Availability]] = (),
        shapes: Mapping[str, InstanceShape] | None = None,
        prices: Iterable[Price] | Callable[[], Iterable[Price]] = (),
    ) -> None:
        """Each table is a mapping, or a function returning one that is called on first use
        (the packaged catalog loads only the tables a caller needs)."""
        self._sources: dict[str, Callable[[], Any]] = {
            "_regions": _as_dict(regions),
            "_instances": _as_dict(instances),
            "_families": _as_dict(families),
            "_power": _as_dict(power),
            "_constants": _as_dict(constants),
            "_accelerators": _as_dict(accelerators),
            "_dlc_registries": _as_dict(dlc_registries or {}),
            "_api_instance_types": _as_dict(api_instance_types or {}),
            "_dlc_images": lambda: tuple(dlc_images() if callable(dlc_images) else dlc_images),
            "_availability": lambda: _by_type_and_feature(
                availability() if callable(availability) else availability
            ),
            "_prices": lambda: {
                (p.instance_type, p.feature, p.region): p
                for p in (prices() if callable(prices) else prices)
            },
        }
        self._shapes = None if shapes is None else dict(shapes)  # None: the packaged table
        self._family_shapes: dict[str, dict[str, InstanceShape]] = {}  # converted on first use
        self._by_family: dict[str, list[InstanceShape]] = {}
        self._lines: frozenset[str] | None = None  # family prefixes, for unknown families
        self._current: dict[frozenset[str], list[str]] = {}  # current families by kinds

    _regions = _Table()
    _instances = _Table()
    _families = _Table()
    _power = _Table()
    _constants = _Table()
    _accelerators = _Table()
    _dlc_registries = _Table()
    _api_instance_types = _Table()
    _dlc_images = _Table()
    _availability = _Table()
    _prices = _Table()

    @classmethod
    def default(cls) -> Catalog:
        """The catalog shipped with the package (shared by every caller)."""
        return _default_catalog()

    # regions -----------------------------------------------------------------------------
    def region(self, name: str, *, fallback: bool = False) -> Region:
        """Grid data of ``name``; with ``fallback`` an unknown region gets the ``*`` row."""
        found = self._regions.get(name)
        if found is not None and name != FALLBACK_REGION:
            return found
        if fallback:
            return self._regions[FALLBACK_REGION]
        raise UnknownRegionError(_unknown("region", name, self.region_names()))

    def region_names(self) -> list[str]:
        """The catalog's regions, sorted (the ``*`` average left out)."""
        return sorted(r for r in self._regions if r != FALLBACK_REGION)

    def has_region(self, name: str) -> bool:
        """Whether ``name`` is a region of the catalog (the ``*`` average is not)."""
        return name in self._regions and name != FALLBACK_REGION

    def regions_by_intensity(
        self,
        accelerator_kind: str | None = None,
        *,
        accelerator: str | None = None,
        feature: str | None = None,
    ) -> list[Region]:
        """Regions from the lowest grid intensity up, among those offering the accelerator.

        ``accelerator_kind`` ``inferentia`` or ``trainium`` (or a chip, ``accelerator``:
        ``Inferentia2``, ``Trainium``, ``Trainium2``) keeps the regions that offer a
        current-generation instance type with it, for ``feature`` (any feature when None), by
        the availability table; other kinds (GPU, CPU, Graviton) are offered everywhere.
        """
        if accelerator_kind is not None and accelerator_kind not in ACCELERATOR_KINDS:
            raise CatalogError(
                f"unknown accelerator kind {accelerator_kind!r}; "
                f"allowed: {', '.join(ACCELERATOR_KINDS)}"
            )
        if accelerator is not None:
            self.accelerator(accelerator)
        _check_feature(feature)
        chips = (
            {accelerator}
            if accelerator is not None
            else {
                f.accelerator
                for f in self._families.values()
                if f.kind == accelerator_kind and not f.previous_generation and f.accelerator
            }
            if accelerator_kind in ("inferentia", "trainium")
            else None
        )
        offering = None
        if chips is not None:
            types = [i.name for i in self._instances.values() if i.accelerator in chips]
            offering = {region for name in types for region in self._offering(name, feature)}
        regions = [
            r
            for name, r in self._regions.items()
            if name != FALLBACK_REGION and (offering is None or name in offering)
        ]
        return sorted(regions, key=lambda r: (r.kgco2e_per_kwh, r.name))

    # availability ------------------------------------------------------------------------
    def api_accepts(self, instance_type: str, feature: str) -> bool | None:
        """Whether the SageMaker API of ``feature`` takes ``instance_type`` (botocore's
        enums); None for ``ec2`` or when the table does not cover the feature."""
        _check_feature(feature)
        accepted = self._api_instance_types.get(feature)
        return None if accepted is None else instance_type in accepted

    def offered(self, instance_type: str, feature: str, region: str) -> bool | None:
        """Whether ``region`` offers ``instance_type`` for ``feature``: False when the API
        does not take the type or the availability table says it is not offered there, None
        when no table covers the type in that region.

        No public machine-readable source gives SageMaker's availability per feature and
        region without credentials, so a SageMaker feature without rows of its own is bounded
        by the EC2 offering of the same type (``ml.trn1.32xlarge`` -> ``trn1.32xlarge``):
        SageMaker cannot run a type where EC2 does not offer it; where EC2 does, SageMaker
        usually does too (``preflight --aws`` confirms through the account's quotas).
        """
        if self.api_accepts(instance_type, feature) is False:
            return False
        fact = self._facts(instance_type, feature).get(region)
        return None if fact is None else fact.offered

    def offering_regions(self, instance_type: str, feature: str) -> list[str] | None:
        """Regions offering ``instance_type`` for ``feature``, greenest first (regions
        without grid data last); None when no table covers the type."""
        if self.api_accepts(instance_type, feature) is False:
            return []
        facts = self._facts(instance_type, feature)
        if not facts:
            return None
        return self.greenest_first(self._offering(instance_type, feature))

    def availability_source(self, instance_type: str, feature: str) -> str | None:
        """Where the availability of ``instance_type`` for ``feature`` comes from."""
        own = self._availability.get((instance_type, feature))
        if own:
            return next(iter(own.values())).source
        facts = self._facts(instance_type, feature)
        if not facts:
            return None
        return f"EC2 offering of {_ec2_name(instance_type)}: {next(iter(facts.values())).source}"

    def _facts(self, instance_type: str, feature: str) -> dict[str, Availability]:
        own = self._availability.get((instance_type, feature))
        if own is not None or feature == "ec2":
            return own or {}
        return self._availability.get((_ec2_name(instance_type), "ec2"), {})

    def _offering(self, instance_type: str, feature: str | None) -> set[str]:
        features = FEATURES if feature is None else (feature,)
        return {
            region
            for f in features
            if self.api_accepts(instance_type, f) is not False
            for region, fact in self._facts(instance_type, f).items()
            if fact.offered
        }

    def greenest_first(self, regions: Iterable[str]) -> list[str]:
        """``regions`` from the lowest grid intensity up; unknown regions last, by name."""

        def key(name: str) -> tuple:
            known = self._regions.get(name) if name != FALLBACK_REGION else None
            return (known is None, known.kgco2e_per_kwh if known else 0.0, name)

        return sorted(set(regions), key=key)

    def dlc_images(self, repository: str | None = None) -> list[DlcImage]:
        """Deep Learning Container images of the SDK's tables (of ``repository``)."""
        return [i for i in self._dlc_images if repository is None or i.repository == repository]

    def dlc_image(self, repository: str, tag: str) -> DlcImage | None:
        """The table entry for ``repository:tag``, None when the tables do not list it.

        A Hugging Face transformers image matches the entry of its release (transformers and
        Neuron SDK versions) whatever PyTorch version leads its tag: the SDK's
        ``huggingface-neuronx`` training entry keys PyTorch 2.7.0 where the published tag
        carries 2.8.0.
        """
        same = [i for i in self._dlc_images if i.repository == repository]
        exact = next((i for i in same if i.tag == tag), None)
        if exact is not None or "-transformers" not in tag:
            return exact
        release = tag.split("-", 1)[1]
        return next((i for i in same if i.tag.split("-", 1)[1] == release), None)

    def image_registries(self, repository: str, tag: str) -> dict[str, str]:
        """Region -> registry account publishing ``repository:tag``: the tables' entry for the
        tag, else every region a listed version of the repository is published in, else every
        Deep Learning Container registry (an image the tables do not know)."""
        image = self.dlc_image(repository, tag)
        if image is not None:
            return dict(image.registries)
        versions = self.dlc_images(repository)
        if versions:
            return {region: account for i in versions for region, account in i.registries}
        return {r.region: r.account for r in self.dlc_registries()}

    def dlc_accounts(self) -> set[str]:
        """Every registry account publishing Deep Learning Container images."""
        return {r.account for r in self._dlc_registries.values()} | {
            account for i in self._dlc_images for _, account in i.registries
        }

    def newest_dlc_image(self, image_table: str, scope: str) -> DlcImage:
        """The newest version of an image table (``huggingface-vllm-neuronx``...)."""
        found = [i for i in self._dlc_images if i.image_table == image_table and i.scope == scope]
        if not found:
            raise CatalogError(f"no {scope} image in table {image_table!r}")
        return max(found, key=lambda i: version_key(i.version))

    def dlc_registry(self, region: str) -> DlcRegistry:
        """Account hosting the Deep Learning Container images in ``region``."""
        found = self._dlc_registries.get(region)
        if found is None:
            raise UnknownRegionError(
                _unknown("region for Deep Learning Container images", region, self._dlc_registries)
            )
        return found

    def dlc_registries(self) -> list[DlcRegistry]:
        """Every region with a Deep Learning Container registry, by region name."""
        return [self._dlc_registries[name] for name in sorted(self._dlc_registries)]

    # instances ---------------------------------------------------------------------------
    def instance(self, name: str) -> InstanceType:
        """Shape of a SageMaker instance type such as ``ml.inf2.xlarge``."""
        found = self._instances.get(name)
        if found is None:
            raise UnknownInstanceTypeError(_unknown("instance type", name, self._instances))
        return found

    def instances(self, kind: str | None = None) -> list[InstanceType]:
        """The catalog's SageMaker instance types, only those of ``kind`` (``gpu``...) if given."""
        return [i for i in self._instances.values() if kind is None or i.kind == kind]

    def family(self, instance_type: str) -> Family:
        """Family record of any EC2, ``ml.``, ``db.`` or ``cache.`` instance type."""
        found = self.find_family(instance_type)
        if found is None:
            name = family_of(instance_type)
            raise UnknownInstanceTypeError(
                _unknown("instance family", name, self._families) + f" (from {instance_type!r})"
            )
        return found

    def find_family(self, instance_type: str) -> Family | None:
        """Like :meth:`family`, ``None`` when the family is unknown. A family botocore does
        not name yet (``c9i``, ``trn3``, RDS's ``x2g``) of a known line gets its kind and
        architecture from the naming convention, as a current generation, when the type has
        a valid size or none (``ml.x9.huge`` is not an instance type)."""
        name = family_of(instance_type)
        found = self._families.get(name)
        if found is not None:
            return found
        size = size_of(instance_type)
        if size and not naming.SIZE.match(size):
            return None
        return _named_family(name, self._prefixes())

    def successors(self, family: Family) -> list[str]:
        """Current families that can replace ``family``: its curated successors, then the
        later families of its line by the naming convention (plain ones first, newest
        first, Graviton first)."""
        named = family.superseded_by.split(" or ") if family.superseded_by else []
        current = (f.name for f in self._families.values() if not f.previous_generation)
        return list(dict.fromkeys([*named, *naming.successors(family.name, current)]))

    def rds_classes(self, engine: str | None) -> frozenset[str]:
        """DB instance classes RDS offers for ``engine`` in some region (cfn-lint's schema
        data); every engine's classes when ``engine`` is None or not in the table."""
        by_engine = loader.load_rds_classes()
        found = by_engine.get(engine) if engine else None
        return found if found is not None else frozenset().union(*by_engine.values())

    def current_families(self, kinds: Iterable[str]) -> list[str]:
        """Current families of ``kinds``: plain ones first, then the newest, Graviton first."""
        wanted = frozenset(kinds)
        found = self._current.get(wanted)
        if found is None:
            found = self._current[wanted] = naming.preferred(
                f.name
                for f in self._families.values()
                if f.kind in wanted and not f.previous_generation
            )
        return list(found)

    def shape(self, instance_type: str) -> InstanceShape | None:
        """vCPUs, memory and accelerators of an EC2 or ``ml.`` type (None when unknown):
        the generated shapes table, with the accelerators of ``instances.csv`` where that
        table has none."""
        name = _ec2_name(instance_type)
        found = self._shape_table(name.split(".", 1)[0]).get(name)
        listed = self._instances.get(f"ml.{name}")
        if listed is None or not listed.accelerator or (found and found.accelerator):
            return found
        return InstanceShape(
            name=name,
            vcpu=listed.vcpu,
            memory_gib=listed.memory_gib,
            architecture=found.architecture if found else "x86_64",
            accelerator=listed.accelerator,
            accelerator_count=listed.accelerator_count,
            accelerator_memory_gib=listed.accelerator_memory_gib,
            generation=found.generation if found else None,
            source=listed.source,
        )

    def comparable(
        self, instance_type: str, feature: str, families: Iterable[str], *, across: bool = False
    ) -> str | None:
        """The smallest type of the first of ``families`` (``inf2``, ``m8g``...), or with
        ``across`` of all of them (the earlier family on a tie), that ``feature``'s API takes
        (botocore's enums; any EC2 type for ``ec2``) and that matches the size of
        ``instance_type``: between one and four times its accelerators when both are
        accelerated (and at least its accelerator memory), else its vCPUs (and at least its
        memory). ``ml.`` names for SageMaker features; None when no family has one or the
        size of ``instance_type`` is unknown."""
        _check_feature(feature)
        own = self.shape(instance_type)
        if own is None:
            return None
        prefix = "" if feature == "ec2" else "ml."
        found: list[tuple[tuple, InstanceShape]] = []
        for rank, family in enumerate(families):
            found += [
                ((*_size(s), rank), s)
                for s in self.family_shapes(family)
                if (feature == "ec2" or self.api_accepts(prefix + s.name, feature))
                and _fits(own, s)
            ]
            if found and not across:
                break
        return prefix + min(found, key=lambda item: item[0])[1].name if found else None

    def _shape_table(self, family: str) -> dict[str, InstanceShape]:
        """The shapes of ``family``'s types by name (the given or the packaged table)."""
        found = self._family_shapes.get(family)
        if found is None:
            if self._shapes is None:
                found = loader.load_family_shapes(family)
            else:
                found = {n: s for n, s in self._shapes.items() if n.split(".", 1)[0] == family}
            self._family_shapes[family] = found
        return found

    def family_shapes(self, family: str) -> list[InstanceShape]:
        """The sizes of ``family``'s EC2 types (``g5`` -> g5.xlarge...), with the
        accelerators of their ``ml.`` twins where the generated table has none."""
        found = self._by_family.get(family)
        if found is None:
            found = self._by_family[family] = [
                (self.shape(name) or shape)
                if shape.accelerator is None and f"ml.{name}" in self._instances
                else shape
                for name, shape in self._shape_table(family).items()
            ]
        return found

    def _prefixes(self) -> frozenset[str]:
        if self._lines is None:
            parsed = (naming.parse(name) for name in self._families)
            self._lines = frozenset(p.prefix for p in parsed if p is not None)
        return self._lines

    def accelerator(self, name: str) -> Accelerator:
        """The accelerator named ``name``; ``CatalogError`` when the catalog lacks it."""
        found = self._accelerators.get(name)
        if found is None:
            raise CatalogError(_unknown("accelerator", name, self._accelerators))
        return found

    def neuron_cores(self, instance_type: str) -> int:
        """NeuronCores of a SageMaker instance type (0 when it has no Neuron accelerator)."""
        shape = self.instance(instance_type)
        if not shape.accelerator or shape.accelerator not in self._accelerators:
            return 0
        return shape.accelerator_count * self._accelerators[shape.accelerator].neuron_cores_per_chip

    # power and constants -----------------------------------------------------------------
    def power(self, component: str) -> PowerCoefficient:
        """The power coefficient of ``component``; ``CatalogError`` when the catalog lacks it."""
        found = self._power.get(component)
        if found is None:
            raise CatalogError(_unknown("power component", component, self._power))
        return found

    def constant(self, name: str) -> Constant:
        """The constant named ``name``; ``CatalogError`` when the catalog lacks it."""
        found = self._constants.get(name)
        if found is None:
            raise CatalogError(_unknown("constant", name, self._constants))
        return found

    def price(self, instance_type: str, feature: str, region: str) -> Price | None:
        """SageMaker's on-demand price of ``instance_type`` for ``feature`` (``hosting``,
        ``async``, ``transform``, ``training`` or ``any``) in ``region``, when the price table
        has it (no fallback here: the estimator says which one it uses)."""
        return self._prices.get((instance_type, feature, region))

    def with_prices(self, prices: Iterable[Price]) -> Catalog:
        """A copy where ``prices`` replace the price of their (type, feature, region)."""
        tables = self._tables()
        merged = {(p.instance_type, p.feature, p.region): p for p in [*tables["prices"], *prices]}
        return Catalog(**{**tables, "prices": merged.values()})

    def with_grid(self, grid: str) -> Catalog:
        """A copy whose grid factors come from table ``grid``: ``lifecycle`` (the default)
        or ``ccf`` (Cloud Carbon Footprint's factors), see ``loader.GRIDS``."""
        if grid not in loader.GRIDS:
            raise CatalogError(f"unknown grid {grid!r}; allowed: {', '.join(loader.GRIDS)}")
        return Catalog(**{**self._tables(), "regions": lambda: loader.load_regions(grid)})

    def with_availability(self, facts: Iterable[Availability]) -> Catalog:
        """A copy where ``facts`` replace the availability of their (type, feature, region)."""
        tables = self._tables()
        merged = {
            (f.instance_type, f.feature, f.region): f for f in [*tables["availability"], *facts]
        }
        return Catalog(**{**tables, "availability": merged.values()})

    # overrides ---------------------------------------------------------------------------
    def with_overrides(
        self,
        *,
        grid_intensity: Mapping[str, float] | None = None,
        power: Mapping[str, tuple[float, float]] | None = None,
        constants: Mapping[str, float] | None = None,
    ) -> Catalog:
        """A copy with coefficients replaced; overridden rows say ``basis=user-override``.

        ``power`` maps a component (``Inferentia2``, ``epyc-3``...) to ``(idle_watts, max_watts)``.
        """
        regions = dict(self._regions)
        for name, value in (grid_intensity or {}).items():
            base = regions.get(name) or self.region(name)
            regions[name] = base._replace(
                kgco2e_per_kwh=float(value), basis="user-override", source=OVERRIDE_SOURCE
            )
        coefficients = dict(self._power)
        for name, (idle, peak) in (power or {}).items():
            coefficients[name] = self.power(name)._replace(
                idle_watts=float(idle),
                max_watts=float(peak),
                basis="user-override",
                source=OVERRIDE_SOURCE,
            )
        named = dict(self._constants)
        for name, value in (constants or {}).items():
            named[name] = self.constant(name)._replace(value=float(value), source=OVERRIDE_SOURCE)
        return Catalog(
            **{**self._tables(), "regions": regions, "power": coefficients, "constants": named}
        )

    def _tables(self) -> dict[str, Any]:
        """This catalog's tables as ``Catalog`` arguments, for a copy that replaces some."""
        return {
            "regions": self._regions,
            "instances": self._instances,
            "families": self._families,
            "power": self._power,
            "constants": self._constants,
            "accelerators": self._accelerators,
            "dlc_registries": self._dlc_registries,
            "api_instance_types": self._api_instance_types,
            "dlc_images": self._dlc_images,
            "availability": [f for facts in self._availability.values() for f in facts.values()],
            "shapes": self._shapes,
            "prices": list(self._prices.values()),
        }


@lru_cache(maxsize=1)
def _default_catalog() -> Catalog:
    return Catalog(
        regions=loader.load_regions,
        instances=loader.load_instances,
        families=loader.load_families,
        power=loader.load_power,
        constants=loader.load_constants,
        accelerators=loader.load_accelerators,
        dlc_registries=loader.load_dlc_registries,
        api_instance_types=loader.load_api_instance_types,
        dlc_images=loader.load_dlc_images,
        availability=loader.load_availability,
        prices=loader.load_prices,
    )


@lru_cache(maxsize=256)
def _named_family(name: str, prefixes: frozenset[str]) -> Family | None:
    """A family the table lacks, classified by the naming convention when its line is known."""
    parsed = naming.parse(name)
    if parsed is None or parsed.prefix not in prefixes:
        return None
    architecture = naming.architecture(parsed)
    return Family(
        name=name,
        kind=naming.kind(parsed, architecture, previous=False),
        generation="current",
        architecture=architecture,
        accelerator=None,
        superseded_by=None,
        source="EC2 naming convention (a family botocore's enum does not list)",
    )


def _fits(own: InstanceShape, candidate: InstanceShape) -> bool:
    """Whether ``candidate`` matches the size of ``own``: when both have accelerator memory,
    at least as much of it and at most four times the accelerators; else at least the
    vCPUs (at most four times) and the memory."""
    if own.accelerator_memory_gib and candidate.accelerator_memory_gib:
        return candidate.accelerator_memory_gib >= own.accelerator_memory_gib and (
            not (own.accelerator_count and candidate.accelerator_count)
            or candidate.accelerator_count <= 4 * own.accelerator_count
        )
    return own.vcpu <= candidate.vcpu <= 4 * own.vcpu and candidate.memory_gib >= own.memory_gib


def _size(shape: InstanceShape) -> tuple:
    """Smaller first; equal sizes keep the order of the families asked for."""
    return (
        shape.accelerator_memory_gib or 0.0,
        shape.accelerator_count,
        shape.vcpu,
        shape.memory_gib,
    )


def _ec2_name(instance_type: str) -> str:
    return instance_type[3:] if instance_type.startswith("ml.") else instance_type


def _check_feature(feature: str | None) -> None:
    if feature is not None and feature not in FEATURES:
        raise CatalogError(f"unknown feature {feature!r}; allowed: {', '.join(FEATURES)}")
