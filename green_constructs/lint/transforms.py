"""Template transforms expanded before the rules run, as CloudFormation would at deploy time.

- ``AWS::Serverless-2016-10-31`` (SAM) through AWS's own translator (``aws-sam-translator``),
  after pointing local artifact paths (``CodeUri: src/``) at placeholder S3 locations, as
  ``sam package`` would, and inlining a state machine's local ``DefinitionUri`` file so that its
  SageMaker jobs are checked.
- ``AWS::LanguageExtensions`` (``Fn::ForEach``, ``Fn::Length``...) through cfn-lint's
  implementation, with parameter defaults; ``Fn::ToJsonString`` bodies are read by the rules.

Anything else that changes a template at deploy time (macros, ``AWS::Include`` through
``Fn::Transform``, a transform that fails) is recorded as not evaluated.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .decode import (
    DecodedTemplate,
    TemplateDecodeError,
    declared_transforms,
    load_data,
)

SAM = "AWS::Serverless-2016-10-31"
LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
_SERVERLESS = "AWS::Serverless::"
_PLACEHOLDER_BUCKET = "s3://local-artifact/"


def apply_transforms(decoded: DecodedTemplate, region: str | None) -> None:
    """Expand ``decoded``'s transforms in place; note what could not be expanded."""
    failed = None
    for name in declared_transforms(decoded.template):
        expand = _EXPANDERS.get(name) if isinstance(name, str) else None
        if failed is not None:
            decoded.note(
                "",
                "",
                "Transform",
                f"transform {_name(name)} is not expanded: {failed} failed before it",
            )
            continue
        if expand is None:
            decoded.note(
                "",
                "",
                "Transform",
                f"transform {_name(name)} is not expanded: what it adds or changes is not checked",
            )
            continue
        try:
            expanded = expand(decoded, region)
        except Exception as error:  # a translator's bug or an invalid template: said, not raised
            decoded.note(
                "",
                "",
                "Transform",
                f"transform {name} failed ({_first_line(error)}): "
                "the resources it creates are not checked",
            )
            for logical_id, body in decoded.template.get("Resources", {}).items():
                kind = body.get("Type") if isinstance(body, dict) else None
                if isinstance(kind, str) and kind.startswith(_SERVERLESS):
                    decoded.note(str(logical_id), kind, "", f"not expanded: {name} failed")
            failed = name
            continue
        _carry_lines(decoded, expanded)
        decoded.template = expanded
    if decoded.mentions_include:
        for path, whole in _include_paths(decoded.template):
            if not whole:  # a resource's whole properties: the engine says so
                decoded.note(
                    "", "", path, "Fn::Transform (AWS::Include or a macro) is not expanded"
                )


def _name(name: Any) -> str:
    if isinstance(name, dict):  # {"Name": "AWS::Include", "Parameters": ...}
        return str(name.get("Name", name))
    return str(name)


def _first_line(error: Exception) -> str:
    causes = getattr(error, "causes", None)
    if causes:
        return "; ".join(getattr(c, "message", str(c)) for c in causes)
    return str(error).splitlines()[0] if str(error) else type(error).__name__


class _Region:
    """What the translator asks of a boto3 session: the region, for pseudo parameters and
    ARNs (a real session would read the user's AWS configuration, which must not matter)."""

    def __init__(self, region: str) -> None:
        self.region_name = region


def _expand_sam(decoded: DecodedTemplate, region: str | None) -> dict[str, Any]:
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    template = copy.deepcopy(decoded.template)
    base = Path(decoded.path).parent
    for body in template.get("Resources", {}).values():
        if isinstance(body, dict) and str(body.get("Type", "")).startswith(_SERVERLESS):
            _local_artifacts(body, base)
    translator = Translator(None, Parser(), boto_session=_Region(region or "us-east-1"))
    return translator.translate(template, parameter_values={}, get_managed_policy_map=lambda: {})


def _local_artifacts(body: dict[str, Any], base: Path) -> None:
    """Local paths as ``sam package`` leaves them: in S3 (placeholders); a state machine's
    definition file read into ``Definition``."""
    properties = body.get("Properties")
    if not isinstance(properties, dict):
        return
    for key, value in list(properties.items()):
        if not (key.endswith("Uri") and isinstance(value, str) and "://" not in value):
            continue
        if body["Type"] == "AWS::Serverless::StateMachine" and key == "DefinitionUri":
            definition = _read_definition(base / value)
            if definition is not None:
                del properties[key]
                properties["Definition"] = definition
                continue
        properties[key] = _PLACEHOLDER_BUCKET + value.lstrip("./")


def _read_definition(path: Path) -> dict[str, Any] | None:
    """The definition file's data, or ``None`` when it is not a JSON or YAML mapping read
    within the limits of :func:`~.decode.load_data` (it then stays "in S3")."""
    try:
        data = load_data(path)
    except TemplateDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _expand_language_extensions(decoded: DecodedTemplate, region: str | None) -> dict[str, Any]:
    from cfnlint.template import Template
    from cfnlint.template.transforms._language_extensions import language_extension

    _note_invented_collections(decoded)
    cfn = Template(decoded.path, copy.deepcopy(decoded.template), [region or "us-east-1"])
    matches, expanded = language_extension(cfn)
    if matches:
        raise ValueError("; ".join(m.message for m in matches))
    return _plain(expanded)


def _note_invented_collections(decoded: DecodedTemplate) -> None:
    """A loop over a parameter without default: cfn-lint makes values up, so the resources
    it names are not the ones deployed."""
    parameters = decoded.template.get("Parameters")
    parameters = parameters if isinstance(parameters, dict) else {}
    for key, loop in decoded.template.get("Resources", {}).items():
        if not (isinstance(key, str) and key.startswith("Fn::ForEach::")):
            continue
        collection = loop[1] if isinstance(loop, list) and len(loop) == 3 else None
        name = collection.get("Ref") if isinstance(collection, dict) else None
        declared = parameters.get(name) if isinstance(name, str) else None
        if isinstance(declared, dict) and "Default" not in declared:
            decoded.note(
                "",
                "",
                f"Resources.{key}",
                f"loops over parameter {name}, which has no default: the resources it "
                "creates are judged with made-up names",
            )


def _plain(value: Any) -> Any:
    """cfn-lint's node types (``dict_node``, ``str_node``) as plain dicts, lists and strs."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


_EXPANDERS: dict[str, Callable[[DecodedTemplate, str | None], dict[str, Any]]] = {
    SAM: _expand_sam,
    LANGUAGE_EXTENSIONS: _expand_language_extensions,
}


def _carry_lines(decoded: DecodedTemplate, expanded: dict[str, Any]) -> None:
    """Resources a transform created get the line of the resource they came from: the
    longest logical id they start with (``HelloFunctionRole`` from ``HelloFunction``), or the
    ``Fn::ForEach`` whose template key they match (``Bucketa`` from ``Bucket${Name}``)."""
    prefixes = {k: line for k, line in decoded.lines.items() if not k.startswith("Fn::ForEach::")}
    original = decoded.template.get("Resources", {})
    for key, line in decoded.lines.items():
        loop = original.get(key) if key.startswith("Fn::ForEach::") else None
        if isinstance(loop, list) and len(loop) == 3 and isinstance(loop[2], dict):
            for output_key in loop[2]:
                prefixes.setdefault(str(output_key).split("${", 1)[0] or key, line)
    known = sorted(prefixes, key=len, reverse=True)
    resources = expanded.get("Resources")
    for logical_id in resources if isinstance(resources, dict) else ():
        if logical_id in decoded.lines:
            continue
        source = next((k for k in known if str(logical_id).startswith(k)), None)
        if source is not None:
            decoded.lines[logical_id] = prefixes[source]


def _include_paths(template: Any) -> list[tuple[str, bool]]:
    """Dotted path of every ``Fn::Transform`` node, and whether it is a resource's whole
    properties (``Properties: {Fn::Transform: ...}``)."""
    found: list[tuple[str, bool]] = []
    stack: list[tuple[Any, str]] = [(template, "")]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:  # YAML aliases repeat nodes
            continue
        if isinstance(node, (dict, list)):
            seen.add(id(node))
        if isinstance(node, dict):
            for key, value in node.items():
                child = f"{path}.{key}" if path else str(key)
                if key == "Fn::Transform":
                    whole = (
                        len(node) == 1
                        and path.startswith("Resources.")
                        and path.endswith(".Properties")
                    )
                    found.append((path or child, whole))
                else:
                    stack.append((value, child))
        elif isinstance(node, list):
            stack.extend((item, f"{path}.{index}") for index, item in enumerate(node))
    return sorted(found)
