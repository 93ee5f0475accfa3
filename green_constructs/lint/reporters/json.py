"""``--format json``: ``{"findings": [Finding.to_dict(), ...], "summary": {...}}``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..runner import LintResult


def render(result: "LintResult") -> str:
    document = {"findings": [f.to_dict() for f in result.findings], "summary": result.summary}
    return json.dumps(document, indent=2) + "\n"
