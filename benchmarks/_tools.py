"""Where the benchmarks' peer tools live (installed by benchmarks/setup.sh under benchmarks/.cache).

``python benchmarks/_tools.py cfn-guard`` prints the path of the cfn-guard binary for this machine.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
SCANNER_VENV = CACHE / "scanner-venv"
OURS_VENV = CACHE / "ours-venv"
CFNGUARD_PKG = CACHE / "npm" / "node_modules" / "@cdklabs" / "cdk-validator-cfnguard"


def cfn_guard() -> Path:
    """The cfn-guard 3 binary that @cdklabs/cdk-validator-cfnguard ships for this platform.

    The package has ``bin/{ubuntu,macos}/{x86_64,aarch64}/cfn-guard`` (and ``guard-version.json``).
    """
    system = {"Linux": "ubuntu", "Darwin": "macos"}.get(platform.system())
    machine = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(
        platform.machine().lower()
    )
    if system is None or machine is None:
        raise SystemExit(f"no cfn-guard binary for {platform.system()} {platform.machine()}")
    path = CFNGUARD_PKG / "bin" / system / machine / "cfn-guard"
    if not path.is_file():
        raise SystemExit(f"{path} not found: run benchmarks/setup.sh")
    return path


def scanner_exe() -> Path:
    path = SCANNER_VENV / "bin" / "susscanner"
    if not path.is_file():
        raise SystemExit(f"{path} not found: run benchmarks/setup.sh")
    return path


def scanner_env() -> dict[str, str]:
    """Environment for the scanner: it runs ``cfn-guard`` through PATH (``shutil.which``)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join(
        [str(cfn_guard().parent), str(SCANNER_VENV / "bin"), env.get("PATH", "")]
    )
    return env


def our_exe() -> Path:
    """The ``green-constructs`` console script of the installed copy (benchmarks/setup.sh
    installs the repository into ``.cache/ours-venv`` as users get it: a regular, not editable,
    install with its bytecode compiled by pip)."""
    path = OURS_VENV / "bin" / "green-constructs"
    if not path.is_file():
        raise SystemExit(f"{path} not found: run benchmarks/setup.sh")
    return path


def median_ms(seconds: Sequence[float]) -> float:
    return round(statistics.median(seconds) * 1000, 2)


def summary_ms(seconds: Sequence[float]) -> dict[str, Any]:
    """Median, min and max in milliseconds, and every sample."""
    return {
        "median_ms": median_ms(seconds),
        "min_ms": round(min(seconds) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
        "samples_ms": [round(s * 1000, 2) for s in seconds],
    }


def timed_run(args: Sequence[str], **kwargs: Any) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall time of one new process (start to exit), and its result (output captured)."""
    start = time.perf_counter()
    done = subprocess.run(
        list(args), stdin=subprocess.DEVNULL, capture_output=True, text=True, **kwargs
    )
    return time.perf_counter() - start, done


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "commit": commit or None,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def write_result(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return path


def table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    cells = [list(map(str, header))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["cfn-guard"]:
        print(cfn_guard())
    else:
        raise SystemExit("usage: _tools.py cfn-guard")
