"""Report formats of ``green-constructs lint``: one module a format, each with ``chunks``
(the report a piece at a time, for writing as it is made) and ``render`` (the whole text)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..runner import LintResult

FORMATS = ("text", "json", "sarif")


def chunks(format: str, result: LintResult) -> Iterator[str]:
    """``result`` in ``format`` (one of :data:`FORMATS`), a piece at a time; the pieces end
    with a newline."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; allowed: {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{format}")
    return iter(module.chunks(result))


def render(format: str, result: LintResult) -> str:
    """``result`` in ``format`` (one of :data:`FORMATS`), ending with a newline."""
    return "".join(chunks(format, result))
