"""Renderers of an estimate: text, JSON, Markdown and HTML (the last two with an SVG chart)."""

from __future__ import annotations

import json

from ..results import Estimate
from . import html, markdown, text
from .chart import svg_chart
from .rows import problems

FORMATS = ("text", "json", "markdown", "html")


def render(format: str, estimate: Estimate, *, chart_href: str | None = None) -> str:
    """The report in ``format``; Markdown links the chart at ``chart_href`` when given, else
    embeds it as a data URI."""
    if format == "json":
        found = estimate.to_dict()
        found["problems"] = [p.to_dict() for p in problems(estimate)]
        return json.dumps(found, indent=2, allow_nan=False) + "\n"
    if format == "text":
        return text.render(estimate)
    if format == "markdown":
        return markdown.render(estimate, chart_href=chart_href)
    if format == "html":
        return html.render(estimate)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")


__all__ = ["FORMATS", "render", "svg_chart"]
