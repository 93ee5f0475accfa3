"""``--format text``: one line a finding (``path:line: severity rule resource (type): message``),
acknowledged findings after the others, then one line for each thing not evaluated
(``path:line: not evaluated resource (type) path: reason``) and a summary line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...rules import Finding, NotEvaluated

if TYPE_CHECKING:
    from ..runner import LintResult


def _line(finding: Finding, path: str) -> str:
    where = f"{path}:{finding.line}" if finding.line else path
    text = (
        f"{where}: {finding.severity.value} {finding.rule.id} {finding.resource} "
        f"({finding.resource_type}): {finding.message}"
    )
    if finding.acknowledged:
        text += f" [acknowledged: {finding.reason}]" if finding.reason else " [acknowledged]"
    return text


def _unread_line(note: NotEvaluated, path: str) -> str:
    where = f"{path}:{note.line}" if note.line else path
    subject = " ".join(
        part
        for part in (
            note.resource,
            f"({note.resource_type})" if note.resource_type else "",
            note.path,
        )
        if part
    )
    return f"{where}: not evaluated {subject or 'template'}: {note.reason}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _summary_line(summary: dict[str, Any]) -> str:
    severities = ", ".join(f"{n} {severity}" for severity, n in summary["by_severity"].items())
    return (
        f"{_count(summary['findings'], 'finding')} ({severities}), "
        f"{summary['acknowledged']} acknowledged; {_count(summary['templates'], 'template')}, "
        f"{_count(summary['resources'], 'resource')}, {_count(summary['rules'], 'rule')}"
        + (f"; {summary['not_evaluated']} not evaluated" if summary.get("not_evaluated") else "")
    )


def chunks(result: LintResult) -> Iterator[str]:
    """The lint result as text, a line at a time: one per finding and per thing not evaluated,
    then a summary."""
    ordered = sorted(result.findings, key=lambda f: f.acknowledged)  # stable: template order kept
    for finding in ordered:
        yield _line(finding, result.paths.get(finding.template, finding.template)) + "\n"
    for note in result.not_evaluated:
        yield _unread_line(note, result.paths.get(note.template, note.template)) + "\n"
    yield _summary_line(result.summary) + "\n"
