"""The ``green-constructs`` command; a subcommand is a module of :mod:`green_constructs.commands`.

Exit codes: 0 success, 1 findings at or above ``--fail-on`` (lint), 2 bad usage or unreadable
input, reported as one line on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from . import __version__
from .commands import CommandError

PROG = "green-constructs"
COMMANDS = ("lint", "rules", "estimate", "regions", "preflight")


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, sized without ``shutil`` (which argparse imports for the terminal
    width, with its compression modules, on every ``add_argument``): ``COLUMNS``, else the
    terminal, else 80 columns."""

    def __init__(self, prog: str, **options: Any) -> None:
        if options.get("width") is None:
            options["width"] = _columns() - 2  # as argparse does
        super().__init__(prog, **options)


def _columns() -> int:
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    if sys.__stdout__ is None:  # no stdout at all
        return 80
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    """Argument parser whose usage errors are one line, raised instead of exiting."""

    def __init__(self, *args: Any, **options: Any) -> None:
        options.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **options)

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    """The ``green-constructs`` parser, with a subparser per command of :data:`COMMANDS`."""
    parser = _Parser(
        prog=PROG,
        description="Sustainability checks for AWS CDK and CloudFormation generative-AI stacks.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__package__}.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.run(args))
    except CommandError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except SystemExit as exit_:  # --help
        return exit_.code if isinstance(exit_.code, int) else 0
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug: still one line, never a traceback
        print(f"{PROG}: error: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
