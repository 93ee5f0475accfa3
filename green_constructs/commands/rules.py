"""``green-constructs rules``: list the rules (text, JSON or the Markdown of docs/RULES.md)."""

from __future__ import annotations

import argparse

from . import CommandError, emit

FORMATS = ("text", "json", "markdown")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``rules`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "rules",
        help="list the rules",
        description="List the rules of every pack, or of the packs named.",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (text)")
    parser.add_argument("--pack", action="append", metavar="NAME", help="only this pack (repeat)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the rules of the packs asked for; return the exit code."""
    from ..rules import PACKS, select_rules
    from ..rules.listing import render

    try:
        rules = select_rules(packs=args.pack)
    except ValueError as error:
        raise CommandError(str(error)) from None
    packs = [p for p in PACKS if p in (args.pack or PACKS)]
    emit(render(args.format, rules, packs))
    return 0
