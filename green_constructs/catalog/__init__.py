"""Sourced data: region grid intensity, instance shapes and families, power, constants.

The only place a coefficient or an instance shape lives. ``Catalog.default()`` loads the packaged
CSV files (sources kept in their ``source`` column); ``with_overrides`` replaces any coefficient.
"""

from .catalog import Catalog, CatalogError, UnknownInstanceTypeError, UnknownRegionError
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
)

__all__ = [
    "ACCELERATOR_KINDS",
    "FEATURES",
    "Accelerator",
    "Availability",
    "Catalog",
    "CatalogError",
    "Constant",
    "DlcImage",
    "DlcRegistry",
    "Family",
    "InstanceShape",
    "InstanceType",
    "PowerCoefficient",
    "Price",
    "Region",
    "UnknownInstanceTypeError",
    "UnknownRegionError",
    "family_of",
    "size_of",
]
