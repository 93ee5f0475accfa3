"""BedrockBatchInference: S3 -> EventBridge -> Step Functions -> Bedrock batch jobs; the record
counter (moto S3)."""

from __future__ import annotations

import io
import json
import re

import aws_cdk as cdk
import boto3
import botocore.session
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template
from compliance import cfn_lint_errors, our_findings, synth_checked
from moto import mock_aws
from template_helpers import assert_encrypted_ssl_only_topic, state_machine_definition

from green_constructs.availability import AVAILABILITY_METADATA
from green_constructs.bedrock import BedrockBatchInference, BedrockModel
from green_constructs.bedrock.batch_inference import (
    FAILED_STATUSES,
    RUNNING_STATUSES,
    SUCCEEDED_STATUSES,
    TIMEOUT_HOURS,
)
from green_constructs.bedrock.record_counter import check_object, count_records

ENV = cdk.Environment(account="111111111111", region="us-east-1")
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MODEL_ARN = {
    "Fn::Join": [
        "",
        ["arn:", {"Ref": "AWS::Partition"}, f":bedrock:us-east-1::foundation-model/{MODEL}"],
    ]
}
JOBS_ARN = {
    "Fn::Join": [
        "",
        [
            "arn:",
            {"Ref": "AWS::Partition"},
            ":bedrock:us-east-1:111111111111:model-invocation-job/*",
        ],
    ]
}


def _bucket_objects(template: Template, prefix: str) -> dict:
    [bucket] = template.find_resources("AWS::S3::Bucket")
    return {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, f"/{prefix}*"]]}


def _statements(template: Template, role_prefix: str) -> list[dict]:
    return [
        statement
        for logical_id, policy in template.find_resources("AWS::IAM::Policy").items()
        if logical_id.startswith(role_prefix)
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("bedrock-batch")))
    stack = cdk.Stack(app, "Batch", env=ENV)
    batch = BedrockBatchInference(stack, "Classify", model=BedrockModel.of(MODEL))
    batch.grant_submit(iam.Role(stack, "Submitter", assumed_by=iam.AccountRootPrincipal()))
    return synth_checked(app)


@pytest.fixture(scope="module")
def template(assembly) -> Template:
    return Template.from_json(assembly.get_stack_by_name("Batch").template)


@pytest.fixture(scope="module")
def definition(template) -> dict:
    return state_machine_definition(template)


@pytest.fixture(scope="module")
def agnostic_assembly(tmp_path_factory):
    """An environment-agnostic stack on a cross-region inference profile, custom prefixes."""
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("bedrock-batch-agnostic")))
    stack = cdk.Stack(app, "Agnostic")
    BedrockBatchInference(
        stack,
        "Summaries",
        model=BedrockModel.of("us.amazon.nova-micro-v1:0"),
        input_prefix="requests/",
        output_prefix="results/",
        output_expire_after=cdk.Duration.days(14),
        timeout_hours=72,
        min_records=1000,
        job_name_prefix="summaries",
    )
    return synth_checked(app)


# --- compliance ----------------------------------------------------------------------------


def test_defaults_pass_every_check(assembly) -> None:
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


def test_agnostic_profile_stack_passes_every_check_and_notes_the_unchecked_region(
    agnostic_assembly,
) -> None:
    assert our_findings(agnostic_assembly) == []
    assert cfn_lint_errors(agnostic_assembly) == []
    metadata = agnostic_assembly.get_stack_by_name("Agnostic").template["Metadata"]
    assert metadata[AVAILABILITY_METADATA] == ["Amazon Bedrock model us.amazon.nova-micro-v1:0"]


def test_a_profile_job_is_created_on_the_profile_and_its_foundation_model(
    agnostic_assembly,
) -> None:
    template = Template.from_json(agnostic_assembly.get_stack_by_name("Agnostic").template)
    statements = _statements(template, "SummariesStateMachineRole")
    by_action = {json.dumps(s["Action"]): s for s in statements}
    resources = by_action['"bedrock:CreateModelInvocationJob"']["Resource"]
    assert [json.dumps(each) for each in resources] == [
        json.dumps(arn)
        for arn in (
            _arn(
                ":bedrock:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                ":inference-profile/us.amazon.nova-micro-v1:0",
            ),
            _arn(":bedrock:*::foundation-model/amazon.nova-micro-v1:0"),
            _arn(
                ":bedrock:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                ":model-invocation-job/*",
            ),
        )
    ]


def _arn(*parts) -> dict:
    return {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, *parts]]}


# --- the workflow --------------------------------------------------------------------------


def test_workflow_creates_the_job_through_the_sdk_integration(definition, template) -> None:
    create = definition["States"]["CreateJob"]
    assert create["Resource"] == (
        "arn:<Ref:AWS::Partition>:states:::aws-sdk:bedrock:createModelInvocationJob"
    )
    [role] = template.find_resources(
        "AWS::IAM::Role",
        {"Properties": {"Description": Match.string_like_regexp("Amazon Bedrock batch")}},
    )
    assert create["Parameters"] == {
        "JobName.$": "$.job.name",
        "ClientRequestToken.$": "$.job.token",
        "RoleArn": f"<Fn::GetAtt:{role}.Arn>",
        "ModelId": MODEL,
        "InputDataConfig": {
            "S3InputDataConfig": {"S3Uri.$": "$.job.input", "S3InputFormat": "JSONL"}
        },
        "OutputDataConfig": {"S3OutputDataConfig": {"S3Uri.$": "$.job.output"}},
        "TimeoutDurationInHours": 24,
    }
    retried = {error for retry in create["Retry"] for error in retry["ErrorEquals"]}
    assert {"Bedrock.ThrottlingException", "Bedrock.ServiceQuotaExceededException"} <= retried
    assert create["Catch"][0]["Next"] == "NotifyFailure"


def test_job_names_are_unique_per_execution_and_within_bedrocks_pattern(definition) -> None:
    job = definition["States"]["Prepare"]["Parameters"]["job"]
    assert job["name.$"].startswith("States.Format('{}-{}', 'classify-")
    assert "States.Hash($$.Execution.Name, 'MD5')" in job["name.$"]
    assert job["token.$"] == "States.Hash($$.Execution.Name, 'MD5')"
    assert "'output/'" in job["output.$"]


def test_workflow_polls_the_job_with_a_doubling_capped_wait(definition) -> None:
    states = definition["States"]
    assert states["Prepare"]["Parameters"]["poll"] == {"wait_seconds": 60}
    assert states["WaitForJob"] == {
        "Type": "Wait",
        "SecondsPath": "$.poll.wait_seconds",
        "Next": "GetJob",
    }
    get = states["GetJob"]
    assert get["Resource"].endswith(":states:::aws-sdk:bedrock:getModelInvocationJob")
    assert get["Parameters"] == {"JobIdentifier.$": "$.created.arn"}
    assert get["Next"] == "JobStatus"
    assert "States.MathAdd($.poll.wait_seconds, $.poll.wait_seconds)" in json.dumps(
        states["DoubleWait"]
    )
    [double] = states["Backoff"]["Choices"]
    assert double["NumericLessThanEquals"] == 450 and double["Next"] == "DoubleWait"
    assert states["LongestWait"]["Parameters"] == {"wait_seconds": 900}
    assert states["Backoff"]["Default"] == "LongestWait"


def test_statuses_cover_botocores_enum_and_route_to_the_right_outcome(definition) -> None:
    enum = (
        botocore.session.get_session()
        .get_service_model("bedrock")
        .shape_for("ModelInvocationJobStatus")
        .enum
    )
    assert sorted(SUCCEEDED_STATUSES + FAILED_STATUSES + RUNNING_STATUSES) == sorted(enum)
    choice = definition["States"]["JobStatus"]
    routes = {
        condition["StringEquals"]: rule["Next"]
        for rule in choice["Choices"]
        for condition in rule["Or"]
    }
    assert routes == {
        **dict.fromkeys(SUCCEEDED_STATUSES, "NotifySuccess"),
        **dict.fromkeys(FAILED_STATUSES, "JobFailed"),
    }
    assert choice["Default"] == "Backoff"
    assert definition["States"]["JobFailed"]["Next"] == "NotifyFailure"
    assert definition["States"]["NotifyFailure"]["Next"] == "Failed"


def test_too_small_inputs_are_refused_before_a_job_is_created(definition) -> None:
    states = definition["States"]
    count = states["CountRecords"]
    assert count["Parameters"]["min_records"] == 100
    assert count["Parameters"]["max_records"] == 50_000
    assert count["Parameters"]["max_bytes"] == 1_000_000_000
    assert count["Next"] == "InputAccepted"
    accepted = states["InputAccepted"]
    assert accepted["Choices"] == [
        {"Variable": "$.records.ok", "BooleanEquals": True, "Next": "CreateJob"}
    ]
    assert accepted["Default"] == "RejectInput"
    assert states["RejectInput"]["Parameters"]["Error"] == "InputRejected"
    assert states["RejectInput"]["Next"] == "NotifyFailure"
    assert states["Failed"] == {
        "Type": "Fail",
        "ErrorPath": "$.failure.Error",
        "CausePath": "$.failure.Cause",
    }


def test_json_lines_created_under_the_input_prefix_start_the_workflow(template) -> None:
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "source": ["aws.s3"],
                "detail-type": ["Object Created"],
                "detail": {
                    "object": {
                        "key": [{"wildcard": "input/*.jsonl"}],
                        "size": [{"numeric": [">", 0]}],
                    }
                },
            },
            "Targets": [
                Match.object_like(
                    {"Arn": {"Ref": Match.string_like_regexp("ClassifyStateMachine")}}
                )
            ],
        },
    )
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {"NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}},
    )


def test_results_and_inputs_expire(template) -> None:
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "LifecycleConfiguration": {
                "Rules": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Id": "expire-batch-inputs",
                                "Prefix": "input/",
                                "ExpirationInDays": 30,
                            }
                        ),
                        Match.object_like(
                            {
                                "Id": "expire-batch-results",
                                "Prefix": "output/",
                                "ExpirationInDays": 90,
                            }
                        ),
                    ]
                )
            },
            "VersioningConfiguration": {"Status": "Enabled"},
        },
    )


# --- IAM -----------------------------------------------------------------------------------


def test_bedrock_service_role_is_trusted_for_this_accounts_jobs_only(template) -> None:
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "bedrock.amazonaws.com"},
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": "111111111111"},
                            "ArnLike": {"aws:SourceArn": JOBS_ARN},
                        },
                    }
                ]
            }
        },
    )


def test_service_role_reaches_the_model_and_the_two_prefixes_only(template) -> None:
    statements = _statements(template, "ClassifyServiceRole")
    by_action = {json.dumps(s["Action"]): s for s in statements}
    assert by_action['"bedrock:InvokeModel"']["Resource"] == MODEL_ARN
    assert by_action['"s3:GetObject"']["Resource"] == _bucket_objects(template, "input/")
    assert by_action['"s3:PutObject"']["Resource"] == _bucket_objects(template, "output/")
    # unconditioned: HeadBucket is authorized by s3:ListBucket and carries no s3:prefix
    listing = by_action['"s3:ListBucket"']
    [bucket] = template.find_resources("AWS::S3::Bucket")
    assert listing["Resource"] == {"Fn::GetAtt": [bucket, "Arn"]}
    assert "Condition" not in listing
    assert all("*" != s["Resource"] for s in statements)


def test_state_machine_creates_jobs_on_the_model_and_passes_only_the_service_role(
    template,
) -> None:
    statements = _statements(template, "ClassifyStateMachineRole")
    by_action = {json.dumps(s["Action"]): s for s in statements}
    assert by_action['"bedrock:CreateModelInvocationJob"']["Resource"] == [MODEL_ARN, JOBS_ARN]
    assert by_action['"bedrock:GetModelInvocationJob"']["Resource"] == JOBS_ARN
    pass_role = by_action['"iam:PassRole"']
    assert pass_role["Condition"] == {
        "StringEquals": {"iam:PassedToService": "bedrock.amazonaws.com"}
    }
    assert pass_role["Resource"]["Fn::GetAtt"][0].startswith("ClassifyServiceRole")


def test_an_inference_profile_grants_the_profile_and_its_model_in_any_region(
    agnostic_assembly,
) -> None:
    template = Template.from_json(agnostic_assembly.get_stack_by_name("Agnostic").template)
    [invoke] = [
        s
        for s in _statements(template, "SummariesServiceRole")
        if s["Action"] == "bedrock:InvokeModel"
    ]
    text = json.dumps(invoke["Resource"])
    assert ":inference-profile/us.amazon.nova-micro-v1:0" in text
    assert ":bedrock:*::foundation-model/amazon.nova-micro-v1:0" in text
    definition = state_machine_definition(template)
    assert definition["States"]["CreateJob"]["Parameters"]["ModelId"] == "us.amazon.nova-micro-v1:0"
    assert definition["States"]["CreateJob"]["Parameters"]["TimeoutDurationInHours"] == 72


# --- notifications, logs, the counter function ---------------------------------------------


def test_outcomes_go_to_an_encrypted_topic(template, definition) -> None:
    assert_encrypted_ssl_only_topic(template)
    for state in ("NotifySuccess", "NotifyFailure"):
        assert definition["States"][state]["Resource"].endswith(":states:::sns:publish")
    message = definition["States"]["NotifySuccess"]["Parameters"]["Message"]
    assert message["jobArn.$"] == "$.created.arn"
    assert message["results.$"] == "$.described.OutputDataConfig.S3OutputDataConfig.S3Uri"
    assert message["jobStatus.$"] == "$.described.Status"
    # the path exists in GetModelInvocationJob's response (the SDK integration PascalCases it)
    shape = (
        botocore.session.get_session()
        .get_service_model("bedrock")
        .operation_model("GetModelInvocationJob")
        .output_shape
    )
    for member in message["results.$"].split(".")[2:]:
        shape = shape.members[member[0].lower() + member[1:]]
    assert shape.type_name == "string"


def test_state_machine_logs_are_encrypted_retained_and_traced(template) -> None:
    template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {
            "LogGroupName": Match.string_like_regexp("^/aws/vendedlogs/states/"),
            "KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("ClassifyLogKey"), "Arn"]},
            "RetentionInDays": 30,
        },
    )
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "TracingConfiguration": {"Enabled": True},
            "LoggingConfiguration": Match.object_like({"Level": "ALL"}),
        },
    )


def test_counter_is_an_arm64_function_reading_the_input_prefix_only(template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Architectures": ["arm64"], "Handler": "record_counter.handler", "Runtime": "python3.12"},
    )
    statements = _statements(template, "ClassifyCounterRole")
    [read] = [s for s in statements if s["Action"] == "s3:GetObject"]
    assert read["Resource"] == _bucket_objects(template, "input/")


def test_metrics_are_the_state_machines() -> None:
    stack = cdk.Stack(cdk.App(), "M", env=ENV)
    batch = BedrockBatchInference(stack, "B", model=BedrockModel.of(MODEL))
    assert batch.metric_executions_failed().metric_name == "ExecutionsFailed"
    assert batch.metric_executions_succeeded().metric_name == "ExecutionsSucceeded"
    assert batch.metric_execution_time().metric_name == "ExecutionTime"


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {"timeout_hours": TIMEOUT_HOURS[0] - 1},
            "^timeout_hours must be a whole number from 24 to 168",
        ),
        ({"timeout_hours": TIMEOUT_HOURS[1] + 1}, "^timeout_hours must be"),
        (
            {"input_prefix": "data/", "output_prefix": "data/out/"},
            "^output_prefix .* must not overlap",
        ),
        ({"input_prefix": "/abs"}, "^input_prefix must be a relative S3 key prefix"),
        ({"min_records": 0}, "^min_records must be"),
        ({"max_records": 10}, "^max_records must be"),
        (
            {"output_expire_after": cdk.Duration.hours(5)},
            "^output_expire_after must be a cdk.Duration of whole days",
        ),
        ({"poll_interval": cdk.Duration.hours(1)}, "^poll_interval and max_poll_interval"),
        ({"job_name_prefix": "x" * 29}, "^job_name_prefix must be"),
        (
            {"model": BedrockModel.of("meta.llama3-8b-instruct-v1:0")},
            "^model: meta.llama3-8b.* does not take batch",
        ),
        (
            {"model": BedrockModel.of("amazon.nova-micro-v1:0")},
            "^model: Amazon Bedrock model amazon.nova-micro-v1:0 is not offered in eu-central-1",
        ),
    ],
)
def test_props_are_validated_naming_the_prop(props, message) -> None:
    env = cdk.Environment(account="111111111111", region="eu-central-1")
    stack = cdk.Stack(cdk.App(), "V", env=env)
    props.setdefault("model", BedrockModel.of(MODEL))
    with pytest.raises(ValueError, match=message):
        BedrockBatchInference(stack, "B", **props)


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"model": "anthropic.claude-3-haiku-20240307-v1:0"}, "^model must be a BedrockModel"),
        ({"timeout_hours": "48"}, "^timeout_hours must be a whole number from 24 to 168"),
        ({"min_records": 1.5}, None),
        ({"input_prefix": 3}, "^input_prefix must be a relative S3 key prefix"),
        ({"input_expire_after": 30}, "^input_expire_after must be a cdk.Duration"),
        ({"poll_interval": 60}, "^poll_interval must be a cdk.Duration"),
    ],
)
def test_props_of_the_wrong_kind_are_refused_naming_the_prop(props, message) -> None:
    stack = cdk.Stack(cdk.App(), "T", env=ENV)
    props.setdefault("model", BedrockModel.of(MODEL))
    expected = (ValueError, "^min_records must be a whole number >= 1, got 1.5")
    error, pattern = expected if message is None else (TypeError, message)
    with pytest.raises(error, match=pattern):
        BedrockBatchInference(stack, "B", **props)


@pytest.fixture(scope="module")
def token_template() -> tuple[Template, BedrockBatchInference]:
    stack = cdk.Stack(cdk.App(), "Tokens", env=ENV)
    number = {
        name: cdk.CfnParameter(stack, name, type="Number").value_as_number
        for name in ("Hours", "MaxRecords", "Bytes", "Days")
    }
    prefix = cdk.CfnParameter(stack, "Prefix").value_as_string
    batch = BedrockBatchInference(
        stack,
        "B",
        model=BedrockModel.of(MODEL),
        input_prefix=prefix,
        timeout_hours=number["Hours"],
        min_records=cdk.Token.as_number(cdk.Fn.import_value("MinRecords")),
        max_records=number["MaxRecords"],
        max_input_bytes=number["Bytes"],
        output_expire_after=cdk.Duration.days(number["Days"]),
    )
    return Template.from_stack(stack), batch


def test_token_props_reach_the_template_unchecked(token_template) -> None:
    template, batch = token_template
    definition = json.dumps(template.to_json()["Resources"])
    for parameter in ("Hours", "MaxRecords", "Bytes"):
        assert json.dumps({"Ref": parameter}) in definition
    assert json.dumps({"Fn::ImportValue": "MinRecords"}) in definition
    expirations = [
        rule["ExpirationInDays"]
        for bucket in template.find_resources("AWS::S3::Bucket").values()
        for rule in bucket["Properties"]["LifecycleConfiguration"]["Rules"]
        if "ExpirationInDays" in rule
    ]
    assert {"Ref": "Days"} in expirations
    notes = [
        entry.data for entry in batch.node.metadata if entry.type == "green-constructs:unchecked"
    ]
    assert [note.split(" ")[0] for note in notes] == [
        "input_prefix",
        "output_expire_after",
        "timeout_hours",
        "min_records",
        "max_records",
        "max_input_bytes",
    ]


def test_token_poll_intervals_are_refused_naming_the_prop() -> None:
    stack = cdk.Stack(cdk.App(), "P", env=ENV)
    seconds = cdk.CfnParameter(stack, "Wait", type="Number").value_as_number
    with pytest.raises(ValueError, match="^poll_interval must be a concrete cdk.Duration"):
        BedrockBatchInference(
            stack, "B", model=BedrockModel.of(MODEL), poll_interval=cdk.Duration.seconds(seconds)
        )


# --- the record counter (moto S3) ----------------------------------------------------------


def _lines(count: int, *, blank_every: int = 0) -> bytes:
    lines = []
    for i in range(count):
        lines.append(json.dumps({"recordId": f"r{i}", "modelInput": {"prompt": "x"}}))
        if blank_every and i % blank_every == 0:
            lines.append("  ")
    return ("\n".join(lines)).encode()


@pytest.mark.parametrize("chunk_bytes", [7, 64, 1 << 20])
def test_count_records_ignores_blank_lines_across_chunk_boundaries(chunk_bytes) -> None:
    assert count_records(io.BytesIO(_lines(150, blank_every=10)), 1000, chunk_bytes) == 150
    assert count_records(io.BytesIO(_lines(3) + b"\n"), 1000, chunk_bytes) == 3
    assert count_records(io.BytesIO(b""), 1000, chunk_bytes) == 0


def test_count_records_stops_reading_at_the_limit() -> None:
    body = io.BytesIO(_lines(10_000))
    assert count_records(body, 101, chunk_bytes=1024) == 101
    assert body.tell() < 20_000  # about 101 lines read, not 10,000


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="inputs")
        yield client


def _check(s3, body: bytes, **limits) -> dict:
    s3.put_object(Bucket="inputs", Key="input/a.jsonl", Body=body)
    event = {"bucket": "inputs", "key": "input/a.jsonl", "min_records": 100, "max_records": 500}
    event["max_bytes"] = 10_000_000
    return check_object(s3, {**event, **limits})


def test_counter_accepts_a_file_within_the_limits(s3) -> None:
    result = _check(s3, _lines(150, blank_every=7))
    assert result == {"ok": True, "records": 150, "bytes": result["bytes"], "reason": ""}


def test_counter_refuses_too_few_records_with_a_clear_reason(s3) -> None:
    result = _check(s3, _lines(99))
    assert not result["ok"] and result["records"] == 99
    assert result["reason"].startswith("99 records, fewer than the 100 a Bedrock batch inference")


def test_counter_refuses_keys_bedrock_would_refuse_unread(s3) -> None:
    s3.put_object(Bucket="inputs", Key="input/my tickets.jsonl", Body=_lines(150))
    event = {"bucket": "inputs", "key": "input/my tickets.jsonl", "min_records": 1}
    result = check_object(s3, {**event, "max_records": 500, "max_bytes": 10_000_000})
    assert (result["ok"], result["records"], result["bytes"]) == (False, None, None)
    assert "S3 URI pattern" in result["reason"]


def test_counter_key_pattern_is_botocores() -> None:
    from green_constructs.bedrock.record_counter import KEY

    shape = botocore.session.get_session().get_service_model("bedrock").shape_for("S3Uri")
    uri = re.compile(shape.metadata["pattern"])
    keys = ["input/a.jsonl", "input/x(1)_'!*.jsonl", "input/my tickets.jsonl", "input/a=b.jsonl"]
    keys += ["input//a.jsonl", "input/é.jsonl"]
    for key in keys:
        assert bool(KEY.fullmatch(key)) == bool(uri.fullmatch(f"s3://my-bucket/{key}")), key


def test_counter_refuses_too_many_records_and_too_large_files(s3) -> None:
    assert _check(s3, _lines(600)) == {
        "ok": False,
        "records": 501,
        "bytes": len(_lines(600)),
        "reason": "more than 500 records",
    }
    result = _check(s3, _lines(150), max_bytes=100)
    assert (result["ok"], result["records"]) == (False, None)
    assert result["reason"].endswith("is more than 100")


# --- the example app and the escape hatch --------------------------------------------------


@pytest.fixture(scope="module")
def example_assembly(tmp_path_factory):
    import importlib.util
    from pathlib import Path

    from cdk_nag import AwsSolutionsChecks

    path = Path(__file__).resolve().parents[2] / "examples" / "bedrock_batch_inference" / "app.py"
    spec = importlib.util.spec_from_file_location("example_bedrock_batch_inference", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app = module.build_app(outdir=str(tmp_path_factory.mktemp("example-bedrock-batch")))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks())  # its errors fail this synth
    return app.synth()


def test_example_has_no_findings_and_passes_the_lint_cli(example_assembly, capsys) -> None:
    from green_constructs.cli import main

    assert our_findings(example_assembly) == []
    assert cfn_lint_errors(example_assembly) == []
    assert main(["lint", example_assembly.directory, "--fail-on", "info"]) == 0
    assert "0 findings" in capsys.readouterr().out
    [stack] = example_assembly.stacks
    definition = state_machine_definition(Template.from_json(stack.template))
    assert definition["States"]["CreateJob"]["Parameters"]["ModelId"] == (
        "meta.llama3-1-8b-instruct-v1:0"
    )


def test_default_child_is_the_state_machine() -> None:
    from aws_cdk import aws_stepfunctions as sfn

    stack = cdk.Stack(cdk.App(), "D", env=ENV)
    batch = BedrockBatchInference(stack, "B", model=BedrockModel.of(MODEL))
    assert isinstance(batch.node.default_child, sfn.CfnStateMachine)
