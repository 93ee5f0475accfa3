"""The installed ``green-constructs`` script and ``python -m green_constructs``, as subprocesses;
and the cold-start promise: ``lint`` imports no CDK, jsii, boto3 or cfn-lint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"
SCRIPT = Path(sys.executable).with_name("green-constructs")


def test_console_script_lint_json() -> None:
    done = subprocess.run(
        [
            str(SCRIPT),
            "lint",
            str(DATA / "log_groups.json"),
            "--format",
            "json",
            "--rule",
            "Sustainability-LogGroupRetention",
            "--fail-on",
            "warning",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["findings"] == 1


def test_python_m_reports_bad_input_on_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "green_constructs", "lint", str(DATA / "invalid.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("green-constructs: error: ") and done.stderr.count("\n") == 1


def test_lint_imports_no_heavy_modules() -> None:
    code = (
        "import sys; from green_constructs.cli import main; "
        f"main(['lint', {str(DATA / 'endpoint.yaml')!r}, '--format', 'sarif']); "
        "heavy = ('aws_cdk', 'jsii', 'boto3', 'botocore', 'cfnlint', 'cdk_nag', 'constructs'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stderr.strip() == "[]"
