"""Preflight reads the Amazon Bedrock models a template names and checks them against the
catalog's ``bedrock_models.csv``: listed regions pass, others are unknown (the table is
incomplete by its own account), an inference profile outside its geography is a blocker, and
the greenest deployable region is one that offers the model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from green_constructs.cli import main
from green_constructs.preflight import deployable_regions, requirements
from green_constructs.preflight.bedrock import model_id_of, model_table
from green_constructs.rules.context import TemplateContext

TITAN = "amazon.titan-embed-text-v2:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
LLAMA = "meta.llama3-1-8b-instruct-v1:0"


def _knowledge_base(model_arn: object) -> dict:
    return {
        "Type": "AWS::Bedrock::KnowledgeBase",
        "Properties": {
            "Name": "kb",
            "RoleArn": "arn:aws:iam::123456789012:role/kb",
            "KnowledgeBaseConfiguration": {
                "Type": "VECTOR",
                "VectorKnowledgeBaseConfiguration": {"EmbeddingModelArn": model_arn},
            },
            "StorageConfiguration": {"Type": "S3_VECTORS"},
        },
    }


def _batch_workflow(model_id: str) -> dict:
    definition = {
        "StartAt": "CreateJob",
        "States": {
            "CreateJob": {
                "Type": "Task",
                "End": True,
                "Resource": "arn:aws:states:::aws-sdk:bedrock:createModelInvocationJob",
                "Parameters": {"JobName.$": "$.name", "ModelId": model_id},
            }
        },
    }
    return {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {"RoleArn": "r", "DefinitionString": json.dumps(definition)},
    }


def _run(capsys, tmp_path: Path, resources: dict, region: str) -> tuple[int, dict]:
    path = tmp_path / "template.json"
    path.write_text(json.dumps({"Resources": resources}))
    code = main(["preflight", str(path), "--region", region, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def _requirements(resources: dict) -> list:
    return requirements(TemplateContext({"Resources": resources}, name="t", region=None))


@pytest.mark.parametrize(
    "value",
    [
        f"arn:aws:bedrock:us-west-2::foundation-model/{TITAN}",
        {
            "Fn::Join": [
                "",
                [
                    "arn:",
                    {"Ref": "AWS::Partition"},
                    f":bedrock:us-west-2::foundation-model/{TITAN}",
                ],
            ]
        },
        {
            "Fn::Join": [
                "",
                ["arn:aws:bedrock:", {"Ref": "AWS::Region"}, f"::foundation-model/{TITAN}"],
            ]
        },
        TITAN,
    ],
)
def test_model_ids_are_read_from_ids_arns_and_cdk_joins(value) -> None:
    assert model_id_of(value) == TITAN


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc123",
        "arn:aws:bedrock:us-west-2:123456789012:custom-model/my-model",
        {"Ref": "ModelArn"},
        None,
    ],
)
def test_other_arns_and_deploy_time_values_are_not_models(value) -> None:
    assert model_id_of(value) is None


def test_knowledge_base_in_a_listed_region_passes_and_greenest_is_first(capsys, tmp_path) -> None:
    arn = f"arn:aws:bedrock:us-east-1::foundation-model/{TITAN}"
    code, report = _run(capsys, tmp_path, {"Kb": _knowledge_base(arn)}, "us-east-1")
    assert code == 0
    [check] = report["checks"]
    assert (check["status"], check["feature"], check["subject"]) == ("ok", "bedrock", TITAN)
    assert "bedrock_models.csv" in check["source"]
    assert report["summary"]["deployable_regions"] == [
        "us-west-2",
        "eu-central-1",
        "us-east-1",
        "ap-northeast-1",
    ]


def test_region_the_table_does_not_list_is_unknown_not_a_blocker(capsys, tmp_path) -> None:
    agent = {
        "Type": "AWS::Bedrock::Agent",
        "Properties": {"AgentName": "a", "FoundationModel": HAIKU},
    }
    code, report = _run(capsys, tmp_path, {"Agent": agent}, "eu-west-1")
    assert code == 0
    [check] = report["checks"]
    assert check["status"] == "unknown"
    assert check["message"].startswith(f"bedrock_models.csv lists Amazon Bedrock model {HAIKU} in")
    assert "eu-west-3, " in check["message"]  # greenest first
    assert report["summary"]["deployable_regions"][0] == "eu-west-3"


def test_inference_profile_outside_its_geography_is_a_blocker(capsys, tmp_path) -> None:
    agent = {
        "Type": "AWS::Bedrock::Agent",
        "Properties": {"AgentName": "a", "FoundationModel": f"eu.{HAIKU}"},
    }
    code, report = _run(capsys, tmp_path, {"Agent": agent}, "us-east-1")
    assert code == 1
    assert report["checks"][0]["message"] == (
        f"the inference profile eu.{HAIKU} serves eu regions, not us-east-1"
    )
    code, report = _run(capsys, tmp_path, {"Agent": agent}, "eu-west-1")
    assert (code, report["checks"][0]["status"]) == (0, "ok")


def test_batch_jobs_need_a_model_that_takes_batch_inference(capsys, tmp_path) -> None:
    code, report = _run(
        capsys, tmp_path, {"Jobs": _batch_workflow("meta.llama3-1-8b-instruct-v1:0")}, "us-west-2"
    )
    assert (code, report["checks"][0]["feature"], report["checks"][0]["status"]) == (
        0,
        "bedrock-batch",
        "ok",
    )
    assert not model_table()["meta.llama3-8b-instruct-v1:0"].batch_inference
    code, report = _run(
        capsys, tmp_path, {"Jobs": _batch_workflow("meta.llama3-8b-instruct-v1:0")}, "us-west-2"
    )
    assert report["checks"][0]["status"] == "unknown"
    assert "as taking batch inference" in report["checks"][0]["message"]


def test_a_model_outside_the_table_is_unknown_and_leaves_no_deployable_region(
    capsys, tmp_path
) -> None:
    agent = {
        "Type": "AWS::Bedrock::Agent",
        "Properties": {"AgentName": "a", "FoundationModel": "cohere.command-r-v1:0"},
    }
    code, report = _run(capsys, tmp_path, {"Agent": agent}, "us-east-1")
    assert (code, report["checks"][0]["status"]) == (0, "unknown")
    assert report["summary"]["deployable_regions"] == []


def test_prompt_routers_and_flows_name_their_models() -> None:
    router = {
        "Type": "AWS::Bedrock::IntelligentPromptRouter",
        "Properties": {
            "PromptRouterName": "r",
            "Models": [
                {"ModelArn": f"arn:aws:bedrock:us-west-2::foundation-model/{HAIKU}"},
                {"ModelArn": f"arn:aws:bedrock:us-west-2::foundation-model/{LLAMA}"},
            ],
            "FallbackModel": {"ModelArn": f"arn:aws:bedrock:us-west-2::foundation-model/{HAIKU}"},
            "RoutingCriteria": {"ResponseQualityDifference": 0.1},
        },
    }
    node = {
        "Name": "Ask",
        "Type": "Prompt",
        "Configuration": {"Prompt": {"SourceConfiguration": {"Inline": {"ModelId": TITAN}}}},
    }
    flow = {
        "Type": "AWS::Bedrock::Flow",
        "Properties": {"Name": "f", "ExecutionRoleArn": "r", "Definition": {"Nodes": [node]}},
    }
    found = _requirements({"Router": router, "Flow": flow})
    assert [(r.resource, r.model) for r in found] == [
        ("Router", HAIKU),
        ("Router", "meta.llama3-1-8b-instruct-v1:0"),
        ("Router", HAIKU),
        ("Flow", TITAN),
    ]
    assert deployable_regions(found) == ["us-west-2"]
