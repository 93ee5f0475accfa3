"""Fenced code blocks of the README and the docs, for the tests that run them.

The conventions the documentation follows (``tests/docs/test_snippets.py`` enforces them):

- a block fenced ```` ```python ```` is a complete program: it runs as written;
- a block fenced ```` ```python excerpt ```` holds lines of the README's complete app (the
  first ``python`` block of "Use it in your CDK app"): every paragraph of it (lines between
  blank lines) is a run of consecutive lines of that app, indentation aside;
- in an unlabelled block, a line starting with ``green-constructs`` is a command run from the
  repository root once ``.venv`` is activated; one starting with ``$`` is a command followed by
  the output it prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
APP_SECTION = "## Use it in your CDK app"

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # of the opening fence, 1-based
    info: str  # the fence's info string: "python", "python excerpt", "" ...
    code: str

    @property
    def language(self) -> str:
        return self.info.split()[0] if self.info.split() else ""

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    return [
        Block(path, text.count("\n", 0, match.start()) + 1, match.group(1).strip(), match.group(2))
        for match in _FENCE.finditer(text)
    ]


def documents() -> list[Path]:
    """The README and every Markdown document of the repository (docs, examples)."""
    docs = sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / "examples").rglob("*.md"))
    return [README, *docs]


def section_blocks(path: Path, heading: str) -> list[Block]:
    """The blocks between ``heading`` and the next heading of the same level."""
    text = path.read_text(encoding="utf-8")
    start = text.index(heading + "\n")
    level = heading.split()[0]
    end = text.find(f"\n{level} ", start + len(heading))
    first = text.count("\n", 0, start) + 1
    last = text.count("\n", 0, end) + 1 if end >= 0 else float("inf")
    return [block for block in blocks(path) if first < block.line < last]


def readme_app() -> Block:
    """The README's complete app: the first ``python`` block of "Use it in your CDK app"."""
    return next(block for block in section_blocks(README, APP_SECTION) if block.info == "python")


def missing_excerpt_paragraphs(excerpt: str, program: str) -> list[str]:
    """The paragraphs of ``excerpt`` that are not runs of consecutive lines of ``program``."""
    lines = [line.strip() for line in program.splitlines()]
    missing = []
    for paragraph in re.split(r"\n\s*\n", excerpt.strip("\n")):
        wanted = [line.strip() for line in paragraph.splitlines()]
        if not any(
            lines[i : i + len(wanted)] == wanted for i in range(len(lines) - len(wanted) + 1)
        ):
            missing.append(paragraph)
    return missing
