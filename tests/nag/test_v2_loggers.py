"""cdk-nag 2: results handed straight to the pack's loggers make the same reports and
annotations as through ``apply_rule``, and the packs as Aspects the same as enabled."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from test_packs import ENV, _naive_stack

from green_constructs.nag import (
    CDK_NAG_MAJOR,
    GenAISustainabilityChecks,
    SustainabilityChecks,
    acknowledge,
    enable_sustainability_checks,
)
from green_constructs.nag.output import NagOutput

pytestmark = pytest.mark.skipif(CDK_NAG_MAJOR >= 3, reason="cdk-nag 2's loggers")


def _synth(outdir: Path, *, aspects: bool = False) -> dict[str, str]:
    """Each file of the assembly that records results: reports and stack metadata; the packs
    enabled, or with ``aspects`` added as Aspects of the app."""
    app = cdk.App(outdir=str(outdir))
    _naive_stack(app)
    other = cdk.Stack(app, "Other", env=ENV)
    logs.LogGroup(other, "Forever", retention=logs.RetentionDays.INFINITE)
    bucket = s3.CfnBucket(other, "Kept")
    acknowledge(bucket, "Sustainability-S3BucketLifecycle", "Kept forever by design.")
    if aspects:
        for pack in (SustainabilityChecks(strict=True), GenAISustainabilityChecks(strict=True)):
            cdk.Aspects.of(app).add(pack)
    else:
        enable_sustainability_checks(app, strict=True)
    app.synth()
    found = {f.name: f.read_text() for f in sorted(outdir.glob("*NagReport.csv"))}
    for path in sorted(outdir.glob("*.metadata.json")):
        entries = [
            (construct, e["type"], e["data"])
            for construct, listed in json.loads(path.read_text()).items()
            for e in listed
            # where the call came from; the template file, noted again by each scratch write
            if e["type"] not in ("aws:cdk:creationStack", "aws:cdk:templateFile")
        ]
        found[path.name] = json.dumps(entries)
    return found


def test_same_reports_and_annotations_as_apply_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    direct = _synth(tmp_path / "direct")
    from green_constructs.nag import v2_loggers

    monkeypatch.setattr(v2_loggers.LoggerOutput, "finding", NagOutput.finding)
    monkeypatch.setattr(v2_loggers.LoggerOutput, "compliant", NagOutput.compliant)
    through_apply_rule = _synth(tmp_path / "apply-rule")
    assert direct == through_apply_rule
    reports = [name for name in direct if name.endswith(".csv")]
    assert len(reports) == 3  # GenAI has nothing to check in Other
    assert "Non-Compliant" in "".join(direct.values())
    assert any("Sustainability-LogGroupRetention" in json.dumps(v) for v in direct.values())


def test_packs_as_aspects_report_as_enabled_packs(tmp_path: Path) -> None:
    assert _synth(tmp_path / "aspects", aspects=True) == _synth(tmp_path / "enabled")
