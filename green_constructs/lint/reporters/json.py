"""``--format json``: ``{"findings": [...], "not_evaluated": [...], "summary": {...}}``.

Each finding and each not-evaluated entry is one line (the standard library's C encoder
writes them; ``indent`` would switch it to the pure-Python one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..runner import LintResult


def _list(items: Iterable[dict[str, Any]]) -> str:
    lines = ",\n    ".join(json.dumps(item) for item in items)
    return f"[\n    {lines}\n  ]" if lines else "[]"


def render(result: LintResult) -> str:
    """The lint result as JSON (``green-constructs lint --format json``)."""
    findings = _list(f.to_dict() for f in result.findings)
    unread = _list(n.to_dict() for n in result.not_evaluated)
    summary = json.dumps(result.summary)
    return (
        f'{{\n  "findings": {findings},\n  "not_evaluated": {unread},\n  "summary": {summary}\n}}\n'
    )
