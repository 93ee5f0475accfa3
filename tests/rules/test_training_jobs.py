"""Extraction of SageMaker jobs from state machines, pipelines, HyperPod and Batch."""

from __future__ import annotations

import json
from typing import Any

import pytest

from green_constructs.rules import TemplateContext
from green_constructs.rules import training_jobs as module
from green_constructs.rules.training_jobs import (
    UNRESOLVED,
    is_unknown,
    jobs,
    training_instances,
    training_jobs,
)

TRAIN = {
    "ResourceConfig": {"InstanceType": "ml.trn1.32xlarge", "InstanceCount": 1},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
}


def _context(resource_type: str, properties: dict[str, Any], **extra: Any) -> TemplateContext:
    return TemplateContext(
        {"Resources": {"R": {"Type": resource_type, "Properties": properties}}, **extra}
    )


def _machine(definition: Any, **properties: Any) -> TemplateContext:
    key = (
        "DefinitionString"
        if not isinstance(definition, dict) or "Fn::Join" in definition or ("Fn::Sub" in definition)
        else "Definition"
    )
    return _context("AWS::StepFunctions::StateMachine", {key: definition, **properties})


def _jobs(context: TemplateContext) -> tuple[module.Job, ...]:
    return jobs(context.resources["R"], context)


def _task(resource: str, parameters: Any, key: str = "Parameters") -> dict[str, Any]:
    return {"Type": "Task", "Resource": resource, key: parameters, "End": True}


def _states(**states: Any) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states}


def test_plain_definition_string() -> None:
    definition = _states(Train=_task("arn:aws:states:::sagemaker:createTrainingJob.sync", TRAIN))
    (job,) = _jobs(_machine(json.dumps(definition)))
    assert (job.kind, job.name, job.instance_types) == ("training", "Train", ("ml.trn1.32xlarge",))
    assert job.get("StoppingCondition.MaxRuntimeInSeconds") == 3600


def test_join_tokens_inside_and_outside_strings() -> None:
    definition = {
        "Fn::Join": [
            "",
            [
                '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:',
                {"Ref": "AWS::Partition"},
                ':states:::sagemaker:createTrainingJob","Parameters":{"RoleArn":"',
                {"Fn::GetAtt": ["Role", "Arn"]},
                '","Note":"say \\"',
                {"Ref": "Name"},
                '\\"","ResourceConfig":{"InstanceType":"ml.p4d.24xlarge","InstanceCount":',
                {"Ref": "Count"},
                '},"EnableManagedSpotTraining":',
                {"Ref": "Spot"},
                '},"End":true}}}',
            ],
        ]
    }
    (job,) = _jobs(_machine(definition))
    assert job.instance_types == ("ml.p4d.24xlarge",)
    assert job.get("RoleArn") == UNRESOLVED
    assert job.get("Note") == f'say "{UNRESOLVED}"'
    assert is_unknown(job.get("ResourceConfig.InstanceCount"))
    assert is_unknown(job.get("EnableManagedSpotTraining"))


def test_definition_substitutions_in_string_and_object() -> None:
    text = json.dumps(
        _states(
            T=_task("${TrainArn}", {**TRAIN, "ResourceConfig": {"InstanceType": "${Instance}"}})
        )
    ).replace("3600", "${Max}")
    substitutions = {
        "TrainArn": "arn:aws:states:::sagemaker:createTrainingJob.sync",
        "Instance": {"Ref": "InstanceParameterWithoutDefault"},
        "Max": {"Ref": "MaxRuntime"},
    }
    (job,) = _jobs(_machine(text, DefinitionSubstitutions=substitutions))
    assert job.instance_types == ()
    assert is_unknown(job.get("StoppingCondition.MaxRuntimeInSeconds"))

    definition = _states(
        T=_task(
            {
                "Fn::Join": [
                    "",
                    ["arn:", {"Ref": "AWS::Partition"}, ":states:::sagemaker:createTrainingJob"],
                ]
            },
            {**TRAIN, "ResourceConfig": {"InstanceType": "${Instance}"}},
        )
    )
    (job,) = _jobs(_machine(definition, DefinitionSubstitutions={"Instance": "ml.g5.xlarge"}))
    assert job.instance_types == ("ml.g5.xlarge",)


def test_fn_sub_definition_string() -> None:
    text = json.dumps(
        _states(
            T=_task(
                "arn:${AWS::Partition}:states:::sagemaker:createTransformJob.sync",
                {"TransformResources": {"InstanceType": "ml.g4dn.xlarge"}, "Literal": "${!kept}"},
            )
        )
    )
    (job,) = _jobs(_machine({"Fn::Sub": text}))
    assert (job.kind, job.instance_types) == ("transform", ("ml.g4dn.xlarge",))
    assert job.get("Literal") == "${kept}"


def test_nested_parallel_and_map_states_and_other_tasks() -> None:
    definition = _states(
        Fan={
            "Type": "Parallel",
            "End": True,
            "Branches": [
                _states(A=_task("arn:aws:states:::sagemaker:createTrainingJob.sync", TRAIN)),
                _states(
                    B={
                        "Type": "Map",
                        "End": True,
                        "ItemProcessor": _states(
                            C=_task(
                                "arn:aws:states:::aws-sdk:sagemaker:createProcessingJob",
                                {
                                    "ProcessingResources": {
                                        "ClusterConfig": {"InstanceType": "ml.m4.xlarge"}
                                    }
                                },
                            ),
                        ),
                    }
                ),
                _states(
                    D={
                        "Type": "Map",
                        "End": True,
                        "Iterator": _states(
                            E=_task("arn:aws:states:::lambda:invoke", {"FunctionName": "f"}),
                        ),
                    }
                ),
            ],
        },
    )
    found = _jobs(_machine(definition))
    assert [(j.kind, j.name) for j in found] == [("training", "A"), ("processing", "C")]


def test_dynamic_paths_and_jsonata_are_unknown() -> None:
    definition = _states(
        Path=_task(
            "arn:aws:states:::sagemaker:createTrainingJob.sync",
            {**TRAIN, "StoppingCondition.$": "$.stop"},
        ),
        Jsonata=_task(
            "arn:aws:states:::sagemaker:createTrainingJob.sync",
            {**TRAIN, "EnableManagedSpotTraining": "{% $spot %}"},
            key="Arguments",
        ),
        Whole=_task(
            "arn:aws:states:::sagemaker:createTrainingJob.sync", "{% $args %}", key="Arguments"
        ),
    )
    path, jsonata = _jobs(_machine(definition))
    assert is_unknown(path.get("StoppingCondition"))
    assert is_unknown(jsonata.get("EnableManagedSpotTraining"))


def test_tuning_jobs_yield_their_training_definitions() -> None:
    definition = _states(
        T=_task(
            "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync",
            {
                "TrainingJobDefinitions": [
                    TRAIN,
                    {
                        **TRAIN,
                        "ResourceConfig": {
                            "InstanceGroups": [
                                {"InstanceType": "ml.p3.2xlarge"},
                                {"InstanceType": {"Ref": "X"}},
                            ]
                        },
                    },
                ],
            },
        )
    )
    found = training_jobs(*_resource_and_context(_machine(definition)))
    assert [j.instance_types for j in found] == [("ml.trn1.32xlarge",), ("ml.p3.2xlarge",)]


def _resource_and_context(context: TemplateContext) -> tuple[Any, TemplateContext]:
    return context.resources["R"], context


PIPELINE = {
    "Version": "2020-12-01",
    "Parameters": [
        {"Name": "TrainType", "Type": "String", "DefaultValue": "ml.g5.2xlarge"},
        {"Name": "NoDefault", "Type": "String"},
    ],
    "Steps": [
        {
            "Name": "Train",
            "Type": "Training",
            "Arguments": {
                "ResourceConfig": {"InstanceType": {"Get": "Parameters.TrainType"}},
                "StoppingCondition": {"Get": "Parameters.NoDefault"},
                "OutputDataConfig": {"S3OutputPath": {"Std:Join": {"On": "/", "Values": ["a"]}}},
            },
        },
        {
            "Name": "Check",
            "Type": "Condition",
            "Arguments": {
                "Conditions": [],
                "IfSteps": [
                    {
                        "Name": "Batch",
                        "Type": "Transform",
                        "Arguments": {"TransformResources": {"InstanceType": "ml.c5.xlarge"}},
                    }
                ],
                "ElseSteps": [],
            },
        },
    ],
}


def test_pipeline_steps_with_parameters_and_conditions() -> None:
    context = _context(
        "AWS::SageMaker::Pipeline",
        {"PipelineDefinition": {"PipelineDefinitionBody": json.dumps(PIPELINE)}},
    )
    train, transform = _jobs(context)
    assert (train.kind, train.instance_types) == ("training", ("ml.g5.2xlarge",))
    assert is_unknown(train.get("StoppingCondition"))
    assert is_unknown(train.get("OutputDataConfig.S3OutputPath"))
    assert (transform.kind, transform.name, transform.instance_types) == (
        "transform",
        "Batch",
        ("ml.c5.xlarge",),
    )


def test_pipeline_body_as_join() -> None:
    text = json.dumps(PIPELINE).replace('"ml.c5.xlarge"', '"TOKEN"')
    before, after = text.split('"TOKEN"')
    body = {"Fn::Join": ["", [before, {"Ref": "TransformType"}, after]]}
    context = _context(
        "AWS::SageMaker::Pipeline", {"PipelineDefinition": {"PipelineDefinitionBody": body}}
    )
    assert [j.instance_types for j in _jobs(context)] == [("ml.g5.2xlarge",), ()]


def test_unparseable_or_missing_definitions_have_no_jobs() -> None:
    assert _jobs(_machine("{not json")) == ()
    assert (
        _jobs(
            _context(
                "AWS::StepFunctions::StateMachine",
                {"DefinitionS3Location": {"Bucket": "b", "Key": "k"}},
            )
        )
        == ()
    )


def test_cluster_and_batch_training_instances() -> None:
    cluster = _context(
        "AWS::SageMaker::Cluster",
        {
            "InstanceGroups": [
                {"InstanceGroupName": "workers", "InstanceType": "ml.p5.48xlarge"},
                {"InstanceGroupName": "head", "InstanceType": {"Ref": "HeadType"}},
            ]
        },
    )
    assert training_instances(cluster.resources["R"]) == [
        module.TrainingInstance("instance group workers", "ml.p5.48xlarge")
    ]
    batch = _context(
        "AWS::Batch::ComputeEnvironment",
        {"ComputeResources": {"InstanceTypes": ["p4d.24xlarge", "optimal"]}},
    )
    assert [i.instance_type for i in training_instances(batch.resources["R"])] == [
        "p4d.24xlarge",
        "optimal",
    ]


def test_definition_parsed_once_per_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    parse = module._parse
    monkeypatch.setattr(module, "_parse", lambda parts: calls.append(1) or parse(parts))
    context = _machine(
        json.dumps(_states(T=_task("arn:aws:states:::sagemaker:createTrainingJob", TRAIN)))
    )
    first = _jobs(context)
    assert _jobs(context) is first and training_jobs(context.resources["R"], context) == first
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("value", "unknown"),
    [
        ({"Ref": "X"}, True),
        (f"a{UNRESOLVED}", True),
        ("{% $x %}", True),
        ("ml.m5.xlarge", False),
        (3, False),
        (None, False),
    ],
)
def test_is_unknown(value: Any, unknown: bool) -> None:
    assert is_unknown(value) is unknown
