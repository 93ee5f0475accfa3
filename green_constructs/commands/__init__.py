"""Subcommands of ``green-constructs``.

A subcommand is one module with ``register(subparsers)``, which adds its parser and sets
``run=<function(args) -> exit code>`` as a default; heavy imports belong inside ``run``.
"""

from __future__ import annotations

import sys


class CommandError(Exception):
    """Bad usage or unreadable input: the CLI prints this one line and exits with 2."""


def emit(text: str, output: str | None = None) -> None:
    """Write ``text`` to the file ``output``, or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        with open(output, "w", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as error:
        raise CommandError(f"{output}: cannot write: {error.strerror or error}") from None
