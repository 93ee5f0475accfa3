"""The README's "Use it in your CDK app", as a user follows it: the wheel in a fresh virtual
environment (its dependencies from the package index), the README's app.py and cdk.json in an
empty folder, `cdk synth` under cdk-nag 3 (what `pip install green-constructs` resolves to),
then again under cdk-nag 2.

Needs the package index (PyPI) for the dependencies: about a minute with pip's cache warm.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from doc_blocks import APP_SECTION, README, ROOT, readme_app, section_blocks

PIP = ["-m", "pip", "--disable-pip-version-check"]


def _run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = {
        **os.environ,
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        **env,
    }
    full_env.pop("PYTHONPATH", None)  # nothing of the repository leaks into the user's venv
    full_env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        command, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, (
        f"{' '.join(command)} exited {result.returncode}\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def _readme_cdk_json() -> dict:
    """The cdk.json the section asks for: `{"app": "python3 app.py"}`."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(APP_SECTION) :]
    section = section[: section.index("\n## ", 1)]
    match = re.search(r"`cdk\.json` holding `(\{.*?\})`", section)
    assert match, "the section no longer names its cdk.json"
    return json.loads(match.group(1))


def _stacks(outdir: Path) -> list[str]:
    manifest = json.loads((outdir / "manifest.json").read_text())
    return [
        name
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    ]


@pytest.fixture(scope="module")
def user_venv(tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel built from this checkout installed."""
    work = tmp_path_factory.mktemp("wheel")
    # from a copy of the sources: setuptools builds in the source tree, where a stale build/
    # could hand the wheel files the checkout no longer has
    source = work / "source"
    shutil.copytree(
        ROOT / "green_constructs",
        source / "green_constructs",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    _run(
        [sys.executable, *PIP, "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(source)],
        work,
    )
    (wheel,) = (work / "dist").glob("green_constructs-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], work)
    _run([str(venv / "bin" / "python"), *PIP, "install", "-q", str(wheel)], work)
    return venv


@pytest.fixture(scope="module")
def user_app(tmp_path_factory) -> Path:
    """An empty folder holding the README's app.py and cdk.json."""
    folder = tmp_path_factory.mktemp("my-app")
    (folder / "app.py").write_text(readme_app().code)
    (folder / "cdk.json").write_text(json.dumps(_readme_cdk_json()))
    return folder


def _synth(venv: Path, app: Path, outdir: Path) -> None:
    """`cdk synth` as the README says (the venv activated: its `python3` runs app.py); with no
    CDK CLI installed here, the command cdk.json names, with `CDK_OUTDIR` as the CLI sets it."""
    path = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    cli = ROOT / "node_modules" / ".bin" / "cdk"
    if cli.exists():
        _run(
            [str(cli), "synth", "--quiet", "--no-notices", "--output", str(outdir)], app, PATH=path
        )
    else:
        command = _readme_cdk_json()["app"].split()
        _run(command, app, PATH=path, CDK_OUTDIR=str(outdir))


def _lint_clean(venv: Path, outdir: Path) -> None:
    result = _run(
        [str(venv / "bin" / "green-constructs"), "lint", str(outdir), "--fail-on", "info"], outdir
    )
    assert "0 findings (0 error" in result.stdout


def test_readme_section_installs_with_pip_and_shows_cdk_synth() -> None:
    commands = "\n".join(block.code for block in section_blocks(README, APP_SECTION))
    assert "pip install green-constructs\n" in commands
    assert re.search(r"^cdk synth\b", commands, re.M)
    assert _readme_cdk_json() == {"app": "python3 app.py"}


def test_readme_app_synthesizes_from_the_wheel_under_cdk_nag_3_then_2(
    user_venv: Path, user_app: Path
) -> None:
    python = str(user_venv / "bin" / "python")
    version = "import importlib.metadata as m; print(m.version('cdk-nag'))"

    assert _run([python, "-c", version], user_app).stdout.startswith("3.")
    outdir = user_app / "cdk.out-nag3"
    _synth(user_venv, user_app, outdir)
    stacks = _stacks(outdir)
    assert stacks and all((outdir / f"{stack}.template.json").exists() for stack in stacks)
    # the packs ran as validation plugins and reported nothing
    report = json.loads((outdir / "validation-report.json").read_text())
    assert all(plugin["violations"] == [] for plugin in report["pluginReports"])
    _lint_clean(user_venv, outdir)
    # the estimate's reference workloads ship in the wheel, reachable by name
    estimate = user_venv / "bin" / "green-constructs"
    done = _run(
        [
            str(estimate),
            "estimate",
            str(outdir),
            "--workload",
            "bursty-chat",
            "--allow-unmatched",
            "--format",
            "json",
        ],
        user_app,
    )
    assert json.loads(done.stdout)["workload"].endswith("bursty-chat.yaml")

    _run([python, *PIP, "install", "-q", "cdk-nag>=2.37,<3"], user_app)
    assert _run([python, "-c", version], user_app).stdout.startswith("2.")
    outdir = user_app / "cdk.out-nag2"
    _run([python, "app.py"], user_app, CDK_OUTDIR=str(outdir))
    for stack in _stacks(outdir):
        # the packs ran as cdk-nag 2 Aspects: each wrote cdk-nag's report, every row compliant
        for pack in ("Sustainability", "GenAI"):
            csv = outdir / f"{pack}--{stack}-NagReport.csv"
            assert csv.exists(), f"no {csv.name}: the packs did not run under cdk-nag 2"
            rows = csv.read_text().splitlines()[1:]
            assert rows and not [row for row in rows if '"Non-Compliant"' in row]
    _lint_clean(user_venv, outdir)
