"""What the cdk-nag packs reported for a synthesized app, for either cdk-nag major."""

from __future__ import annotations

import json
import re
from pathlib import Path

import aws_cdk as cdk

from green_constructs.nag import CDK_NAG_MAJOR

_RULE_ID = re.compile(r"\b((?:Sustainability|GenAI)-[A-Za-z0-9]+)\b")


def _logical_ids_by_path(assembly: cdk.cx_api.CloudAssembly) -> dict[str, str]:
    found = {}
    for stack in assembly.stacks_recursively:
        for logical_id, body in stack.template.get("Resources", {}).items():
            path = body.get("Metadata", {}).get("aws:cdk:path")
            if path:
                found[path] = logical_id
    return found


def nag_findings(assembly: cdk.cx_api.CloudAssembly) -> set[tuple[str, str]]:
    """(rule id, logical id) of every unacknowledged finding of our packs."""
    if CDK_NAG_MAJOR >= 3:
        report = Path(assembly.directory, "validation-report.json")
        if not report.exists():
            return set()
        found = set()
        for plugin in json.loads(report.read_text())["pluginReports"]:
            for violation in plugin["violations"]:
                if not _RULE_ID.fullmatch(violation["ruleName"]):
                    continue
                for construct in violation["violatingConstructs"]:
                    found.add(
                        (violation["ruleName"], construct["cloudFormationResource"]["logicalId"])
                    )
        return found
    by_path = _logical_ids_by_path(assembly)
    found = set()
    for stack in assembly.stacks_recursively:
        for message in stack.messages:
            match = _RULE_ID.search(str(message.entry.data))
            if match and message.entry.type in ("aws:cdk:warning", "aws:cdk:error"):
                path = message.id.lstrip("/")
                found.add((match.group(1), by_path.get(path, path)))
    return found
