"""What the cdk-nag packs and ``green-constructs lint`` reported for a synthesized app.

Findings are compared as ``(rule id, template file, logical id)``: cdk-nag 3 names both in its
validation report; cdk-nag 2's annotations name a construct path, which the assembly's metadata
(``aws:cdk:logicalId``, ``aws:cdk:templateFile``) turns into the same pair.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from green_constructs.cli import main
from green_constructs.lint.assembly import read_assembly
from green_constructs.nag import CDK_NAG_MAJOR

Key = tuple[str, str, str]
_RULE_ID = re.compile(r"\b((?:Sustainability|GenAI)-[A-Za-z0-9]+)\b")
_STACK = "aws:cloudformation:stack"
_STAGE = "cdk:cloud-assembly"
_LEVELS = ("aws:cdk:info", "aws:cdk:warning", "aws:cdk:error")
"""Annotation types of cdk-nag 2's INFO, WARN and ERROR messages."""


def nag_findings(assembly: cdk.cx_api.CloudAssembly) -> set[Key]:
    """(rule id, template file, logical id) of every unacknowledged finding of our packs."""
    if CDK_NAG_MAJOR >= 3:
        return _validation_report(Path(assembly.directory))
    found: set[Key] = set()
    for metadata in _stack_metadata(Path(assembly.directory)):
        found |= _annotations(metadata)
    return found


def lint_report(directory: str) -> dict[str, Any]:
    """What ``green-constructs lint --format json`` prints for the assembly in ``directory``."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["lint", directory, "--format", "json", "--fail-on", "never"]) == 0
    return json.loads(out.getvalue())


def lint_findings(directory: str, *, acknowledged: bool = False) -> set[Key]:
    """(rule id, template file, logical id) of what ``green-constructs lint`` reports, the
    unacknowledged findings or the acknowledged ones."""
    files = {t.name: Path(t.path).name for t in read_assembly(directory)}
    return {
        (f["rule_id"], files[f["template"]], f["resource"])
        for f in lint_report(directory)["findings"]
        if f["acknowledged"] == acknowledged
    }


def _validation_report(directory: Path) -> set[Key]:
    report = directory / "validation-report.json"
    if not report.exists():
        return set()
    return {
        (
            violation["ruleName"],
            Path(construct["cloudFormationResource"]["templatePath"]).name,
            construct["cloudFormationResource"]["logicalId"],
        )
        for plugin in json.loads(report.read_text())["pluginReports"]
        for violation in plugin["violations"]
        if _RULE_ID.fullmatch(violation["ruleName"])
        for construct in violation["violatingConstructs"]
    }


def _stack_metadata(directory: Path) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Each stack's metadata (construct path to entries), stages included."""
    manifest = json.loads((directory / "manifest.json").read_text())
    for artifact in manifest["artifacts"].values():
        if artifact["type"] == _STAGE:
            yield from _stack_metadata(directory / artifact["properties"]["directoryName"])
        elif artifact["type"] == _STACK:
            metadata = dict(artifact.get("metadata", {}))
            extra = artifact.get("additionalMetadataFile")
            if extra:
                metadata.update(json.loads((directory / extra).read_text()))
            yield metadata


def _annotations(metadata: dict[str, list[dict[str, Any]]]) -> set[Key]:
    """Our findings (infos, warnings, errors) in one stack's metadata, each at its resource's
    template."""
    templates = {
        path: entry["data"]
        for path, entries in metadata.items()
        for entry in entries
        if entry["type"] == "aws:cdk:templateFile"
    }
    found: set[Key] = set()
    for path, entries in metadata.items():
        logical_ids = [e["data"] for e in entries if e["type"] == "aws:cdk:logicalId"]
        for entry in entries:
            match = _RULE_ID.match(str(entry["data"]))
            if entry["type"] in _LEVELS and match:
                stack = max((p for p in templates if path.startswith(p + "/")), key=len)
                found.add((match.group(1), templates[stack], logical_ids[0]))
    return found
