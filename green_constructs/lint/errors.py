"""The one error the readers raise: a file that is refused or is not what it should be."""

from __future__ import annotations


class TemplateDecodeError(Exception):
    """A template, manifest or input file that cannot be read or is not what it should be;
    the message is one line naming the file (the CLI prints it and exits 2)."""
