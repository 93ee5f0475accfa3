"""The estimator: energy, emissions and indicative cost before deployment (and in the carbon
metrics Lambda, which uses the same formula module).

The formula (:mod:`.footprint`) is imported eagerly and needs only the catalog; the estimator,
workloads and reports load on first use, so the Lambda importing ``footprint`` pulls in neither
the rules nor the template loader.
"""

from __future__ import annotations

import importlib
from typing import Any

from .footprint import (
    Coefficient,
    InstanceFootprint,
    StorageFootprint,
    instance_footprint,
    instance_watts,
    shape_footprint,
    storage_footprint,
)

_LAZY = {
    "estimate_path": ".estimator",
    "estimate_templates": ".estimator",
    "Estimate": ".results",
    "Workload": ".workload",
    "WorkloadError": ".workload",
    "load_workload": ".workload",
    "parse_workload": ".workload",
    "write_report": ".synth",
}

__all__ = [
    "Coefficient",
    "InstanceFootprint",
    "StorageFootprint",
    "instance_footprint",
    "instance_watts",
    "shape_footprint",
    "storage_footprint",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
