"""Shared test set-up: quiet jsii on Node 20, and the repository root importable (app.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# apps synthesize for the placeholder account, as without credentials, wherever the suite runs
os.environ.pop("CDK_DEFAULT_ACCOUNT", None)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
