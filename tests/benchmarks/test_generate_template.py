"""Smoke test of the benchmark template generator (no timing, no peer tools)."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

from green_constructs.rules import all_rules, evaluate

GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "generate_template.py"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_template", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_template_has_500_resources_of_many_types() -> None:
    template = json.loads(_generator().render())
    resources = template["Resources"]
    assert len(resources) == 500
    types = Counter(r["Type"] for r in resources.values())
    for expected in (
        "AWS::Logs::LogGroup",
        "AWS::S3::Bucket",
        "AWS::Lambda::Function",
        "AWS::RDS::DBInstance",
        "AWS::ApiGateway::RestApi",
        "AWS::EC2::SecurityGroup",
        "AWS::EMR::Cluster",
        "AWS::Glue::Job",
        "AWS::CloudFront::Distribution",
        "AWS::SageMaker::EndpointConfig",
        "AWS::SageMaker::Endpoint",
        "AWS::EC2::Volume",
    ):
        assert types[expected] > 0, expected


def test_template_is_deterministic() -> None:
    generator = _generator()
    assert generator.render() == generator.render()


def test_our_rules_find_findings_in_it() -> None:
    template = json.loads(_generator().render())
    findings = evaluate(template, all_rules())
    assert findings
    flagged = {f.resource for f in findings}
    # compliant variants exist too: not every resource is flagged
    assert len(flagged) < len(template["Resources"])
