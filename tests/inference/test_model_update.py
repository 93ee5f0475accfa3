"""Serving a training job's output: the workflow creates a model and an endpoint config on the
endpoint's own settings and updates the endpoint, with least privilege."""

from __future__ import annotations

import json
import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk.assertions import Template
from compliance import cfn_lint_errors, our_findings, synth_checked
from template_helpers import definition_errors, state_machine_definition

from green_constructs.inference import AsyncInferenceEndpoint, HuggingFaceNeuronModel
from green_constructs.inference.model_update import EndpointModelUpdate
from green_constructs.job_workflow import logged_state_machine
from green_constructs.nag.acknowledge import acknowledge
from green_constructs.storage import SustainableBucket

ENV = cdk.Environment(account="111111111111", region="eu-west-3")
WEIGHTS = "$.training.ModelArtifacts.S3ModelArtifacts"


class UpdateStack(cdk.Stack):
    def __init__(self, scope, construct_id: str, *, compressed: bool) -> None:
        super().__init__(scope, construct_id, env=ENV)
        self.endpoint = AsyncInferenceEndpoint(
            self,
            "Llm",
            source=HuggingFaceNeuronModel(
                model_id="Qwen/Qwen2.5-1.5B-Instruct", parameters_billion=1.5
            ),
        )
        self.output = SustainableBucket(self, "TrainingOutput", expire_after=cdk.Duration.days(90))
        self.update = EndpointModelUpdate(
            self,
            "Serve",
            endpoint=self.endpoint,
            model_data_path=WEIGHTS,
            model_data_bucket=self.output.bucket,
            model_data_prefix="training/",
            compressed=compressed,
        )
        trained = sfn.Pass(
            self,
            "Trained",
            result=sfn.Result.from_object({"ModelArtifacts": {"S3ModelArtifacts": "s3://x/m/"}}),
            result_path="$.training",
        )
        self.machine = logged_state_machine(
            self,
            definition=trained.next(self.update.chain),
            comment="serve new weights",
            timeout=cdk.Duration.hours(1),
            log_retention=logs.RetentionDays.ONE_MONTH,
        )
        self.update.acknowledge(self.machine.role)
        acknowledge(
            self.machine.role,
            "AwsSolutions-IAM5",
            "X-Ray's PutTraceSegments and CloudWatch Logs' log delivery actions take no resource.",
            applies_to=["Resource::*"],
        )


@pytest.fixture(scope="module", params=[True, False], ids=["archive", "prefix"])
def assembly(request, tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("update")))
    UpdateStack(app, "Update", compressed=request.param)
    return request.param, synth_checked(app)


@pytest.fixture(scope="module")
def template(assembly) -> Template:
    return Template.from_json(assembly[1].get_stack_by_name("Update").template)


@pytest.fixture(scope="module")
def states(template) -> dict:
    return state_machine_definition(template)["States"]


def test_passes_every_check(assembly) -> None:
    assert our_findings(assembly[1]) == []
    assert cfn_lint_errors(assembly[1]) == []


def test_definition_is_valid(template) -> None:
    assert definition_errors(state_machine_definition(template)) == []


def test_model_serves_the_weights_with_the_endpoints_container(assembly, states) -> None:
    compressed, _ = assembly
    params = states["ServeCreateModel"]["Parameters"]
    assert params["ModelName.$"].startswith("States.Format('{}-{}', 'update-serve")
    container = params["PrimaryContainer"]
    assert "huggingface-vllm-inference-neuronx" in container["Image"]
    # the container serves what SageMaker puts in /opt/ml/model, not the Hub model
    assert container["Environment"]["SM_ON_MODEL"] == "/opt/ml/model"
    assert container["Environment"]["SM_ON_SERVED_MODEL_NAME"] == "Qwen/Qwen2.5-1.5B-Instruct"
    if compressed:
        assert container["ModelDataUrl.$"] == WEIGHTS
    else:
        assert container["ModelDataSource"] == {
            "S3DataSource": {
                "S3Uri.$": WEIGHTS,
                "S3DataType": "S3Prefix",
                "CompressionType": "None",
            }
        }


def test_endpoint_config_is_the_endpoints_own_on_the_new_model(template, states) -> None:
    params = states["ServeCreateEndpointConfig"]["Parameters"]
    [config] = template.find_resources("AWS::SageMaker::EndpointConfig").values()
    [deployed] = config["Properties"]["ProductionVariants"]
    [variant] = params["ProductionVariants"]
    assert variant["ModelName.$"] == params["EndpointConfigName.$"]
    for key in ("VariantName", "InstanceType", "InferenceAmiVersion", "InitialInstanceCount"):
        assert variant[key] == deployed[key]
    output = params["AsyncInferenceConfig"]["OutputConfig"]
    assert output["S3OutputPath"].endswith("/output/") and output["S3FailurePath"].endswith(
        "/failure/"
    )
    assert set(output["NotificationConfig"]) == {"SuccessTopic", "ErrorTopic"}


def test_update_keeps_the_endpoint_and_its_instance_count(states) -> None:
    params = states["ServeUpdateEndpoint"]["Parameters"]
    assert params["RetainAllVariantProperties"] is True
    assert params["EndpointName"].startswith("<Fn::GetAtt:Llm")
    assert states["ServeCreateModel"]["Next"] == "ServeCreateEndpointConfig"
    assert states["ServeCreateEndpointConfig"]["Next"] == "ServeUpdateEndpoint"
    for name in ("ServeCreateModel", "ServeCreateEndpointConfig", "ServeUpdateEndpoint"):
        retried = json.dumps(states[name]["Retry"])
        # the SDK integrations' name for throttling and "endpoint still updating"
        assert "SageMaker.SageMakerException" in retried
        assert "SageMaker.ResourceLimitExceededException" in retried


def test_state_machine_may_create_only_its_names_and_pass_only_the_model_role(template) -> None:
    policies = template.find_resources("AWS::IAM::Policy")
    machine = next(
        p for name, p in policies.items() if name.startswith("StateMachineRoleDefaultPolicy")
    )
    statements = {
        json.dumps(s["Action"]): s for s in machine["Properties"]["PolicyDocument"]["Statement"]
    }
    create = statements['"sagemaker:createModel"']
    # lower case, as SageMaker writes ARNs, and only this construct's names
    assert re.search(r':model/update-serve-[0-9a-f]{8}-\*"\]\]\}$', json.dumps(create["Resource"]))
    assert "endpoint-config/update-serve-" in json.dumps(
        statements['"sagemaker:createEndpointConfig"']
    )
    passing = statements['"iam:PassRole"']
    assert passing["Condition"] == {
        "StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}
    }
    assert passing["Resource"]["Fn::GetAtt"][0].startswith("LlmModelExecutionRole")


def test_model_role_reads_only_the_training_output_prefix(template) -> None:
    policies = template.find_resources("AWS::IAM::Policy")
    model = next(p for name, p in policies.items() if name.startswith("LlmModelExecutionRole"))
    reads = [
        s
        for s in model["Properties"]["PolicyDocument"]["Statement"]
        if s["Action"] == "s3:GetObject"
    ]
    assert any(
        "TrainingOutput" in json.dumps(s["Resource"]) and "/training/*" in json.dumps(s["Resource"])
        for s in reads
    )


def test_the_definition_check_finds_a_bad_state_and_a_dangling_next(template) -> None:
    definition = state_machine_definition(template)
    definition["States"]["ServeCreateModel"]["Next"] = "Missing"
    definition["States"]["ServeUpdateEndpoint"]["Type"] = "Taskx"
    errors = definition_errors(definition)
    assert "ServeCreateModel -> Missing" in errors
    assert any("'Taskx' is not one of" in e for e in errors)
