#!/usr/bin/env python3
"""Type completeness of the public API, as pyright reports it for the installed wheel.

Builds the wheel, installs it (no dependencies) into a temporary venv that sees the
repository venv's packages, and runs the pinned pyright (package.json) with
``--verifytypes green_constructs --ignoreexternal``::

    .venv/bin/python benchmarks/type_completeness.py [--target 98] [--show]

Prints the score and the counts (``--show``: each exported symbol pyright cannot type fully,
with its first diagnostic); exit 1 below ``--target``. (The editable install of the
repository venv is a setuptools import hook pyright does not follow, hence the wheel.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYRIGHT = REPO / "node_modules" / ".bin" / "pyright"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=float, default=98.0, help="score to reach, percent")
    parser.add_argument(
        "--show", action="store_true", help="list the symbols that are not fully typed"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(REPO), "-w", str(work)],
            check=True,
        )
        venv = work / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = venv / "bin" / "python"
        site = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        # the repository venv's packages as plain paths (its .pth import hooks not run)
        Path(site, "repository-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        wheel = next(work.glob("green_constructs-*.whl"))
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True
        )
        env = {
            **os.environ,
            "VIRTUAL_ENV": str(venv),
            "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        }
        done = subprocess.run(
            [str(PYRIGHT), "--verifytypes", "green_constructs", "--ignoreexternal", "--outputjson"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )
    report = json.loads(done.stdout)["typeCompleteness"]
    score = report["completenessScore"] * 100
    if args.show:
        for symbol in report["symbols"]:
            typed = symbol["isTypeKnown"] and not symbol["isTypeAmbiguous"]
            if symbol["isExported"] and not typed:
                for diagnostic in symbol["diagnostics"]:
                    print(f"{symbol['name']}: {diagnostic['message']}".replace("\n", " /"))
    print(
        f"type completeness {score:.1f}% (target {args.target:g}%): "
        f"{report['exportedSymbolCounts']['withKnownType']} known, "
        f"{report['exportedSymbolCounts']['withAmbiguousType']} ambiguous, "
        f"{report['exportedSymbolCounts']['withUnknownType']} unknown of the exported symbols; "
        f"{report['missingFunctionDocStringCount']} functions without docstring"
    )
    return 0 if score >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
