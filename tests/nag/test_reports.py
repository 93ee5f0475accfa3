"""cdk-nag 2 reports: each pack writes cdk-nag's CSV report per stack, as cdk-nag's own packs
do, unless ``reports=False``; and the acknowledge helper works through the package root."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs

from green_constructs.cli import main
from green_constructs.nag import CDK_NAG_MAJOR, acknowledge, enable_sustainability_checks

ENV = cdk.Environment(account="111111111111", region="eu-north-1")
v2_only = pytest.mark.skipif(CDK_NAG_MAJOR >= 3, reason="cdk-nag 3 reports through the CDK")


def _synth(outdir: Path, **options) -> cdk.App:
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Logs", env=ENV)
    logs.LogGroup(stack, "Forever", retention=logs.RetentionDays.INFINITE)
    logs.LogGroup(stack, "Month", retention=logs.RetentionDays.ONE_MONTH)
    kept = logs.LogGroup(stack, "Audit", retention=logs.RetentionDays.INFINITE)
    acknowledge(kept, "Sustainability-LogGroupRetention", "Audit logs are kept by regulation.")
    packs = enable_sustainability_checks(app, **options)
    assert [type(p).__name__ for p in packs] == [
        "SustainabilityChecks",
        "GenAISustainabilityChecks",
    ]
    app.synth()
    return app


def _rows(report: Path) -> list[dict[str, str]]:
    with report.open(newline="") as handle:
        return list(csv.DictReader(handle))


@v2_only
def test_reports_by_default(tmp_path: Path) -> None:
    _synth(tmp_path)
    # cdk-nag names reports <pack>-<stage id>-<stack>: the App's id is empty
    rows = _rows(tmp_path / "Sustainability--Logs-NagReport.csv")
    retention = {
        r["Resource ID"].split("/")[1]: r["Compliance"]
        for r in rows
        if r["Rule ID"] == "Sustainability-LogGroupRetention"
    }
    assert retention == {"Forever": "Non-Compliant", "Month": "Compliant"}
    assert rows and {r["Compliance"] for r in rows} <= {"Compliant", "Non-Compliant"}


@v2_only
def test_no_reports_when_told(tmp_path: Path) -> None:
    _synth(tmp_path, reports=False)
    assert not list(tmp_path.glob("*NagReport*"))


def test_acknowledge_helper_from_the_package_root(tmp_path: Path, capsys) -> None:
    _synth(tmp_path, reports=False)
    main(["lint", str(tmp_path), "--format", "json", "--rule", "Sustainability-LogGroupRetention"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    states = {f["resource"].rstrip("0123456789ABCDEF"): f["acknowledged"] for f in findings}
    assert states == {"Forever": False, "Audit": True}
