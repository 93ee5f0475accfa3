"""Small hand-written templates for the estimator tests."""

from __future__ import annotations

import json
from typing import Any


def endpoint(
    *,
    instance_type: str = "ml.inf2.xlarge",
    count: int = 1,
    asynchronous: bool = False,
    scaling: dict | None = None,
    serverless: dict | None = None,
    sizing: dict | None = None,
) -> dict[str, Any]:
    variant: dict[str, Any] = {
        "VariantName": "AllTraffic",
        "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]},
    }
    if serverless is not None:
        variant["ServerlessConfig"] = serverless
    else:
        variant.update(InstanceType=instance_type, InitialInstanceCount=count)
    config: dict[str, Any] = {"ProductionVariants": [variant]}
    if asynchronous:
        config["AsyncInferenceConfig"] = {"OutputConfig": {"S3OutputPath": "s3://b/out/"}}
    resources: dict[str, Any] = {
        "Model": {
            "Type": "AWS::SageMaker::Model",
            "Properties": {"ExecutionRoleArn": "arn:aws:iam::1:role/r"},
            "Metadata": {"green-constructs:right-sizing": sizing} if sizing else {},
        },
        "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": config},
        "Endpoint": {
            "Type": "AWS::SageMaker::Endpoint",
            "Properties": {"EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]}},
        },
    }
    if scaling is not None:
        resources["Target"] = {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "Properties": {
                "ServiceNamespace": "sagemaker",
                "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
                "ResourceId": {
                    "Fn::Join": [
                        "",
                        [
                            "endpoint/",
                            {"Fn::GetAtt": ["Endpoint", "EndpointName"]},
                            "/variant/AllTraffic",
                        ],
                    ]
                },
                **scaling,
            },
        }
    return {"Resources": resources}


def state_machine(
    state: dict[str, Any], *, name: str = "Jobs", model: bool = False
) -> dict[str, Any]:
    definition = {"StartAt": "Job", "States": {"Job": {**state, "End": True}}}
    resources: dict[str, Any] = {
        name: {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {"DefinitionString": json.dumps(definition)},
        }
    }
    if model:
        resources["Model"] = {
            "Type": "AWS::SageMaker::Model",
            "Properties": {},
            "Metadata": {
                "green-constructs:right-sizing": {
                    "reason": "1.5B parameters in bf16 = ...",
                    "required_gib": 3.49,
                }
            },
        }
        text = json.dumps(definition).split('"MODEL"')
        resources[name]["Properties"]["DefinitionString"] = {
            "Fn::Join": ["", [text[0] + '"', {"Fn::GetAtt": ["Model", "ModelName"]}, '"' + text[1]]]
        }
    return {"Resources": resources}


def transform_state(instance_type: str = "ml.inf2.xlarge", count: int = 1) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::sagemaker:createTransformJob.sync",
        "Parameters": {
            "ModelName": "MODEL",
            "TransformResources": {"InstanceType": instance_type, "InstanceCount": count},
        },
    }


def training_state(
    instance_type: str = "ml.trn1.32xlarge", count: int = 1, runtime: int | None = 14400
) -> dict[str, Any]:
    parameters: dict[str, Any] = {
        "ResourceConfig": {"InstanceType": instance_type, "InstanceCount": count}
    }
    if runtime is not None:
        parameters["StoppingCondition"] = {"MaxRuntimeInSeconds": runtime}
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
        "Parameters": parameters,
    }
