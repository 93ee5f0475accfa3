"""Construct paths of resources, so workloads can name ``Llm`` instead of ``Llm20BDA581``.

A cloud assembly records ``aws:cdk:logicalId`` entries by construct path in its stack metadata
(inline in the stack's manifest entry or in its ``additionalMetadataFile``); templates
synthesized with path metadata carry ``aws:cdk:path`` on each resource. A template read through
its assembly carries its manifest entry (the manifest is parsed once); a template file given
alone is looked up in the ``manifest.json`` beside it, if there is one. Files are read bounded
and within the assembly (:mod:`green_constructs.lint.limits`); a missing file means no paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..lint.assembly import read_manifest
from ..lint.decode import DecodedTemplate, read_json
from ..lint.limits import MAX_MANIFEST_BYTES, inside


def construct_paths(decoded: DecodedTemplate) -> dict[str, str]:
    """Logical id -> construct path for the resources of one template."""
    found: dict[str, str] = {}
    resources = decoded.template.get("Resources")
    for logical_id, body in resources.items() if isinstance(resources, Mapping) else ():
        metadata = body.get("Metadata") if isinstance(body, Mapping) else None
        path = metadata.get("aws:cdk:path") if isinstance(metadata, Mapping) else None
        if isinstance(path, str):
            found[str(logical_id)] = path
    template_path = Path(decoded.path)
    artifact = _artifact_beside(template_path) if decoded.artifact is None else decoded.artifact
    for path, logical_id in _logical_ids(artifact, template_path.parent):
        found.setdefault(logical_id, path)
    return found


def _artifact_beside(template_path: Path) -> Mapping[str, Any] | None:
    """The entry naming ``template_path`` in the ``manifest.json`` next to it, if any."""
    manifest_path = template_path.parent / "manifest.json"
    if not manifest_path.is_file():
        return None
    manifest = read_manifest(manifest_path)
    artifacts = manifest.get("artifacts") if isinstance(manifest, Mapping) else None
    for artifact in artifacts.values() if isinstance(artifacts, Mapping) else ():
        properties = artifact.get("properties") if isinstance(artifact, Mapping) else None
        if isinstance(properties, Mapping) and properties.get("templateFile") == template_path.name:
            return artifact
    return None


def _logical_ids(artifact: Mapping[str, Any] | None, directory: Path) -> list[tuple[str, str]]:
    """``(construct path, logical id)`` pairs of a stack's manifest entry and metadata file."""
    if artifact is None:
        return []
    metadata = artifact.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, Mapping) else {}
    extra = artifact.get("additionalMetadataFile")
    if isinstance(extra, str):
        named_in = directory / "manifest.json"
        more = read_json(
            inside(directory, directory, extra, named_in, "additionalMetadataFile"),
            MAX_MANIFEST_BYTES,
        )
        metadata = {**(more if isinstance(more, Mapping) else {}), **metadata}
    return [
        (path, entry["data"])
        for path, entries in metadata.items()
        for entry in (entries if isinstance(entries, list) else ())
        if isinstance(entry, Mapping)
        and entry.get("type") == "aws:cdk:logicalId"
        and isinstance(entry.get("data"), str)
    ]
