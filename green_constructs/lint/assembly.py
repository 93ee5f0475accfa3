"""Templates of a cloud assembly (``cdk.out``), found through its ``manifest.json``.

Stacks (``aws:cloudformation:stack``), stages (nested ``cdk:cloud-assembly`` directories, read
recursively) and nested stack templates (``.template.json`` file assets of a
``cdk:asset-manifest``, in the region of the stack that depends on that manifest).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from .decode import DecodedTemplate, TemplateDecodeError, decode_file, read_json
from .limits import MAX_MANIFEST_BYTES, inside

_STACK = "aws:cloudformation:stack"
_STAGE = "cdk:cloud-assembly"
_ASSETS = "cdk:asset-manifest"


def read_assembly(directory: str | PathLike[str]) -> list[DecodedTemplate]:
    """Every stack and nested stack template of the assembly in ``directory``, stages included.

    Every file read is named by a manifest and must resolve inside the assembly (stages: the
    top directory's); manifests are read once each, bounded (:mod:`.limits`)."""
    top = Path(directory)
    return list(_read(top, top, set()))


def read_manifest(path: Path) -> Any:
    """A cloud assembly or asset manifest's data, bounded in size and depth."""
    if not path.exists() and not path.is_symlink():
        raise TemplateDecodeError(f"{path}: not found (is {path.parent} a cdk.out directory?)")
    return read_json(path, MAX_MANIFEST_BYTES)


def _region(environment: Any) -> str | None:
    """``eu-west-1`` from ``aws://123456789012/eu-west-1``; None when unknown."""
    if not isinstance(environment, str) or not environment.startswith("aws://"):
        return None
    region = environment[len("aws://") :].partition("/")[2]
    return region if region and region != "unknown-region" else None


def _properties(artifact: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = artifact.get("properties")
    return properties if isinstance(properties, Mapping) else {}


def _read(root: Path, directory: Path, visited: set[Path]) -> Iterator[DecodedTemplate]:
    if directory.resolve() in visited:
        return
    visited.add(directory.resolve())
    manifest_path = directory / "manifest.json"
    manifest = read_manifest(manifest_path)
    artifacts = manifest.get("artifacts") if isinstance(manifest, Mapping) else None
    if not isinstance(artifacts, Mapping):
        raise TemplateDecodeError(f"{manifest_path}: not a cloud assembly manifest (no artifacts)")

    stacks: dict[str, DecodedTemplate] = {}  # artifact id -> decoded stack template
    parent_of: dict[str, str] = {}  # asset manifest artifact id -> stack artifact id
    for artifact_id, artifact in artifacts.items():
        if not isinstance(artifact, Mapping):
            continue
        kind = artifact.get("type")
        properties = _properties(artifact)
        if kind == _STACK and isinstance(properties.get("templateFile"), str):
            template_file = properties["templateFile"]
            decoded = decode_file(
                inside(root, directory, template_file, manifest_path, "templateFile")
            )
            decoded.region = _region(artifact.get("environment"))
            decoded.name = str(artifact.get("displayName") or artifact_id)
            decoded.artifact = artifact
            stacks[artifact_id] = decoded
            dependencies = artifact.get("dependencies")
            for dependency in dependencies if isinstance(dependencies, list) else ():
                parent_of.setdefault(str(dependency), artifact_id)
            yield decoded
        elif kind == _STAGE and isinstance(properties.get("directoryName"), str):
            name = properties["directoryName"]
            stage = inside(root, directory, name, manifest_path, "directoryName")
            yield from _read(root, stage, visited)

    stack_files = {Path(t.path).resolve() for t in stacks.values()}
    for artifact_id, artifact in artifacts.items():
        if isinstance(artifact, Mapping) and artifact.get("type") == _ASSETS:
            parent = stacks.get(parent_of.get(str(artifact_id), ""))
            yield from _nested(root, manifest_path, _properties(artifact), parent, stack_files)


def _nested(
    root: Path,
    manifest_path: Path,
    properties: Mapping[str, Any],
    parent: DecodedTemplate | None,
    stack_files: set[Path],
) -> Iterator[DecodedTemplate]:
    """Nested stack templates listed as file assets (the stacks' own templates excluded)."""
    if not isinstance(properties.get("file"), str):
        return
    directory = manifest_path.parent
    assets_path = inside(root, directory, properties["file"], manifest_path, "file")
    assets = read_manifest(assets_path)
    files = assets.get("files") if isinstance(assets, Mapping) else None
    for asset in files.values() if isinstance(files, Mapping) else ():
        source = asset.get("source") if isinstance(asset, Mapping) else None
        path = source.get("path") if isinstance(source, Mapping) else None
        if not isinstance(path, str) or not path.endswith(".template.json"):
            continue
        template = inside(root, directory, path, assets_path, "source.path")
        if template.resolve() in stack_files:
            continue
        decoded = decode_file(template)
        short = path[: -len(".template.json")]
        decoded.region = parent.region if parent else None
        decoded.name = f"{parent.display_name}/{short}" if parent else short
        decoded.parent = parent.path if parent else None
        decoded.artifact = {}  # listed in no manifest entry of its own
        yield decoded
