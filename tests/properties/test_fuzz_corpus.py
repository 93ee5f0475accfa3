"""The checked-in corpus of hostile files (``tests/lint/data/hostile``) through every output of
``lint`` and through ``estimate`` and ``preflight``, in a process capped at 768 MiB of address space, each case
within 10 s: exit 0, 1 or 2; on 2 one line naming the file; never "internal error", a
traceback, or a rule-crash finding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CORPUS = sorted((HERE.parent / "lint" / "data" / "hostile").glob("*.[jy]*"))
MEMORY_MB = 768
SECONDS = 10


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    completed = subprocess.run(
        [sys.executable, HERE / "run_corpus.py", str(MEMORY_MB), str(SECONDS), *map(str, CORPUS)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return [json.loads(line) for line in completed.stdout.splitlines()]


def test_the_corpus_is_there() -> None:
    names = {path.name for path in CORPUS}
    assert {"alias-bomb.yaml", "merge-key-bomb.yaml", "recursive-anchor.yaml"} <= names
    assert len(CORPUS) >= 25


def test_every_case_ends_in_time_and_memory(cases: list[dict]) -> None:
    *runs, usage = cases
    assert len(runs) == 5 * len(CORPUS)
    bad = [(case["argv"], case["code"]) for case in runs if case["code"] not in (0, 1, 2)]
    assert bad == []
    assert usage["peak_mb"] < MEMORY_MB


def test_no_case_is_an_internal_error_or_a_rule_crash(cases: list[dict]) -> None:
    *runs, _ = cases
    crashes = [
        case["argv"]
        for case in runs
        if "internal error" in case["err"]
        or "Traceback" in case["err"]
        or "please report" in case["out"]
    ]
    assert crashes == []


def test_refusals_are_one_line_naming_the_file(cases: list[dict]) -> None:
    *runs, _ = cases
    for case in (c for c in runs if c["code"] == 2):
        name = Path(case["argv"][1]).name
        assert case["err"].count("\n") == 1 and name in case["err"], case
