"""The default app: an async LLM endpoint that scales to zero, with no findings, passing
AwsSolutions and cfn-lint."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks

from app import build_app
from compliance import cfn_lint_errors, our_findings
from green_constructs.catalog.right_sizing import RIGHT_SIZING_METADATA
from green_constructs.cli import main
from template_helpers import definition_errors, state_machine_definition


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    app = build_app({"account": "210987654321"}, outdir=str(tmp_path_factory.mktemp("default")))
    # build_app enabled our packs already; AwsSolutions errors fail this synth
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks())
    return app.synth()


@pytest.fixture(scope="module")
def template(assembly) -> Template:
    return Template.from_json(assembly.get_stack_by_name("GreenGenAI").template)


def test_default_environment_is_explicit_and_overridable(assembly) -> None:
    stack = assembly.get_stack_by_name("GreenGenAI")
    assert (stack.environment.account, stack.environment.region) == ("210987654321", "us-west-2")


def test_default_region_is_the_greenest_where_everything_the_app_uses_is_offered(
    assembly, capsys
) -> None:
    assert main(["preflight", assembly.directory, "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert (summary["blocker"], summary["unknown"]) == (0, 0)
    assert summary["deployable_regions"][0] == "us-west-2"


def test_default_app_has_no_findings(assembly) -> None:
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


def test_default_app_serves_a_right_sized_model_on_inferentia2_and_scales_to_zero(template) -> None:
    models = template.find_resources("AWS::SageMaker::Model")
    (model,) = models.values()
    sizing = model["Metadata"][RIGHT_SIZING_METADATA]
    # Qwen3-4B in bf16: 7.5 GiB of weights; ml.inf2.xlarge's 16 GiB of host memory loads them
    # beside the OS and server (a 7-8B model would need the 8xlarge)
    assert sizing["instance_type"] == "ml.inf2.xlarge"
    assert sizing["required_host_gib"] <= sizing["host_memory_gib"] == 16
    template.has_resource_properties(
        "AWS::SageMaker::EndpointConfig",
        {
            "ProductionVariants": [
                Match.object_like(
                    {
                        "InstanceType": "ml.inf2.xlarge",
                        "InferenceAmiVersion": "al2-ami-sagemaker-inference-neuron-2",
                    }
                )
            ]
        },
    )
    template.has_resource_properties(
        "AWS::SageMaker::Endpoint", {"RetainAllVariantProperties": True}
    )
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 0}
    )


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"region": "mars-north-1"}, "context 'region': unknown region 'mars-north-1'"),
        ({"account": "12"}, "context 'account' must be a 12-digit AWS account id"),
    ],
)
def test_bad_environment_context_names_the_key(context, message) -> None:
    with pytest.raises(ValueError, match=message):
        build_app(context)


def test_default_app_fine_tunes_on_trainium_spot_with_checkpoints(template) -> None:
    (machine,) = template.find_resources("AWS::StepFunctions::StateMachine").values()
    definition = json.dumps(machine["Properties"]["DefinitionString"])
    for expected in ("ml.trn1.32xlarge", "EnableManagedSpotTraining", "CheckpointConfig",
                     "huggingface-pytorch-training-neuronx"):
        assert expected in definition


def test_a_successful_training_run_updates_the_endpoint_to_serve_its_model(template) -> None:
    definition = state_machine_definition(template)
    assert definition_errors(definition) == []
    states = definition["States"]
    assert states["Train"]["Next"] == "Completed?"
    assert states["Completed?"]["Default"] == "Trained"
    assert states["Trained"]["Next"] == "ServeCreateModel"
    assert states["ServeCreateModel"]["Next"] == "ServeCreateEndpointConfig"
    assert states["ServeCreateEndpointConfig"]["Next"] == "ServeUpdateEndpoint"
    assert states["ServeUpdateEndpoint"]["Next"] == "NotifySuccess"
    container = states["ServeCreateModel"]["Parameters"]["PrimaryContainer"]
    assert container["ModelDataUrl.$"] == "$.training.ModelArtifacts.S3ModelArtifacts"
    assert container["Environment"]["SM_ON_MODEL"] == "/opt/ml/model"
    update = states["ServeUpdateEndpoint"]["Parameters"]
    [endpoint] = template.find_resources("AWS::SageMaker::Endpoint")
    assert update["EndpointName"] == f"<Fn::GetAtt:{endpoint}.EndpointName>"
    assert update["RetainAllVariantProperties"] is True
    # a failed update is reported like a failed job
    for name in ("ServeCreateModel", "ServeCreateEndpointConfig", "ServeUpdateEndpoint"):
        assert states[name]["Catch"][0]["Next"] == "NotifyFailure"
    # the recipe saves the merged model the endpoint's container serves
    parameters = states["Train"]["Parameters"]["HyperParameters"]
    assert parameters["merge_adapter"] == "true"


def test_the_server_may_compile_a_configuration_the_cache_lacks(template) -> None:
    [model] = template.find_resources("AWS::SageMaker::Model").values()
    environment = model["Properties"]["PrimaryContainer"]["Environment"]
    # an empty value: the entrypoint passes a bare --allow_non_cached_model flag
    assert environment["SM_ON_ALLOW_NON_CACHED_MODEL"] == ""
    assert environment["SM_ON_MODEL"] == "Qwen/Qwen3-4B"


def test_default_app_publishes_carbon_metrics_by_the_dashboards_utilization_metric(
    template,
) -> None:
    from green_constructs.catalog import Catalog
    from green_constructs.monitoring.utilization import utilization_metric

    functions = template.find_resources(
        "AWS::Lambda::Function",
        {"Properties": {"Handler": "publisher_handler.handler", "Architectures": ["arm64"]}},
    )
    (function,) = functions.values()
    resources = function["Properties"]["Environment"]["Variables"]["RESOURCES"]
    text = "".join(  # a JSON string joined around the endpoint's name
        part if isinstance(part, str) else '"token"' for part in resources["Fn::Join"][1]
    )
    (resource,) = json.loads(text.replace('""token""', '"token"'))
    assert resource["instance_type"] == "ml.inf2.xlarge"
    template.has_resource_properties(
        "AWS::Events::Rule", {"ScheduleExpression": Match.string_like_regexp(r"^rate\(")}
    )
    # the dashboard plots, and the function reads, the same metric for the instance
    metric = utilization_metric(Catalog.default().instance(resource["instance_type"])).name
    (dashboard,) = template.find_resources("AWS::CloudWatch::Dashboard").values()
    assert metric in json.dumps(dashboard["Properties"]["DashboardBody"])
