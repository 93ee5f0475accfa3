"""JSON as ``json.dumps(value, indent=2)`` writes it, without the pure-Python encoder that
``indent`` switches to: the same text several times faster, so that a large report can be
written one entry at a time."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring_ascii
from typing import Any


def encode(value: Any, indent: str = "") -> str:
    """``value`` as ``json.dumps(value, indent=2)``, its inner lines prefixed with ``indent``."""
    out: list[str] = []
    _encode(value, indent, out)
    return "".join(out)


def array(items: Iterable[Any], indent: str = "") -> Iterator[str]:
    """A JSON array of ``items`` as :func:`encode` writes it, one piece an item."""
    inner = indent + "  "
    separator = "[\n" + inner
    for item in items:
        yield separator + encode(item, inner)
        separator = ",\n" + inner
    yield "[]" if separator[0] == "[" else "\n" + indent + "]"


def _encode(value: Any, indent: str, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring_ascii(value))
    elif kind is dict and value:
        inner = indent + "  "
        separator = "{\n" + inner
        for key, item in value.items():
            out.append(separator + encode_basestring_ascii(key) + ": ")
            _encode(item, inner, out)
            separator = ",\n" + inner
        out.append("\n" + indent + "}")
    elif kind is list and value:
        inner = indent + "  "
        separator = "[\n" + inner
        for item in value:
            out.append(separator)
            _encode(item, inner, out)
            separator = ",\n" + inner
        out.append("\n" + indent + "]")
    else:  # numbers, booleans, null, empty containers: as the standard library writes them
        out.append(json.dumps(value))
