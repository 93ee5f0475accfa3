"""``--format sarif``: SARIF 2.1.0 for code-scanning tools (GitHub, Azure DevOps, IDEs).

One run; the driver lists every rule evaluated; acknowledged findings carry an external
suppression with the acknowledgement's reason; what was not evaluated is listed as tool execution
notifications (level ``note``) of the run's invocation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ... import __version__
from ...rules import Finding, NotEvaluated, Rule, Severity

if TYPE_CHECKING:
    from ..runner import LintResult

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(path: str) -> str:
    """``path`` relative to the working directory when below it, else an absolute file URI."""
    absolute = Path(path).resolve()
    try:
        return quote(absolute.relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return absolute.as_uri()


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.id.split("-", 1)[-1],
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": rule.remediation},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": list(rule.best_practices)},
    }


def _result(finding: Finding, path: str, index: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if finding.line:
        physical["region"] = {"startLine": finding.line}
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [
                    {
                        "name": finding.resource,
                        "fullyQualifiedName": f"{finding.template}/{finding.resource}",
                        "kind": "resource",
                    }
                ],
            }
        ],
    }
    if index is not None:
        result["ruleIndex"] = index
    if finding.acknowledged:
        result["suppressions"] = [{"kind": "external", "justification": finding.reason or ""}]
    return result


def _notification(note: NotEvaluated, path: str) -> dict[str, Any]:
    """A not-evaluated entry as a tool execution notification (level ``note``)."""
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if note.line:
        physical["region"] = {"startLine": note.line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if note.resource:
        location["logicalLocations"] = [
            {
                "name": note.resource,
                "fullyQualifiedName": f"{note.template}/{note.resource}",
                "kind": "resource",
            }
        ]
    subject = ".".join(p for p in (note.resource, note.path) if p) or "template"
    return {
        "level": "note",
        "message": {"text": f"Not evaluated: {subject}: {note.reason}"},
        "locations": [location],
        "descriptor": {"id": "not-evaluated"},
    }


def render(result: LintResult) -> str:
    """The lint result as a SARIF 2.1.0 log."""
    rules = list(result.rules)
    index = {r.id: i for i, r in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "green-constructs",
                        "version": __version__,
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            _notification(n, result.paths.get(n.template, n.template))
                            for n in result.not_evaluated
                        ],
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": [
                    _result(f, result.paths.get(f.template, f.template), index.get(f.rule.id))
                    for f in result.findings
                ],
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
