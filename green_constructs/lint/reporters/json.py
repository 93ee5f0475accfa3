"""``--format json``: ``{"findings": [...], "not_evaluated": [...], "summary": {...}}``.

Each finding and each not-evaluated entry is one line (the standard library's C encoder
writes them; ``indent`` would switch it to the pure-Python one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..runner import LintResult


def _list(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    separator = "[\n    "
    for item in items:
        yield separator + json.dumps(item)
        separator = ",\n    "
    yield "[]" if separator[0] == "[" else "\n  ]"


def chunks(result: LintResult) -> Iterator[str]:
    """The lint result as JSON (``green-constructs lint --format json``), a piece at a time."""
    yield '{\n  "findings": '
    yield from _list(f.to_dict() for f in result.findings)
    yield ',\n  "not_evaluated": '
    yield from _list(n.to_dict() for n in result.not_evaluated)
    yield f',\n  "summary": {json.dumps(result.summary)}\n}}\n'
