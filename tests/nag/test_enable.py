"""``enable_sustainability_checks``: idempotent, and its ``settings`` checked where given."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs

from green_constructs.nag import CDK_NAG_MAJOR, enable_sustainability_checks
from green_constructs.rules import RuleSettings

ENV = cdk.Environment(account="111111111111", region="eu-north-1")


def _app(outdir: Path) -> cdk.App:
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Logs", env=ENV)
    logs.LogGroup(stack, "Forever", retention=logs.RetentionDays.INFINITE)
    return app


def _reported(outdir: Path) -> list[str]:
    """Every report of our rules, duplicates kept: cdk-nag 3's violations, cdk-nag 2's
    annotations."""
    if CDK_NAG_MAJOR >= 3:
        report = json.loads((outdir / "validation-report.json").read_text())
        return [
            v["ruleName"]
            for plugin in report["pluginReports"]
            for v in plugin["violations"]
            if v["ruleName"].startswith(("Sustainability-", "GenAI-"))
        ]
    manifest = json.loads((outdir / "manifest.json").read_text())
    [stack] = [a for a in manifest["artifacts"].values() if "additionalMetadataFile" in a]
    metadata = json.loads((outdir / stack["additionalMetadataFile"]).read_text())
    return [
        str(entry["data"]).split(":", 1)[0]
        for entries in metadata.values()
        for entry in entries
        if entry["type"] in ("aws:cdk:warning", "aws:cdk:error")
        and str(entry["data"]).startswith(("Sustainability-", "GenAI-"))
    ]


def test_enabling_twice_reports_each_finding_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    once, twice = tmp_path / "once", tmp_path / "twice"
    app = _app(once)
    packs = enable_sustainability_checks(app)
    app.synth()
    again = _app(twice)
    first = enable_sustainability_checks(again)
    assert enable_sustainability_checks(again) == first
    if CDK_NAG_MAJOR < 3:  # cdk-nag 2: CDK drops repeated annotations, so count the runs
        from green_constructs.nag.v2 import PackValidation

        runs = []
        validate = PackValidation.validate
        monkeypatch.setattr(PackValidation, "validate", lambda v: runs.append(v) or validate(v))
    again.synth()
    if CDK_NAG_MAJOR < 3:
        assert [list(v.packs) for v in runs] == [first]
    assert _reported(once) == ["Sustainability-LogGroupRetention"]
    assert _reported(twice) == _reported(once)
    assert [type(p) for p in first] == [type(p) for p in packs]


def test_enabling_another_pack_later_adds_only_it(tmp_path: Path) -> None:
    app = _app(tmp_path)
    [genai] = enable_sustainability_checks(app, packs=["GenAI"])
    both = enable_sustainability_checks(app)
    assert both[1] is genai and len(both) == 2
    app.synth()
    assert _reported(tmp_path) == ["Sustainability-LogGroupRetention"]


def test_enabling_again_with_other_options_is_refused(tmp_path: Path) -> None:
    app = _app(tmp_path)
    enable_sustainability_checks(app)
    with pytest.raises(ValueError, match="already enabled on this app with other options"):
        enable_sustainability_checks(app, strict=True)


def test_settings_as_a_mapping_are_converted(tmp_path: Path) -> None:
    packs = enable_sustainability_checks(
        _app(tmp_path), settings={"carbon_intensity_ratio": 3, "suggested_regions": 1}
    )
    expected = RuleSettings(carbon_intensity_ratio=3, suggested_regions=1)
    assert all(p._checks.settings == expected for p in packs)  # noqa: SLF001


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("ratio=3", r"settings: expected a green_constructs.rules.RuleSettings .* got str"),
        ({"carbon_ratio": 3}, r"settings: unknown field\(s\) 'carbon_ratio'; allowed: carbon_"),
        ({"suggested_regions": 2.5}, r"settings: suggested_regions must be an integer, got 2.5"),
        ({"carbon_intensity_ratio": "3"}, r"carbon_intensity_ratio must be a number, got '3'"),
        (RuleSettings(carbon_intensity_floor=True), r"carbon_intensity_floor must be a number"),
    ],
)
def test_bad_settings_are_refused_naming_the_parameter(
    tmp_path: Path, settings: object, message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        enable_sustainability_checks(_app(tmp_path), settings=settings)  # type: ignore[arg-type]
