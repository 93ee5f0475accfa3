"""The right-sizing rules without the inference constructs.

``green_constructs.inference`` imports its CDK constructs (and so jsii) on import; its
``right_sizing`` module is pure Python. The estimator loads that one module by itself so that
``green-constructs estimate`` starts without jsii, and shares it with the constructs when they
are imported later (same module object in ``sys.modules``).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

_NAME = "green_constructs.inference.right_sizing"


def right_sizing() -> ModuleType:
    """The ``green_constructs.inference.right_sizing`` module, loaded once."""
    loaded = sys.modules.get(_NAME)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(
        _NAME, Path(__file__).resolve().parent.parent / "inference" / "right_sizing.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[_NAME] = module
    spec.loader.exec_module(module)
    return module
