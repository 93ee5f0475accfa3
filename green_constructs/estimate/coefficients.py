"""User overrides of catalog coefficients, from a ``--coefficients`` file or a workload section.

::

    grid_intensity: {eu-north-1: 0.02}        # kgCO2e per kWh, per region
    power: {Inferentia2: [10, 90]}            # idle and maximum watts, per component
    constants: {pue_aws: 1.15}                # any constant of the catalog

Each override is applied with :meth:`Catalog.with_overrides`; overridden rows say so in the
coefficients an estimate lists.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..catalog import Catalog, CatalogError
from .workload import WorkloadError, field_name

SECTIONS = ("grid_intensity", "power", "constants")
CEILING = 1e6
"""Upper bound of a constant without a range of its own: keeps every product finite."""
CONSTANTS = {
    "pue_aws": (1.0, 10.0),
    "default_utilization": (0.0, 1.0),
    "server_lifespan_hours": (1.0, CEILING),
    "training_time_ratio_gpu": (0.01, 100.0),
}
"""Allowed range of constants, lowest and highest (others: 0 to CEILING)."""
GRID_INTENSITY = (0.0, 10.0)
"""kg CO2e per kWh (the most carbon-intensive grids are near 1)."""
MAX_WATTS = 10_000.0
"""Most watts one chip or vCPU may draw."""


def load_coefficients(path: str | Path) -> Mapping[str, Any]:
    """Decoded content of a coefficients file (YAML or JSON); validated by :func:`apply`."""
    from ..lint.decode import TemplateDecodeError, load_data

    if not os.path.exists(path):
        raise WorkloadError(f"{path}: coefficients file not found")
    try:
        data = load_data(path)
    except TemplateDecodeError as error:
        raise WorkloadError(str(error)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise WorkloadError(f"{path}: coefficients must be a mapping of {', '.join(SECTIONS)}")
    return data


def apply(
    catalog: Catalog, overrides: Mapping[str, Any], *, where: str = "coefficients"
) -> Catalog:
    """``catalog`` with ``overrides`` applied; a bad entry raises WorkloadError naming it."""
    if not overrides:
        return catalog
    for key in overrides:
        if key not in SECTIONS:
            raise WorkloadError(
                f"{where}.{field_name(key)}: unknown section; allowed: {', '.join(SECTIONS)}"
            )
    grid = _mapping(overrides.get("grid_intensity"), f"{where}.grid_intensity")
    power = _mapping(overrides.get("power"), f"{where}.power")
    constants = _mapping(overrides.get("constants"), f"{where}.constants")
    watts = {}
    for name, pair in power.items():
        if (
            not isinstance(pair, (list, tuple))
            or len(pair) != 2
            or not all(_is_number(v) and 0 <= v <= MAX_WATTS for v in pair)
            or pair[0] > pair[1]
        ):
            raise WorkloadError(
                f"{where}.power.{field_name(name)}: must be [idle_watts, max_watts] with "
                f"0 <= idle <= max <= {MAX_WATTS:g}, got {pair!r}"
            )
        watts[name] = (float(pair[0]), float(pair[1]))
    for name, value in grid.items():
        _check(value, f"{where}.grid_intensity.{field_name(name)}", *GRID_INTENSITY)
    for name, value in constants.items():
        _check(value, f"{where}.constants.{field_name(name)}", *CONSTANTS.get(name, (0, CEILING)))
    try:
        return catalog.with_overrides(grid_intensity=grid, power=watts, constants=constants)
    except CatalogError as error:
        raise WorkloadError(f"{where}: {error}") from None


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise WorkloadError(f"{where}: must be a mapping, got {type(value).__name__}")
    return {str(k): v for k, v in value.items()}


def _check(value: Any, where: str, lowest: float, highest: float) -> None:
    if not _is_number(value) or not lowest <= value <= highest:
        raise WorkloadError(
            f"{where}: must be a number between {lowest:g} and {highest:g}, got {value!r}"
        )


def _is_number(value: Any) -> bool:
    """A finite int or float (not a bool)."""
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and -math.inf < value < math.inf
    )
