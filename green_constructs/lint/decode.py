"""Template decoding that keeps the line of every resource (as cfn-lint's decoder does).

JSON goes through the standard library's parser; YAML through PyYAML's libyaml loader with the
CloudFormation short-form tags (``!Ref``, ``!GetAtt``, ``!Sub``...) turned into their long form.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring
from pathlib import Path
from typing import Any, Iterator

import yaml

from ..rules.model import NotEvaluated

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TemplateDecodeError(Exception):
    """A template that cannot be read or is not a CloudFormation template."""


@dataclass
class DecodedTemplate:
    """A template's data, where it came from, and the line of each resource (1-based)."""

    path: str
    template: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    region: str | None = None
    name: str | None = None
    parent: str | None = None  # for a nested stack: the path of its parent's template
    mentions_include: bool = False  # the text has Fn::Transform (AWS::Include, macros)
    notes: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return self.name or self.path

    def note(self, resource: str, resource_type: str, path: str, reason: str) -> None:
        """Record something that could not be read (see :meth:`unread`)."""
        self.notes.append((resource, resource_type, path, reason))

    def unread(self) -> list[NotEvaluated]:
        """What decoding and transforms could not read, as not-evaluated entries."""
        return [NotEvaluated(self.display_name, *note) for note in self.notes]


class _CfnLoader(_Loader):  # type: ignore[misc, valid-type]
    """Safe loader that knows the CloudFormation tags and leaves dates as strings."""


def _short_form(loader: Any, tag_suffix: str, node: Any) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix in ("Ref", "Condition"):
        return {tag_suffix: value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _short_form)
_CfnLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def _yaml_resource_lines(node: Any) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    for key, value in node.value:
        if key.value == "Resources" and isinstance(value, yaml.MappingNode):
            return {k.value: k.start_mark.line + 1 for k, _ in value.value}
    return {}


def load_yaml(text: str) -> Any:
    """YAML with CloudFormation short-form tags, as plain data (no template checks)."""
    return yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass


def _decode_yaml(text: str, path: str) -> tuple[Any, dict[str, int]]:
    loader = _CfnLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        return loader.construct_document(node), _yaml_resource_lines(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise TemplateDecodeError(f"{path}{where}: invalid YAML: {problem}") from None
    except (ValueError, TypeError, RecursionError) as error:
        raise TemplateDecodeError(f"{path}: invalid YAML: {error}") from None
    finally:
        loader.dispose()


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_VALUE = json.JSONDecoder()


def _object_keys(text: str, pos: int) -> Iterator[tuple[str, int, int]]:
    """``(key, key offset, value offset)`` of the JSON object opening at ``text[pos]``.

    Values are skipped with the standard library's C decoder, so this costs about one more
    parse of the object, and offsets are exact (no guessing from key names)."""
    pos = _WHITESPACE.match(text, pos + 1).end()
    while text[pos] != "}":
        key, after = scanstring(text, pos + 1)
        colon = _WHITESPACE.match(text, after).end()
        value = _WHITESPACE.match(text, colon + 1).end()
        yield key, pos, value
        _, end = _VALUE.raw_decode(text, value)
        pos = _WHITESPACE.match(text, end).end()
        if text[pos] == ",":
            pos = _WHITESPACE.match(text, pos + 1).end()


def _json_resource_lines(text: str) -> dict[str, int]:
    """Line of each logical id of the top-level ``Resources`` object (1-based)."""
    try:
        start = _WHITESPACE.match(text).end()
        for key, _, value in _object_keys(text, start):
            if key == "Resources" and text[value] == "{":
                lines: dict[str, int] = {}
                line, counted = 1, 0
                for logical_id, offset, _ in _object_keys(text, value):
                    line += text.count("\n", counted, offset)
                    counted = offset
                    lines.setdefault(logical_id, line)
                return lines
    except (ValueError, IndexError):  # json.loads accepted it; never fail on line numbers
        pass
    return {}


MAX_DEPTH = 100
"""Deepest nesting accepted: far beyond real templates, well within Python's recursion limit
for the code (intrinsic resolution, rules) that walks template values recursively."""


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether ``data`` nests lists and mappings more than ``limit`` deep (YAML aliases and
    self-referencing anchors included), without recursion."""
    deepest: dict[int, int] = {}
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, (dict, list)) or deepest.get(id(node), 0) >= depth:
            continue
        if depth > limit:
            return True
        deepest[id(node)] = depth
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children)
    return False


def decode_text(text: str, path: str = "<template>") -> DecodedTemplate:
    """Decode JSON or YAML template text; raise :class:`TemplateDecodeError` if it is not one."""
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise TemplateDecodeError(
                f"{path}:{error.lineno}: invalid JSON: {error.msg}"
            ) from None
        except RecursionError:
            raise TemplateDecodeError(f"{path}: invalid JSON: nested too deeply") from None
        except ValueError as error:  # e.g. an integer longer than Python converts (4300 digits)
            raise TemplateDecodeError(f"{path}: invalid JSON: {error}") from None
        lines = _json_resource_lines(text) if isinstance(data, dict) else {}
    else:
        data, lines = _decode_yaml(text, path)
    if not isinstance(data, dict):
        raise TemplateDecodeError(f"{path}: not a CloudFormation template (top level is not a mapping)")
    if _deeper_than(data, MAX_DEPTH):
        raise TemplateDecodeError(f"{path}: nested more than {MAX_DEPTH} levels deep")
    if not isinstance(data.get("Resources"), dict):
        raise TemplateDecodeError(f"{path}: not a CloudFormation template (no Resources mapping)")
    mentions_include = "Fn::Transform" in text or "!Transform" in text
    return DecodedTemplate(path=path, template=data, lines=lines, mentions_include=mentions_include)


MAX_TEMPLATE_BYTES = 64 * 1024 * 1024
"""Larger input is refused unread (CloudFormation takes at most 1 MB; ``/dev/zero`` never
ends)."""


def decode_file(path: str | Path) -> DecodedTemplate:
    """Read and decode one template file."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_TEMPLATE_BYTES + 1)
        if len(data) > MAX_TEMPLATE_BYTES:
            raise TemplateDecodeError(
                f"{path}: more than {MAX_TEMPLATE_BYTES // 2**20} MiB, not a CloudFormation "
                "template"
            )
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise TemplateDecodeError(f"{path}: cannot read: {reason}") from None
    return decode_text(text, str(path))
