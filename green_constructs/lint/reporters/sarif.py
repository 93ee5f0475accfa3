"""``--format sarif``: SARIF 2.1.0 for code-scanning tools (GitHub, Azure DevOps, IDEs).

One run; the driver lists every rule evaluated; acknowledged findings carry an external
suppression with the acknowledgement's reason; what was not evaluated is listed as tool execution
notifications (level ``note``) of the run's invocation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ... import __version__
from ...rules import Finding, NotEvaluated, Rule, Severity
from .indented_json import array, encode

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


def _result(finding: Finding, uri: str, index: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
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


def _notification(note: NotEvaluated, uri: str) -> dict[str, Any]:
    """A not-evaluated entry as a tool execution notification (level ``note``)."""
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
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


def chunks(result: LintResult) -> Iterator[str]:
    """The lint result as a SARIF 2.1.0 log, a piece at a time: the text of
    ``json.dumps(log, indent=2)``, without ever holding the whole log."""
    rules = list(result.rules)
    index = {r.id: i for i, r in enumerate(rules)}
    uris: dict[str, str] = {}  # template name -> URI, resolved once

    def uri(template: str) -> str:
        if template not in uris:
            uris[template] = _uri(result.paths.get(template, template))
        return uris[template]

    driver = {
        "name": "green-constructs",
        "version": __version__,
        "rules": [_rule(r) for r in rules],
    }
    yield (
        f'{{\n  "$schema": {encode(SCHEMA)},\n  "version": "2.1.0",\n  "runs": [\n    {{\n'
        f'      "tool": {encode({"driver": driver}, "      ")},\n'
        '      "invocations": [\n        {\n          "executionSuccessful": true,\n'
        '          "toolExecutionNotifications": '
    )
    notes = (_notification(n, uri(n.template)) for n in result.not_evaluated)
    yield from array(notes, "          ")
    yield '\n        }\n      ],\n      "columnKind": "unicodeCodePoints",\n      "results": '
    findings = (_result(f, uri(f.template), index.get(f.rule.id)) for f in result.findings)
    yield from array(findings, "      ")
    yield "\n    }\n  ]\n}\n"
