"""The naive example gets the findings the README shows, from the packs and from the CLI."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from green_constructs.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "naive_llm_endpoint" / "app.py"
EXPECTED_GENAI = {
    ("GenAI-InferenceAccelerator", "EndpointConfig"),
    ("GenAI-EndpointAutoScaling", "Endpoint"),
    ("GenAI-EndpointMonitoring", "Endpoint"),
    ("GenAI-DataCaptureSampling", "EndpointConfig"),
    ("GenAI-ModelPrecision", "Model"),
}


def _load_example():
    spec = importlib.util.spec_from_file_location("naive_llm_endpoint_app", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    outdir = tmp_path_factory.mktemp("naive")
    _load_example().build_app(outdir=str(outdir)).synth()
    capture = tmp_path_factory.mktemp("report") / "report.json"
    code = main(["lint", str(outdir), "--format", "json", "--output", str(capture)])
    assert code == 0  # warnings only: the example synthesizes, and lint fails on errors
    return json.loads(capture.read_text())


def test_naive_endpoint_gets_the_genai_findings(report) -> None:
    found = {(f["rule_id"], f["resource"]) for f in report["findings"]}
    assert EXPECTED_GENAI <= found
    assert any(f["rule_id"] == "GenAI-RegionCarbonIntensity" for f in report["findings"])


def test_naive_storage_and_logs_get_sustainability_findings(report) -> None:
    by_type = {}
    for finding in report["findings"]:
        if finding["rule_id"].startswith("Sustainability-"):
            by_type.setdefault(finding["resource_type"], set()).add(finding["rule_id"])
    assert "Sustainability-LogGroupRetention" in by_type["AWS::Logs::LogGroup"]
    assert by_type["AWS::S3::Bucket"]  # no lifecycle, versions kept forever
