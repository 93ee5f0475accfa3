"""Subcommands of ``green-constructs``.

A subcommand is one module with ``register(subparsers)``, which adds its parser and sets
``run=<function(args) -> exit code>`` as a default; heavy imports belong inside ``run``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable


class CommandError(Exception):
    """Bad usage or unreadable input: the CLI prints this one line and exits with 2."""


def emit(text: str | Iterable[str], output: str | None = None) -> None:
    """Write ``text`` (or its pieces, as they are made) to the file ``output``, or to stdout, as
    UTF-8; characters UTF-8 cannot encode (lone surrogates, from ``\\ud800`` escapes in a
    template) are written escaped."""
    pieces = (text,) if isinstance(text, str) else text
    if output is None:
        _write_stdout(pieces)
        return
    try:
        with open(output, "w", encoding="utf-8") as stream:
            for piece in pieces:
                stream.write(_encodable(piece))
    except OSError as error:
        raise CommandError(f"{output}: cannot write: {error.strerror or error}") from None


def _encodable(text: str) -> str:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _write_stdout(pieces: Iterable[str]) -> None:
    if sys.stdout is None:  # started with standard output closed
        raise CommandError("standard output is closed")
    try:
        for piece in pieces:
            sys.stdout.write(_encodable(piece))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (``| head``): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as error:
        raise CommandError(f"cannot write to standard output: {error.strerror or error}") from None
