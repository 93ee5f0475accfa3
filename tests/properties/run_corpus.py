"""Run the CLI over hostile files in a process whose address space is capped, each case under
a time limit; print one JSON line per case. Used by ``test_fuzz_corpus.py``:

    python run_corpus.py MEMORY_MB SECONDS FILE...
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # time_limits

from time_limits import Expired, time_limit  # noqa: E402

COMMANDS = (
    ("lint", "--format", "text"),
    ("lint", "--format", "json"),
    ("lint", "--format", "sarif"),
    ("estimate", "--format", "json", "--allow-unmatched"),
    ("preflight", "--format", "json", "--region", "us-east-1"),
)


def run_case(argv: list[str], seconds: float) -> dict[str, object]:
    from green_constructs.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            with time_limit(seconds):
                code: object = main(argv)
        except Expired as expired:
            code = f"expired: {expired}"
        except MemoryError:
            code = "MemoryError"
    return {"argv": argv, "code": code, "err": err.getvalue(), "out": out.getvalue()[-2000:]}


def main() -> None:
    memory_mb, seconds, *files = sys.argv[1:]
    limit = int(memory_mb) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    for file in files:
        for command in COMMANDS:
            case = run_case([command[0], file, *command[1:]], float(seconds))
            print(json.dumps(case), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": peak}), flush=True)


if __name__ == "__main__":
    main()
