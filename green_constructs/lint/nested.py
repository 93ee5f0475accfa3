"""Nested stack templates that CDK writes beside their parent (``*.nested.template.json``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping


def nested_template_paths(template: Mapping[str, Any], directory: str | Path) -> list[Path]:
    """Files of the nested stacks a synthesized template declares, in template order.

    CDK marks each ``AWS::CloudFormation::Stack`` it synthesizes with the asset path of the
    nested template in ``Metadata["aws:asset:path"]``.
    """
    found: list[Path] = []
    resources = template.get("Resources")
    for body in resources.values() if isinstance(resources, Mapping) else ():
        if not isinstance(body, Mapping) or body.get("Type") != "AWS::CloudFormation::Stack":
            continue
        metadata = body.get("Metadata")
        asset = metadata.get("aws:asset:path") if isinstance(metadata, Mapping) else None
        if isinstance(asset, str) and asset.endswith(".template.json"):
            path = Path(directory, asset)
            if path.is_file():
                found.append(path)
    return found
