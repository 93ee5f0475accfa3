"""Template decoding that keeps the line of every resource (as cfn-lint's decoder does).

JSON goes through the standard library's parser; YAML through PyYAML's libyaml loader with the
CloudFormation short-form tags (:mod:`.yaml_decode`, imported only for YAML input).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping
from os import PathLike
from typing import TYPE_CHECKING, Any

from ..rules.model import NotEvaluated
from .errors import TemplateDecodeError
from .limits import MAX_DEPTH, MAX_YAML_BYTES, read_bounded, size

if TYPE_CHECKING:
    # json.decoder.scanstring is _json's C scanstring (the pure-Python one where _json is
    # missing); typeshed declares it on _json only
    from _json import scanstring
else:
    from json.decoder import scanstring


class DecodedTemplate:
    """A template's data, where it came from, and the line of each resource (1-based).

    ``parent`` is, for a nested stack, the path of its parent's template; ``mentions_include``
    says the text has ``Fn::Transform`` (``AWS::Include``, macros).
    """

    __slots__ = (
        "path",
        "template",
        "lines",
        "region",
        "name",
        "parent",
        "mentions_include",
        "artifact",
        "notes",
    )

    path: str
    """Where the template was read from."""
    template: dict[str, Any]
    """The decoded template."""
    region: str | None
    """The deployment region, when the cloud assembly gives it."""
    name: str | None
    """The name findings give the template (a cloud assembly's stack name), when known."""
    parent: str | None
    """For a nested stack, the path of its parent's template."""
    mentions_include: bool
    """Whether the text has ``Fn::Transform`` (``AWS::Include``, macros)."""
    artifact: Mapping[str, Any] | None
    """The stack's entry in its cloud assembly's ``manifest.json``, when read through one."""

    def __init__(
        self,
        path: str,
        template: dict[str, Any],
        lines: dict[str, int] | None = None,
        region: str | None = None,
        name: str | None = None,
        parent: str | None = None,
        mentions_include: bool = False,
    ) -> None:
        self.path = path
        self.template = template
        self.lines: dict[str, int] = {} if lines is None else lines
        self.region = region
        self.name = name
        self.parent = parent
        self.mentions_include = mentions_include
        self.artifact: Mapping[str, Any] | None = None
        self.notes: list[tuple[str, str, str, str]] = []

    def __repr__(self) -> str:
        return f"DecodedTemplate({self.path!r}, name={self.name!r}, region={self.region!r})"

    @property
    def display_name(self) -> str:
        """The stack name, else the path."""
        return self.name or self.path

    def note(self, resource: str, resource_type: str, path: str, reason: str) -> None:
        """Record something that could not be read (see :meth:`unread`)."""
        self.notes.append((resource, resource_type, path, reason))

    def unread(self) -> list[NotEvaluated]:
        """What decoding and transforms could not read, as not-evaluated entries."""
        return [NotEvaluated(self.display_name, *note) for note in self.notes]


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_VALUE = json.JSONDecoder()


def _skip_space(text: str, pos: int = 0) -> int:
    """Offset of the first non-whitespace character of ``text`` from ``pos``."""
    match = _WHITESPACE.match(text, pos)
    assert match is not None  # the pattern matches the empty string too
    return match.end()


def _object_keys(text: str, pos: int) -> Iterator[tuple[str, int, int]]:
    """``(key, key offset, value offset)`` of the JSON object opening at ``text[pos]``.

    Values are skipped with the standard library's C decoder, so this costs about one more
    parse of the object, and offsets are exact (no guessing from key names)."""
    pos = _skip_space(text, pos + 1)
    while text[pos] != "}":
        key, after = scanstring(text, pos + 1)
        colon = _skip_space(text, after)
        value = _skip_space(text, colon + 1)
        yield key, pos, value
        _, end = _VALUE.raw_decode(text, value)
        pos = _skip_space(text, end)
        if text[pos] == ",":
            pos = _skip_space(text, pos + 1)


def _json_resource_lines(text: str) -> dict[str, int]:
    """Line of each logical id of the top-level ``Resources`` object (1-based)."""
    try:
        start = _skip_space(text)
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


def declared_transforms(template: dict[str, Any]) -> list[Any]:
    """The template's ``Transform`` entries (a name, or a list of names)."""
    declared = template.get("Transform")
    if declared is None:
        return []
    return declared if isinstance(declared, list) else [declared]


def load_yaml(text: str, path: str = "<yaml>") -> Any:
    """YAML with CloudFormation short-form tags, as plain data (no template checks), aliases
    and nesting bounded (:mod:`.limits`)."""
    from .yaml_decode import load_yaml as load

    data = load(text, path)
    if _deeper_than(data, MAX_DEPTH):
        raise TemplateDecodeError(f"{path}: nested more than {MAX_DEPTH} levels deep")
    return data


def load_data(path: str | PathLike[str], limit: int = MAX_YAML_BYTES) -> Any:
    """A JSON (``.json``) or YAML file's data (a workload, coefficients, a state machine
    definition), bounded in size, aliases and nesting; :class:`TemplateDecodeError` names
    the file and the limit or the problem."""
    text = read_bounded(path, limit)
    return _parse_json(text, path) if str(path).endswith(".json") else load_yaml(text, str(path))


def _parse_json(text: str, path: str | PathLike[str]) -> Any:
    try:
        return json_within_depth(text, MAX_DEPTH)
    except RecursionError:
        raise TemplateDecodeError(f"{path}: nested more than {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as error:
        raise TemplateDecodeError(f"{path}:{error.lineno}: invalid JSON: {error.msg}") from None
    except ValueError as error:
        raise TemplateDecodeError(f"{path}: invalid JSON: {error}") from None


def _recursion_depth() -> int:
    """The interpreter's current recursion depth: ``sys.setrecursionlimit`` refuses any limit
    at or below it, so the lowest limit it accepts, found by bisection, is one above."""
    previous = sys.getrecursionlimit()
    low, high = 1, previous  # refused at low (or below), accepted at high
    while high - low > 1:
        middle = (low + high) // 2
        try:
            sys.setrecursionlimit(middle)
            high = middle
        except RecursionError:
            low = middle
    sys.setrecursionlimit(previous)
    return high - 1


_C_JSON_COUNTS_RECURSION = sys.version_info < (3, 12)
"""Up to Python 3.11 the C JSON decoder counts its nesting against ``sys.setrecursionlimit``;
from 3.12 it has a C stack limit of its own."""


def json_within_depth(text: str, limit: int = MAX_DEPTH, *, strict: bool = True) -> Any:
    """``json.loads(text, strict=strict)``, raising ``RecursionError`` for data nested more than ``limit``
    deep. Up to Python 3.11 the C decoder counts each nesting level against the interpreter's
    recursion limit, set for the call to the current depth plus ``limit`` plus the calls
    ``json.loads`` makes (tests pin the exact bound): no second walk over the data. Later
    versions walk the data once more (:func:`_deeper_than`). The limit is the process's, for
    the call: the lint is single-threaded."""
    if not _C_JSON_COUNTS_RECURSION:
        data = json.loads(text, strict=strict)
        if _deeper_than(data, limit):
            raise RecursionError(f"nested more than {limit} levels deep")
        return data
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(_recursion_depth() + limit + _JSON_CALLS)
    try:
        return json.loads(text, strict=strict)
    finally:
        sys.setrecursionlimit(previous)


_JSON_CALLS = 2  # json.loads and JSONDecoder.decode (raw_decode runs the C scanner directly)


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
    """Decode JSON or YAML template text; raise :class:`TemplateDecodeError` if it is not one.

    As CloudFormation does, the content decides, not the name: text named ``.json`` or
    starting with ``{`` is tried as JSON first, then as YAML (flow-style YAML starts with ``{``
    too, and YAML is a superset of most JSON); other text is YAML. Text that is neither is
    reported with the JSON parser's error when it looks like JSON, the YAML parser's
    otherwise."""
    data: Any = None
    lines: dict[str, int] | None = None
    if path.endswith(".json") or text.lstrip().startswith("{"):
        data, lines = _decode_json(text, path)
    if lines is None:
        from .yaml_decode import decode_yaml

        if len(text) > MAX_YAML_BYTES and len(text.encode("utf-8")) > MAX_YAML_BYTES:
            raise TemplateDecodeError(
                f"{path}: more than {size(MAX_YAML_BYTES)}, the limit for YAML templates"
            )
        try:
            data, lines = decode_yaml(text, path)
        except TemplateDecodeError:
            if isinstance(data, TemplateDecodeError):  # the JSON parser's error explains more
                raise data from None
            raise
        if _deeper_than(data, MAX_DEPTH):  # aliases can nest what the text does not
            raise TemplateDecodeError(f"{path}: nested more than {MAX_DEPTH} levels deep")
    if not isinstance(data, dict):
        raise TemplateDecodeError(
            f"{path}: not a CloudFormation template (top level is not a mapping)"
        )
    if not isinstance(data.get("Resources"), dict):
        raise TemplateDecodeError(f"{path}: not a CloudFormation template (no Resources mapping)")
    mentions_include = "Fn::Transform" in text or "!Transform" in text
    return DecodedTemplate(path=path, template=data, lines=lines, mentions_include=mentions_include)


def _decode_json(text: str, path: str) -> tuple[Any, dict[str, int] | None]:
    """``(data, resource lines)`` of JSON text; ``(error, None)`` when it is not JSON, for the
    caller to try YAML. Nesting beyond :data:`MAX_DEPTH` is refused at once."""
    try:
        data = json_within_depth(text, MAX_DEPTH)
    except json.JSONDecodeError as error:
        return TemplateDecodeError(f"{path}:{error.lineno}: invalid JSON: {error.msg}"), None
    except RecursionError:
        raise TemplateDecodeError(f"{path}: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as error:  # e.g. an integer longer than Python converts (4300 digits)
        raise TemplateDecodeError(f"{path}: invalid JSON: {error}") from None
    return data, _json_resource_lines(text) if isinstance(data, dict) else {}


def read_json(path: str | PathLike[str], limit: int) -> Any:
    """A JSON file's data (a cloud assembly's manifest or metadata), bounded in size
    (``limit`` bytes) and in depth (:data:`MAX_DEPTH`)."""
    return _parse_json(read_bounded(path, limit), path)


def decode_file(path: str | PathLike[str]) -> DecodedTemplate:
    """Read and decode one template file."""
    return decode_text(read_bounded(path), str(path))
