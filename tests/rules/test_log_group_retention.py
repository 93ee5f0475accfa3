"""Sustainability-LogGroupRetention says when a log group without retention receives Bedrock
logs: by name, or through a vended logs delivery from a Bedrock resource."""

from __future__ import annotations

from pathlib import Path

from green_constructs.lint.decode import decode_file
from green_constructs.rules import evaluate, get_rule

FIXTURE = (
    Path(__file__).parent / "fixtures" / "Sustainability-LogGroupRetention" / "bedrock_logs.yaml"
)


def test_the_message_names_bedrock_logs() -> None:
    template = decode_file(FIXTURE).template
    findings = evaluate(template, [get_rule("Sustainability-LogGroupRetention")])
    messages = {finding.resource: finding.message for finding in findings}
    assert "(Amazon Bedrock logs)" in messages["BadModelInvocationLogs"]
    assert "(Amazon Bedrock logs)" in messages["BadVendedKnowledgeBaseLogs"]
    assert "(Amazon Bedrock logs of KnowledgeBase)" in messages["BadKnowledgeBaseLogs"]


def test_other_log_groups_are_not_called_bedrock_logs() -> None:
    template = {
        "Resources": {
            "Plain": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": "/aws/vendedlogs/states/machine"},
            }
        }
    }
    [finding] = evaluate(template, [get_rule("Sustainability-LogGroupRetention")])
    assert "Bedrock" not in finding.message
