"""The default app: an async LLM endpoint that scales to zero, with no findings, passing
AwsSolutions and cfn-lint."""

from __future__ import annotations

import json
import re
import tarfile
from pathlib import Path

import aws_cdk
import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks
from compliance import cfn_lint_errors, our_findings
from template_helpers import definition_errors, state_machine_definition

from app import build_app
from green_constructs.catalog.right_sizing import RIGHT_SIZING_METADATA
from green_constructs.cli import main

ROOT = Path(__file__).parents[1]
CDK_JSON = json.loads((ROOT / "cdk.json").read_text())


CDK_JSON_FILES = sorted(
    path.relative_to(ROOT).as_posix()
    for path in [ROOT / "cdk.json", *ROOT.glob("examples/*/cdk.json")]
)


@pytest.mark.parametrize("cdk_json", CDK_JSON_FILES)
def test_cdk_json_sets_the_recommended_feature_flags_of_the_installed_cdk(cdk_json: str) -> None:
    # unset flags make the CLI print "N feature flags are not configured", on stdout under CI=true
    library = next(Path(aws_cdk.__file__).parent.glob("_jsii/aws-cdk-lib@*.jsii.tgz"))
    with tarfile.open(library) as archive:
        member = archive.extractfile("package/recommended-feature-flags.json")
        recommended = json.load(member)
    context = json.loads((ROOT / cdk_json).read_text()).get("context", {})
    assert {k: context.get(k) for k in recommended} == recommended


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    # the context `cdk synth` gives the app: cdk.json's feature flags
    context = {**CDK_JSON["context"], "account": "210987654321"}
    app = build_app(context, outdir=str(tmp_path_factory.mktemp("default")))
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
    for expected in (
        "ml.trn1.32xlarge",
        "EnableManagedSpotTraining",
        "CheckpointConfig",
        "huggingface-pytorch-training-neuronx",
    ):
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


def _text(value) -> str:
    """A template value with its tokens as readable placeholders (``{GetAtt:Id.Attr}``), so
    the same token reads the same in the function's configuration and the dashboard."""
    if isinstance(value, str):
        return value
    ((function, argument),) = value.items()
    if function == "Fn::Join":
        return argument[0].join(_text(part) for part in argument[1])
    if function == "Fn::GetAtt":
        return "{GetAtt:" + ".".join(argument) + "}"
    return "{" + function + ":" + str(argument) + "}"


def _power_widgets(template: Template) -> list[dict]:
    (dashboard,) = template.find_resources("AWS::CloudWatch::Dashboard").values()
    body = json.loads(_text(dashboard["Properties"]["DashboardBody"]))
    return [
        widget["properties"]["metrics"]
        for widget in body["widgets"]
        if widget["properties"].get("title") == "Estimated power (W)"
    ]


def _dashboard_endpoint_reads(rows: list) -> dict[str, tuple]:
    """The metric behind each id of an endpoint's power math: (namespace, name, dimensions,
    statistic)."""
    reads = {}
    for row in rows:
        options = row[-1] if isinstance(row[-1], dict) else {}
        if "id" in options:
            namespace, name, *pairs = row[:-1]
            dimensions = dict(zip(pairs[0::2], pairs[1::2]))
            reads[options["id"]] = (namespace, name, dimensions, options.get("stat", "Average"))
    return reads


def _lambda_reads(queries: list) -> dict[str, tuple]:
    return {
        query["Id"]: (
            query["MetricStat"]["Metric"]["Namespace"],
            query["MetricStat"]["Metric"]["MetricName"],
            {d["Name"]: d["Value"] for d in query["MetricStat"]["Metric"]["Dimensions"]},
            query["MetricStat"]["Stat"],
        )
        for query in queries
    }


def test_default_app_publishes_carbon_metrics_by_the_dashboards_utilization_metric(
    template,
) -> None:
    """A scheduled arm64 function covers the endpoint and the training job; for each, the
    metric its configuration makes it read (through the handler's own query code) is the one
    the dashboard's power math uses, divided by the same number."""
    from green_constructs.monitoring.publisher_handler import resource_queries

    functions = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": "publisher_handler.handler"}}
    )
    ((logical_id, function),) = functions.items()
    assert function["Properties"]["Architectures"] == ["arm64"]
    rules = template.find_resources(
        "AWS::Events::Rule",
        {"Properties": {"ScheduleExpression": Match.string_like_regexp(r"^rate\(")}},
    )
    assert [
        target["Arn"]
        for rule in rules.values()
        for target in rule["Properties"]["Targets"]
        if rule["Properties"]["State"] == "ENABLED"
    ] == [{"Fn::GetAtt": [logical_id, "Arn"]}]

    resources = json.loads(_text(function["Properties"]["Environment"]["Variables"]["RESOURCES"]))
    assert [r["kind"] for r in resources] == ["endpoint", "training_job"]
    endpoint, training = resources
    assert (endpoint["instance_type"], training["instance_type"]) == (
        "ml.inf2.xlarge",
        "ml.trn1.32xlarge",
    )
    widgets = _power_widgets(template)

    # the endpoint: the function's queries are the rows of the dashboard's power math
    _, metric, queries = resource_queries(endpoint)
    lambda_reads = _lambda_reads(queries)
    assert endpoint["endpoint_name"].startswith("{GetAtt:Llm")  # the endpoint's own name
    (rows,) = [rows for rows in widgets if endpoint["endpoint_name"] in json.dumps(rows)]
    assert _dashboard_endpoint_reads(rows) == {
        "samples": lambda_reads["samples"],
        "util": lambda_reads["average"],
    }
    assert f"FILL(util, 0) / {metric.divisor})" in rows[0][0]["expression"]

    # the training job: the function reads each host <job>/algo-<n> of the prefix's jobs; the
    # dashboard searches the prefix's hosts for the same metrics and statistics
    prefix = training["job_name_prefix"]
    host = f"{prefix}-{'0' * 32}-0/algo-1"  # a job name as the state machine makes them
    _, metric, queries = resource_queries(training, host=host)
    lambda_reads = _lambda_reads(queries)
    assert {read[2]["Host"] for read in lambda_reads.values()} == {host}
    (expression,) = [
        rows[0][0]["expression"] for rows in widgets if f"Host={prefix}'" in json.dumps(rows)
    ]
    searches = re.findall(
        r"SEARCH\('\{\"([^\"]+)\",Host\} MetricName=\"(\w+)\" Host=([\w-]+)', '(\w+)', \d+\)",
        expression,
    )
    assert {(namespace, name, stat) for namespace, name, _, stat in searches} == {
        (namespace, name, stat) for namespace, name, _, stat in lambda_reads.values()
    }
    assert {searched for _, _, searched, _ in searches} == {prefix}
    assert f") / {metric.divisor})" in expression


_RATIOS = re.compile(
    r"^Baseline over ours: energy \(kWh\) (?P<energy>[\d.]+)x design, 1x region \(the grid "
    r"changes no kWh\); emissions \(kg CO2e\) (?P<design>[\d.]+)x design \(same region\), "
    r"(?P<region>[\d.]+)x region, (?P<combined>[\d.]+)x combined$"
)


def test_the_summary_after_synth_gives_the_three_ratios_in_kwh_and_kg(assembly) -> None:
    """What `make synth` prints: app.py's own report call, under the default-app workload."""
    import io

    from app import DEFAULT_WORKLOAD
    from green_constructs.estimate.synth import REPORT_NAME, write_report

    stream = io.StringIO()
    estimate = write_report(assembly.directory, workload=DEFAULT_WORKLOAD, stream=stream)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("Estimated footprint (default-app.yaml): ")
    (line,) = [line for line in lines if line.startswith("Baseline over ours:")]
    found = _RATIOS.match(line)
    assert found, line
    energy, design, region, combined = (float(found[k]) for k in _RATIOS.groupindex)
    assert design * region == pytest.approx(combined, abs=0.02)  # each rounded to 0.01
    assert design > 1 and region > 1  # Neuron and scale-to-zero, and us-west-2's grid
    assert energy == design  # one region (us-west-2): energy and emissions alike
    assert " kWh, " in lines[0] and " kWh, " in lines[1]  # ours and the baseline, both units
    assert f"({combined:g}x ours in kg CO2e" in lines[1]  # the baseline line's: the combined one
    ratios = json.loads((Path(assembly.directory) / f"{REPORT_NAME}.json").read_text())["ratios"]
    assert (ratios["design"]["kgco2e"], ratios["region"]["kgco2e"]) == (design, region)
    assert (ratios["design"]["kwh"], ratios["region"]["kwh"]) == (energy, 1.0)
    assert estimate.ratio_to_baseline == combined
