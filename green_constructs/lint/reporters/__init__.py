"""Report formats of ``green-constructs lint``: one module a format, each with ``render``."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..runner import LintResult

FORMATS = ("text", "json", "sarif")


def render(format: str, result: LintResult) -> str:
    """``result`` in ``format`` (one of :data:`FORMATS`), ending with a newline."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; allowed: {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{format}")
    return module.render(result)
