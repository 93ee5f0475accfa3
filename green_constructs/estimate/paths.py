"""Construct paths of resources, so workloads can name ``Llm`` instead of ``Llm20BDA581``.

A cloud assembly records ``aws:cdk:logicalId`` entries by construct path in its stack metadata
(inline in ``manifest.json`` or in the stack's ``additionalMetadataFile``); templates synthesized
with path metadata carry ``aws:cdk:path`` on each resource. Unreadable metadata means no paths.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def construct_paths(template_path: str | Path, template: Mapping[str, Any]) -> dict[str, str]:
    """Logical id -> construct path for the resources of one template."""
    found: dict[str, str] = {}
    resources = template.get("Resources") if isinstance(template, Mapping) else None
    for logical_id, body in resources.items() if isinstance(resources, Mapping) else ():
        metadata = body.get("Metadata") if isinstance(body, Mapping) else None
        path = metadata.get("aws:cdk:path") if isinstance(metadata, Mapping) else None
        if isinstance(path, str):
            found[str(logical_id)] = path
    for path, logical_id in _assembly_entries(Path(template_path)):
        found.setdefault(logical_id, path)
    return found


def _assembly_entries(template_path: Path) -> list[tuple[str, str]]:
    manifest = _json(template_path.parent / "manifest.json")
    artifacts = manifest.get("artifacts") if isinstance(manifest, Mapping) else None
    for artifact in artifacts.values() if isinstance(artifacts, Mapping) else ():
        if not isinstance(artifact, Mapping):
            continue
        properties = artifact.get("properties")
        template_file = properties.get("templateFile") if isinstance(properties, Mapping) else None
        if template_file != template_path.name:
            continue
        metadata = artifact.get("metadata")
        extra = artifact.get("additionalMetadataFile")
        if isinstance(extra, str):
            more = _json(template_path.parent / extra)
            metadata = {**(more if isinstance(more, Mapping) else {}), **(metadata or {})}
        return [
            (path, entry["data"])
            for path, entries in (metadata.items() if isinstance(metadata, Mapping) else ())
            for entry in (entries if isinstance(entries, list) else ())
            if isinstance(entry, Mapping)
            and entry.get("type") == "aws:cdk:logicalId"
            and isinstance(entry.get("data"), str)
        ]
    return []


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
