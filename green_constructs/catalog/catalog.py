"""The catalog: look-ups over regions, instance shapes and families, power and constants."""

from __future__ import annotations

import dataclasses
import difflib
from functools import lru_cache
from typing import Iterable, Mapping

from . import loader
from .records import (
    ACCELERATOR_KINDS,
    Accelerator,
    Constant,
    DlcRegistry,
    Family,
    InstanceType,
    PowerCoefficient,
    Region,
    family_of,
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
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
    return f"unknown {what} {name!r}{hint}"


class Catalog:
    """Sourced coefficients and shapes. Immutable: ``with_overrides`` returns a new catalog."""

    def __init__(
        self,
        *,
        regions: Mapping[str, Region],
        instances: Mapping[str, InstanceType],
        families: Mapping[str, Family],
        power: Mapping[str, PowerCoefficient],
        constants: Mapping[str, Constant],
        accelerators: Mapping[str, Accelerator],
        dlc_registries: Mapping[str, DlcRegistry] | None = None,
    ) -> None:
        self._regions = dict(regions)
        self._instances = dict(instances)
        self._families = dict(families)
        self._power = dict(power)
        self._constants = dict(constants)
        self._accelerators = dict(accelerators)
        self._dlc_registries = dict(dlc_registries or {})

    @classmethod
    def default(cls) -> "Catalog":
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
        return sorted(r for r in self._regions if r != FALLBACK_REGION)

    def has_region(self, name: str) -> bool:
        """Whether ``name`` is a region of the catalog (the ``*`` average is not)."""
        return name in self._regions and name != FALLBACK_REGION

    def regions_by_intensity(self, accelerator_kind: str | None = None) -> list[Region]:
        """Regions from the lowest grid intensity up, among those offering the accelerator.

        ``inferentia`` and ``trainium`` keep regions known to offer Neuron instances; other kinds
        (GPU, CPU, Graviton) are offered everywhere.
        """
        if accelerator_kind is not None and accelerator_kind not in ACCELERATOR_KINDS:
            raise CatalogError(
                f"unknown accelerator kind {accelerator_kind!r}; "
                f"allowed: {', '.join(ACCELERATOR_KINDS)}"
            )
        needs_neuron = accelerator_kind in ("inferentia", "trainium")
        regions = [
            r
            for name, r in self._regions.items()
            if name != FALLBACK_REGION and (not needs_neuron or r.neuron_offered)
        ]
        return sorted(regions, key=lambda r: (r.kgco2e_per_kwh, r.name))

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
        return [i for i in self._instances.values() if kind is None or i.kind == kind]

    def family(self, instance_type: str) -> Family:
        """Family record of any EC2, ``ml.``, ``db.`` or ``cache.`` instance type."""
        name = family_of(instance_type)
        found = self._families.get(name)
        if found is None:
            raise UnknownInstanceTypeError(
                _unknown("instance family", name, self._families) + f" (from {instance_type!r})"
            )
        return found

    def find_family(self, instance_type: str) -> Family | None:
        """Like :meth:`family`, ``None`` when the family is unknown."""
        return self._families.get(family_of(instance_type))

    def accelerator(self, name: str) -> Accelerator:
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
        found = self._power.get(component)
        if found is None:
            raise CatalogError(_unknown("power component", component, self._power))
        return found

    def constant(self, name: str) -> Constant:
        found = self._constants.get(name)
        if found is None:
            raise CatalogError(_unknown("constant", name, self._constants))
        return found

    # overrides ---------------------------------------------------------------------------
    def with_overrides(
        self,
        *,
        grid_intensity: Mapping[str, float] | None = None,
        power: Mapping[str, tuple[float, float]] | None = None,
        constants: Mapping[str, float] | None = None,
    ) -> "Catalog":
        """A copy with coefficients replaced; overridden rows say ``basis=user-override``.

        ``power`` maps a component (``Inferentia2``, ``epyc-3``...) to ``(idle_watts, max_watts)``.
        """
        regions = dict(self._regions)
        for name, value in (grid_intensity or {}).items():
            base = regions.get(name) or self.region(name)
            regions[name] = dataclasses.replace(
                base, kgco2e_per_kwh=float(value), basis="user-override", source=OVERRIDE_SOURCE
            )
        coefficients = dict(self._power)
        for name, (idle, peak) in (power or {}).items():
            coefficients[name] = dataclasses.replace(
                self.power(name),
                idle_watts=float(idle),
                max_watts=float(peak),
                basis="user-override",
                source=OVERRIDE_SOURCE,
            )
        named = dict(self._constants)
        for name, value in (constants or {}).items():
            named[name] = dataclasses.replace(
                self.constant(name), value=float(value), source=OVERRIDE_SOURCE
            )
        return Catalog(
            regions=regions,
            instances=self._instances,
            families=self._families,
            power=coefficients,
            constants=named,
            accelerators=self._accelerators,
            dlc_registries=self._dlc_registries,
        )


@lru_cache(maxsize=1)
def _default_catalog() -> Catalog:
    return Catalog(
        regions=loader.load_regions(),
        instances=loader.load_instances(),
        families=loader.load_families(),
        power=loader.load_power(),
        constants=loader.load_constants(),
        accelerators=loader.load_accelerators(),
        dlc_registries=loader.load_dlc_registries(),
    )
