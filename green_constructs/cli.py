"""The ``green-constructs`` command; a subcommand is a module of :mod:`green_constructs.commands`.

Exit codes: 0 success, 1 findings at or above ``--fail-on`` (lint), 2 bad usage or unreadable
input, reported as one line on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn, Sequence

from . import __version__
from .commands import CommandError

PROG = "green-constructs"
COMMANDS = ("lint", "rules", "estimate", "regions", "preflight")


class _Parser(argparse.ArgumentParser):
    """Argument parser whose usage errors are one line, raised instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
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
