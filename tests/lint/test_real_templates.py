"""The lint on templates written as public AWS samples write them (``data/real``, each citing the
pattern it follows): SAM and language extensions expanded, both sides of ``Fn::If`` judged, and
what cannot be read listed as not evaluated, never passed over in silence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from green_constructs.lint.runner import lint
from green_constructs.rules import all_rules

REAL = Path(__file__).parent / "data" / "real"


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    names = (
        "sam_app/template.yaml",
        "language_extensions.yaml",
        "conditional.yaml",
        "unreadable.yaml",
    )
    return {n: lint([REAL / n], all_rules(), region="us-west-2") for n in names}


def _flagged(result) -> set[tuple[str, str]]:
    return {(f.rule.id, f.resource) for f in result.findings}


def _unread(result) -> dict[tuple[str, str], str]:
    return {(n.resource, n.path): n.reason for n in result.not_evaluated}


def test_sam_functions_are_expanded_and_checked(results) -> None:
    result = results["sam_app/template.yaml"]
    flagged = _flagged(result)
    assert ("Sustainability-LambdaGraviton", "InvokeFunction") in flagged
    assert ("Sustainability-LambdaGraviton", "ArmFunction") not in flagged
    assert ("Sustainability-ApiGatewayCompression", "ServerlessRestApi") in flagged
    lines = {f.resource: f.line for f in result.findings}
    assert lines["InvokeFunction"] == 11  # the SAM resource's line


def test_sam_local_state_machine_definition_is_read(results) -> None:
    result = results["sam_app/template.yaml"]
    [finding] = [f for f in result.findings if f.rule.id == "GenAI-TrainingAccelerator"]
    assert finding.resource == "TrainingWorkflow"
    assert "ml.p4d.24xlarge" in finding.message  # from DefinitionSubstitutions
    assert ("RemoteWorkflow", "DefinitionS3Location") in _unread(result)


def test_language_extensions_expand_for_each_and_read_json_strings(results) -> None:
    result = results["language_extensions.yaml"]
    flagged = _flagged(result)
    assert {r for rule, r in flagged if rule == "Sustainability-S3BucketLifecycle"} == {
        "Dataraw",
        "Datacurated",
    }
    [training] = [f for f in result.findings if f.rule.id == "GenAI-TrainingAccelerator"]
    assert training.resource == "TrainingPipeline"
    assert "ml.g5.12xlarge" in training.message  # the pipeline parameter's default
    assert {f.line for f in result.findings if f.resource.startswith("Data")} == {10}
    assert result.not_evaluated == ()


def test_both_branches_of_fn_if_are_judged(results) -> None:
    result = results["conditional.yaml"]
    messages = {(f.rule.id, f.resource): f.message for f in result.findings}
    gpu = messages[("GenAI-TrainingAccelerator", "Cluster")]
    assert "ml.p5.48xlarge" in gpu and gpu.endswith("(when UseGpu is true).")
    # Properties chosen whole by a condition the region decides (us-west-2: 30 days)
    assert ("Sustainability-LogGroupRetention", "Logs") not in messages
    # a conditional resource is judged as created, without a qualifier
    assert messages[("Sustainability-LogGroupRetention", "EndpointLogs")].endswith("expire.")


def test_unreadable_content_is_listed(results) -> None:
    result = results["unreadable.yaml"]
    unread = _unread(result)
    assert set(unread) == {
        ("", "Transform"),
        ("Workflow", "DefinitionS3Location"),
        ("Pipeline", "PipelineDefinition.PipelineDefinitionBody"),
        ("HyperPodCluster", ""),
        ("Notebook", "InstanceType"),
        ("Shared", "Properties"),
    }
    assert "AWS::SecretsManager-2024-09-16" in unread[("", "Transform")]
    assert "parameter NotebookType" in unread[("Notebook", "InstanceType")]
    assert result.findings == ()  # the included bucket properties are not guessed at
    assert result.summary["not_evaluated"] == 6


def test_not_evaluated_in_every_format(cli) -> None:
    path = REAL / "unreadable.yaml"
    document = json.loads(cli("lint", path, "--format", "json").out)
    assert len(document["not_evaluated"]) == 6
    entry = next(n for n in document["not_evaluated"] if n["resource"] == "Notebook")
    assert entry == {
        "template": str(path),
        "resource": "Notebook",
        "resource_type": "AWS::SageMaker::NotebookInstance",
        "path": "InstanceType",
        "reason": entry["reason"],
        "line": 29,
    }
    sarif = json.loads(cli("lint", path, "--format", "sarif").out)
    [invocation] = sarif["runs"][0]["invocations"]
    notes = invocation["toolExecutionNotifications"]
    assert len(notes) == 6 and {n["level"] for n in notes} == {"note"}
    text = cli("lint", path).out.splitlines()
    assert sum(": not evaluated " in line for line in text) == 6
    assert text[-1].endswith("; 6 not evaluated")


def test_failed_transform_is_said(tmp_path: Path, cli) -> None:
    template = tmp_path / "broken.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {Handler: app.handler}\n"  # no CodeUri, Runtime: SAM refuses it
    )
    run = cli("lint", template, "--format", "json")
    assert run.code == 0
    unread = {(n["resource"], n["path"]) for n in json.loads(run.out)["not_evaluated"]}
    assert unread == {("", "Transform"), ("Fn", "")}


def test_sam_ignores_the_users_aws_configuration(monkeypatch, results) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    again = lint([REAL / "sam_app/template.yaml"], all_rules(), region="us-west-2")
    assert _flagged(again) == _flagged(results["sam_app/template.yaml"])


def test_sam_definition_that_never_ends_stays_unread(tmp_path: Path, cli) -> None:
    template = tmp_path / "zero.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Flow:\n"
        "    Type: AWS::Serverless::StateMachine\n"
        "    Properties: {DefinitionUri: /dev/zero, Policies: [AWSLambdaRole]}\n"
    )
    run = cli("lint", template, "--format", "json")
    assert run.code == 0
    [note] = json.loads(run.out)["not_evaluated"]
    assert (note["resource"], note["path"]) == ("Flow", "DefinitionS3Location")


def test_transform_beside_other_properties_and_after_a_failure(tmp_path: Path, cli) -> None:
    template = tmp_path / "mixed.yaml"
    template.write_text(
        "Transform: [AWS::Serverless-2016-10-31, MyMacro]\n"
        "Resources:\n"
        "  Fn: {Type: AWS::Serverless::Function, Properties: {Handler: a}}\n"
        "  Logs:\n"
        "    Type: AWS::Logs::LogGroup\n"
        "    Properties: {LogGroupName: x, Fn::Transform: {Name: AddRetention}}\n"
    )
    unread = json.loads(cli("lint", template, "--format", "json").out)["not_evaluated"]
    reasons = [n["reason"] for n in unread]
    assert any("MyMacro is not expanded" in r for r in reasons)
    assert any(n["path"] == "Resources.Logs.Properties" for n in unread)


def test_for_each_over_a_parameter_without_default_is_said(tmp_path: Path, cli) -> None:
    template = tmp_path / "loop.yaml"
    template.write_text(
        "Transform: AWS::LanguageExtensions\n"
        "Parameters: {Names: {Type: CommaDelimitedList}}\n"
        "Resources:\n"
        "  Fn::ForEach::Logs:\n"
        "    - Name\n"
        "    - !Ref Names\n"
        "    - Logs${Name}: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: 7}}\n"
    )
    [note] = json.loads(cli("lint", template, "--format", "json").out)["not_evaluated"]
    assert note["path"] == "Resources.Fn::ForEach::Logs" and "Names" in note["reason"]


def test_no_value_removes_a_property_with_or_without_conditions() -> None:
    from green_constructs.rules import evaluate, get_rule

    rule = get_rule("Sustainability-LogGroupRetention")
    plain = {
        "Resources": {
            "L": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"RetentionInDays": {"Ref": "AWS::NoValue"}},
            }
        }
    }
    whole = {
        "Resources": {"L": {"Type": "AWS::Logs::LogGroup", "Properties": {"Ref": "AWS::NoValue"}}}
    }
    assert [f.resource for f in evaluate(plain, [rule])] == ["L"]
    assert [f.resource for f in evaluate(whole, [rule])] == ["L"]


def test_cdk_housekeeping_custom_resources_are_not_listed() -> None:
    from green_constructs.rules import TemplateContext, evaluate_context

    template = {
        "Resources": {
            "Deploy": {
                "Type": "Custom::CDKBucketDeployment",
                "Properties": {"ServiceToken": "arn"},
            },
            "Call": {"Type": "Custom::AWS", "Properties": {"ServiceToken": "arn"}},
        }
    }
    context = TemplateContext(template)
    evaluate_context(context, all_rules())
    assert [n.resource for n in context.unread] == ["Call"]


def test_nested_deploy_time_values_the_rules_read_are_listed(tmp_path: Path, cli) -> None:
    template = tmp_path / "params.yaml"
    template.write_text(
        "Parameters: {T: {Type: String}}\n"
        "Resources:\n"
        "  Config:\n"
        "    Type: AWS::SageMaker::EndpointConfig\n"
        "    Properties:\n"
        "      ProductionVariants:\n"
        "        - {VariantName: A, ModelName: m, InstanceType: !Ref T, InitialInstanceCount: 1}\n"
        "  Vm: {Type: AWS::EC2::Instance, Properties: {InstanceType: m7g.large, SubnetId: !Ref T}}\n"
    )
    unread = json.loads(cli("lint", template, "--format", "json").out)["not_evaluated"]
    # the subnet is read by no rule: not listed
    assert [(n["resource"], n["path"]) for n in unread] == [
        ("Config", "ProductionVariants.0.InstanceType")
    ]
