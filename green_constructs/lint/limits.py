"""Bounds on everything the lint and the estimator read, so that no input hangs them or
exhausts memory. Each refusal is a :class:`~.errors.TemplateDecodeError` naming the file and
the limit.

- Only regular files are read (a FIFO would block, ``/dev/zero`` never ends), opened without
  blocking and checked after opening; at most a size limit per kind of file.
- Files an assembly names must resolve inside the assembly (:func:`inside`).
- YAML aliases may add at most :data:`MAX_ALIAS_NODES` nodes to a document once expanded (a
  "billion laughs" file of 600 bytes expands to 387 million), and data may nest at most
  :data:`MAX_DEPTH` levels (:mod:`.decode`).
"""

from __future__ import annotations

import os
import stat
from os import PathLike
from pathlib import Path

from .errors import TemplateDecodeError

MAX_TEMPLATE_BYTES = 16 * 2**20
"""Largest JSON template read: CloudFormation itself takes at most 1 MB."""
MAX_YAML_BYTES = 4 * 2**20
"""Largest YAML template, workload or coefficients file read: YAML decoding holds a node graph
of about 45 bytes per byte of text, so this bounds memory to about 200 MB."""
MAX_MANIFEST_BYTES = 64 * 2**20
"""Largest cloud assembly ``manifest.json``, asset manifest or metadata file read."""
MAX_ALIAS_NODES = 100_000
"""Most nodes YAML aliases may add to a document once expanded."""
MAX_DEPTH = 100
"""Deepest nesting accepted: far beyond real templates, well within Python's recursion limit
for the code (intrinsic resolution, rules) that walks template values recursively."""


def size(limit: int) -> str:
    """``16 MiB`` or ``1024 bytes``."""
    return f"{limit / 2**20:g} MiB" if limit >= 2**20 else f"{limit} bytes"


def read_bounded(path: str | PathLike[str], limit: int = MAX_TEMPLATE_BYTES) -> str:
    """A regular file's UTF-8 text, refused beyond ``limit`` bytes."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (OSError, ValueError) as error:  # ValueError: a null byte in the name
        reason = getattr(error, "strerror", None) or str(error)
        raise TemplateDecodeError(f"{path}: cannot read: {reason}") from None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise TemplateDecodeError(
                    f"{path}: not a regular file (FIFOs, devices and directories are not read)"
                )
            data = stream.read(limit + 1)
        except OSError as error:
            raise TemplateDecodeError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > limit:
        raise TemplateDecodeError(f"{path}: more than {size(limit)}, the limit for this file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TemplateDecodeError(f"{path}: cannot read: {error}") from None


def inside(root: Path, directory: Path, name: str, named_in: Path, field: str) -> Path:
    """``directory / name``, refused unless it resolves within the assembly ``root`` (not an
    absolute path, ``..`` or a symbolic link out of it, nor a link loop or a null byte)."""
    try:
        resolved = (directory / name).resolve()
        top = root.resolve()
    except (OSError, RuntimeError, ValueError) as error:  # symlink loops, null bytes
        raise TemplateDecodeError(
            f"{named_in}: {field} {name!r}: cannot resolve: {error}"
        ) from None
    if resolved != top and top not in resolved.parents:
        raise TemplateDecodeError(
            f"{named_in}: {field} {name!r} is outside the assembly {root}: not read"
        )
    return directory / name
