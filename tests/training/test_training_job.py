"""TrainiumTrainingJob: the CreateTrainingJob request, retries, IAM, checks, a moto deploy, and
executions of the state machine on moto's Step Functions interpreter (training jobs mocked)."""

from __future__ import annotations

import json
import re
import tarfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

import aws_cdk as cdk
import boto3
import botocore.session
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk.assertions import Template
from compliance import cfn_lint_errors, our_findings, synth_checked
from constructs import Construct
from moto import mock_aws
from moto.stepfunctions.parser.asl.component.common.error_name.error_name import ErrorName
from moto.stepfunctions.parser.asl.component.state.exec.state_task import mock_eval_utils
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_unsupported,
)
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
from moto.stepfunctions.parser.mocking.mock_config import (
    MockedResponse,
    MockedResponseReturn,
    MockedResponseThrow,
    MockTestCase,
    StateMockedResponses,
)
from moto_deploy import create_stack, for_moto
from template_helpers import (
    assert_encrypted_ssl_only_topic,
    definition_errors,
    state_machine_definition,
)

from green_constructs.job_workflow import (
    MAX_JOB_NAME_PREFIX,
    check_job_name_prefix,
    default_job_name_prefix,
)
from green_constructs.rules import TemplateContext, evaluate, get_rule
from green_constructs.rules.training_jobs import UNRESOLVED, training_jobs
from green_constructs.training import DistributedConfig, TrainingImage, TrainiumTrainingJob
from green_constructs.training.training_job import STOPPED_BY_USER

REGION = "us-west-2"
ENV = cdk.Environment(account="111111111111", region=REGION)
DLC = f"763104351884.dkr.ecr.{REGION}.amazonaws.com/pytorch-training-neuronx:"
GPU_IMAGE = f"763104351884.dkr.ecr.{REGION}.amazonaws.com/pytorch-training:2.8.0-gpu-py312"
SKIPPED_BY_MOTO = {
    # moto's CloudFormation does not model these: listed here and removed with references.
    "AWS::S3::BucketPolicy",
    "AWS::SNS::TopicPolicy",
}
PREFIX = "finetune-cb3f4d66"
"""The default job name prefix of ``Training/Finetune``: its id and a hash of its path."""
TRAINING_RULES = (
    "GenAI-ManagedSpotTraining",
    "GenAI-TrainingCheckpoint",
    "GenAI-TrainingStoppingCondition",
    "GenAI-TrainingAccelerator",
    "GenAI-PreviousGeneration",
)


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("source")
    (root / "train.py").write_text("print('training')\n")
    (root / "requirements.txt").write_text("")
    return str(root)


def _job(stack: cdk.Stack, source_dir: str, construct_id: str = "Finetune", **props):
    return TrainiumTrainingJob(stack, construct_id, source_dir=source_dir, **props)


@pytest.fixture(scope="module")
def assembly(tmp_path_factory, source_dir):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("training")))
    stack = cdk.Stack(app, "Training", env=ENV)
    job = _job(stack, source_dir)
    job.grant_start_execution(iam.Role(stack, "Operator", assumed_by=iam.AccountRootPrincipal()))
    cdk.CfnOutput(stack, "StateMachineArn", value=job.state_machine.state_machine_arn)
    return synth_checked(app)


@pytest.fixture(scope="module")
def template_json(assembly) -> dict:
    return assembly.get_stack_by_name("Training").template


@pytest.fixture(scope="module")
def template(template_json) -> Template:
    return Template.from_json(template_json)


@pytest.fixture(scope="module")
def multi_node(tmp_path_factory, source_dir) -> Template:
    """Two trn1n nodes in a VPC, tensor and pipeline parallel, under every check."""
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("multi")))
    stack = cdk.Stack(app, "MultiNode", env=ENV)
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        availability_zones=["us-west-2a"],
        private_subnet_ids=["subnet-0123456789abcdef0"],
    )
    _job(
        stack,
        source_dir,
        instance_type="ml.trn1n.32xlarge",
        instance_count=2,
        distributed=DistributedConfig(tensor_parallel=8, pipeline_parallel=2, microbatches=4),
        vpc=vpc,
        network_isolation=True,
    )
    assembly = synth_checked(app)
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []
    return Template.from_json(assembly.get_stack_by_name("MultiNode").template)


def parameters(template: Template) -> dict:
    return state_machine_definition(template)["States"]["Train"]["Parameters"]


def logical_id(template: Template, resource_type: str, prefix: str) -> str:
    found = [k for k in template.find_resources(resource_type) if k.startswith(prefix)]
    assert len(found) == 1, found
    return found[0]


def statements(template: Template, role_prefix: str) -> list[dict]:
    role = logical_id(template, "AWS::IAM::Role", role_prefix)
    return [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def _actions(statement: dict) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


# -- checks -------------------------------------------------------------------------------


def test_defaults_pass_every_check(assembly) -> None:
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


def test_genai_training_rules_see_the_job(template_json) -> None:
    context = TemplateContext(template_json)
    [machine] = [
        r for r in context.resources.values() if r.type == "AWS::StepFunctions::StateMachine"
    ]
    [job] = training_jobs(machine, context)
    assert job.get("EnableManagedSpotTraining") is True
    assert job.get("CheckpointConfig.S3Uri") == UNRESOLVED  # per execution, known at run time
    assert job.instance_types == ("ml.trn1.32xlarge",)

    broken = json.loads(json.dumps(template_json))
    for resource in broken["Resources"].values():
        if resource["Type"] == "AWS::StepFunctions::StateMachine":
            parts = resource["Properties"]["DefinitionString"]["Fn::Join"][1]
            for index, part in enumerate(parts):
                if isinstance(part, str):
                    parts[index] = (
                        part.replace(
                            '"EnableManagedSpotTraining":true', '"EnableManagedSpotTraining":false'
                        )
                        .replace('"MaxRuntimeInSeconds":86400,', "")
                        .replace("ml.trn1.32xlarge", "ml.p3.16xlarge")
                    )
    found = {f.rule.id for f in evaluate(broken, [get_rule(r) for r in TRAINING_RULES])}
    assert found == {
        "GenAI-ManagedSpotTraining",
        "GenAI-TrainingStoppingCondition",
        "GenAI-TrainingAccelerator",
        "GenAI-PreviousGeneration",
    }


def test_request_has_only_fields_create_training_job_accepts(template) -> None:
    shape = (
        botocore.session.get_session()
        .get_service_model("sagemaker")
        .operation_model("CreateTrainingJob")
        .input_shape
    )
    _check_against(parameters(template), shape, "CreateTrainingJobRequest")
    missing = set(shape.required_members) - {k.removesuffix(".$") for k in parameters(template)}
    assert missing == set()


def _check_against(value: Any, shape: Any, where: str) -> None:
    if shape.type_name == "structure":
        assert isinstance(value, dict), where
        for key, child in value.items():
            name = key.removesuffix(".$")
            assert name in shape.members, f"{where}.{name} is not in {shape.name}"
            if not key.endswith(".$"):
                _check_against(child, shape.members[name], f"{where}.{name}")
    elif shape.type_name == "list":
        assert isinstance(value, list), where
        for index, item in enumerate(value):
            _check_against(item, shape.member, f"{where}[{index}]")
    elif shape.type_name == "map":
        assert isinstance(value, dict) and len(value) <= shape.metadata.get("max", 10**6), where
        for key, item in value.items():
            _check_against(item, shape.value, f"{where}[{key}]")
    elif shape.type_name == "boolean":
        assert isinstance(value, bool), where
    elif shape.type_name in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), where
        assert shape.metadata.get("min", value) <= value <= shape.metadata.get("max", value), where
    elif shape.type_name == "string":
        assert isinstance(value, str), where
        if shape.enum and "<" not in value:
            assert value in shape.enum, f"{where}: {value} not in {shape.name}"


# -- the job ------------------------------------------------------------------------------


def test_spot_checkpoints_stopping_condition_and_trainium(template) -> None:
    request = parameters(template)
    assert request["EnableManagedSpotTraining"] is True
    assert request["StoppingCondition"] == {
        "MaxRuntimeInSeconds": 86400,
        "MaxWaitTimeInSeconds": 172800,
    }
    assert request["CheckpointConfig"] == {
        "S3Uri.$": "$.job.checkpoints",
        "LocalPath": "/opt/ml/checkpoints",
    }
    assert request["ResourceConfig"] == {
        "InstanceType": "ml.trn1.32xlarge",
        "InstanceCount": 1,
        "VolumeSizeInGB": 100,
    }
    assert request["AlgorithmSpecification"]["TrainingImage"].startswith(DLC)


def test_checkpoints_are_shared_by_the_attempts_of_an_execution(template) -> None:
    name_job = state_machine_definition(template)["States"]["NameJob"]["Parameters"]
    bucket = logical_id(template, "AWS::S3::Bucket", "FinetuneCheckpointsBucket")
    assert name_job["checkpoints.$"] == (
        f"States.Format('s3://<Ref:{bucket}>/checkpoints/{PREFIX}-{{}}/', "
        "States.Hash($$.Execution.Name, 'MD5'))"
    )
    assert name_job["name.$"] == (
        f"States.Format('{{}}-{{}}-{{}}', '{PREFIX}', States.Hash($$.Execution.Name, 'MD5'), "
        "$.attempt)"
    )


def test_data_code_and_model_locations(template) -> None:
    request = parameters(template)
    dataset = logical_id(template, "AWS::S3::Bucket", "FinetuneDatasetBucket")
    models = logical_id(template, "AWS::S3::Bucket", "FinetuneModelsBucket")
    train, code = request["InputDataConfig"]
    assert train["ChannelName"] == "train"
    assert train["DataSource"]["S3DataSource"]["S3Uri"] == f"s3://<Ref:{dataset}>/train/"
    assert code["ChannelName"] == "code"
    key = code["DataSource"]["S3DataSource"]["S3Uri"].rsplit("/", 1)[1]
    assert request["HyperParameters"]["sagemaker_submit_directory"] == (
        f"/opt/ml/input/data/code/{key}"
    )
    assert request["HyperParameters"]["sagemaker_program"] == "train.py"
    assert request["OutputDataConfig"]["S3OutputPath"] == f"s3://<Ref:{models}>/models/"


def test_source_is_a_reproducible_tarball(assembly) -> None:
    [asset] = [a for a in Path(assembly.directory).glob("asset.*") if a.name.endswith(".tar.gz")]
    with tarfile.open(asset, "r:gz") as archive:
        assert sorted(archive.getnames()) == ["requirements.txt", "train.py"]
        assert {m.mtime for m in archive.getmembers()} == {0}


def test_data_parallel_settings_reach_the_job(template) -> None:
    request = parameters(template)
    assert (
        request["HyperParameters"].items()
        >= {
            "sagemaker_torch_distributed_enabled": "true",
            "nproc_per_node": "32",
            "nnodes": "1",
            "tensor_parallel_size": "1",
            "data_parallel_size": "32",
        }.items()
    )
    environment = request["Environment"]
    assert "--auto-cast-type=bf16" in environment["NEURON_CC_FLAGS"]
    assert not {"FI_PROVIDER", "FI_EFA_USE_DEVICE_RDMA"} & set(environment)


def test_encryption_settings(template) -> None:
    request = parameters(template)
    key = logical_id(template, "AWS::KMS::Key", "FinetuneKey")
    assert request["OutputDataConfig"]["KmsKeyId"] == f"<Fn::GetAtt:{key}.Arn>"
    assert request["EnableInterContainerTrafficEncryption"] is True
    assert request["EnableNetworkIsolation"] is False
    # Trainium trains on local NVMe storage encrypted by the instance: SageMaker rejects a
    # VolumeKmsKeyId there.
    assert "VolumeKmsKeyId" not in request["ResourceConfig"]
    for prefix in ("FinetuneCheckpointsBucket", "FinetuneModelsBucket"):
        bucket = template.find_resources("AWS::S3::Bucket")[
            logical_id(template, "AWS::S3::Bucket", prefix)
        ]
        encryption = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][
            0
        ]
        assert encryption["ServerSideEncryptionByDefault"]["KMSMasterKeyID"] == {
            "Fn::GetAtt": [key, "Arn"]
        }


def test_buckets_are_retained_and_checkpoints_expire(template) -> None:
    buckets = template.find_resources("AWS::S3::Bucket")
    assert {b["DeletionPolicy"] for b in buckets.values()} == {"Retain"}
    checkpoints = buckets[logical_id(template, "AWS::S3::Bucket", "FinetuneCheckpointsBucket")]
    [rule] = checkpoints["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == 30
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}
    models = buckets[logical_id(template, "AWS::S3::Bucket", "FinetuneModelsBucket")]
    [rule] = models["Properties"]["LifecycleConfiguration"]["Rules"]
    assert "ExpirationInDays" not in rule


def test_retries_capacity_errors_and_exhausted_spot_waits_with_backoff(template) -> None:
    states = state_machine_definition(template)["States"]
    [retry] = states["Train"]["Retry"]
    assert retry["ErrorEquals"] == [
        "SageMaker.AmazonSageMakerException",
        "SageMaker.ResourceLimitExceededException",
        "SageMaker.SageMakerException",
        "ThrottlingException",
    ]
    assert (retry["BackoffRate"], retry["MaxAttempts"]) == (2, 5)
    [catch] = states["Train"]["Catch"]
    assert catch == {
        "ErrorEquals": ["States.ALL"],
        "ResultPath": "$.failure",
        "Next": "CapacityFailure?",
    }
    again, exhausted, stopped = states["CapacityFailure?"]["Choices"]
    retryable, budget = again["And"]
    capacity = ["*CapacityError*", "*MaxWaitTimeExceeded*"]
    assert [c["Variable"] for c in retryable["Or"]] == ["$.failure.Cause"] * 2
    assert [c["StringMatches"] for c in retryable["Or"]] == capacity
    assert budget == {"Variable": "$.attempt", "NumericLessThan": 3}
    assert again["Next"] == "WaitForCapacity"
    # out of attempts, a Spot wait that ran out is a failure, never a stop
    assert [c["StringMatches"] for c in exhausted["Or"]] == capacity
    assert exhausted["Next"] == "NotifyFailure"
    assert (
        [c["StringMatches"] for c in stopped["Or"]]
        == list(STOPPED_BY_USER)
        == [
            '*"SecondaryStatus":"Stopped"*',  # compact JSON
            '*"SecondaryStatus": "Stopped"*',  # spaced, as AWS documents States.JsonToString
        ]
    )
    assert stopped["Next"] == "NotifyStopped"
    assert states["CapacityFailure?"]["Default"] == "NotifyFailure"
    assert states["WaitForCapacity"]["SecondsPath"] == "$.wait_seconds"
    assert states["NextAttempt"]["Next"] == "NameJob"
    assert states["Prepare"]["Parameters"] == {"attempt": 0, "wait_seconds": 900}


def test_a_job_reported_as_ended_but_not_completed_is_handled_like_a_failure(template) -> None:
    """If .sync succeeds with a ``Stopped`` job's description instead of failing the task, the
    description becomes ``$.failure`` and meets the same choice as a caught failure."""
    states = state_machine_definition(template)["States"]
    train = states["Train"]
    assert "ResultSelector" not in train  # nothing a stopped job's description may lack
    assert (train["ResultPath"], train["Next"]) == ("$.training", "Completed?")
    [unfinished] = states["Completed?"]["Choices"]
    assert unfinished == {
        "And": [
            {"Variable": "$.training.TrainingJobStatus", "IsPresent": True},
            {"Not": {"Variable": "$.training.TrainingJobStatus", "StringEquals": "Completed"}},
        ],
        "Next": "NotCompleted",
    }
    assert states["Completed?"]["Default"] == "Trained"
    not_completed = states["NotCompleted"]
    assert not_completed["Parameters"] == {
        "Error": "TrainingJobNotCompleted",
        "Cause.$": "States.JsonToString($.training)",
    }
    assert (not_completed["ResultPath"], not_completed["Next"]) == ("$.failure", "CapacityFailure?")
    trained = states["Trained"]
    assert trained["ResultPath"] == "$.training"
    assert trained["Parameters"]["ModelArtifacts"] == {
        "S3ModelArtifacts.$": "$.training.ModelArtifacts.S3ModelArtifacts"
    }
    assert trained["Next"] == "NotifySuccess"


def test_success_failure_and_stops_are_published_to_the_encrypted_ssl_only_topic(template) -> None:
    states = state_machine_definition(template)["States"]
    topic = logical_id(template, "AWS::SNS::Topic", "FinetuneTopic")
    for state in ("NotifySuccess", "NotifyFailure", "NotifyStopped"):
        assert states[state]["Parameters"]["TopicArn"] == f"<Ref:{topic}>"
    assert states["NotifySuccess"]["Parameters"]["Message"]["model.$"] == (
        "$.training.ModelArtifacts.S3ModelArtifacts"
    )
    for state, status in (("NotifyFailure", "Failed"), ("NotifyStopped", "Stopped")):
        message = states[state]["Parameters"]["Message"]
        assert message["status"] == status
        assert (message["error.$"], message["cause.$"]) == ("$.failure.Error", "$.failure.Cause")
    assert states["NotifyFailure"]["Next"] == "Failed"
    assert states["Failed"] == {"Type": "Fail", "Error": "TrainingJobFailed"}
    assert states["NotifyStopped"]["Next"] == "Stopped"
    assert states["Stopped"]["Error"] == "TrainingJobStopped"
    assert states["Stopped"]["CausePath"].startswith("States.Format('Training job {} was stopped")
    assert_encrypted_ssl_only_topic(template)


def test_definition_is_valid_and_every_target_exists(template) -> None:
    assert definition_errors(state_machine_definition(template)) == []


def test_state_machine_logs_traces_and_times_out(template) -> None:
    [machine] = template.find_resources("AWS::StepFunctions::StateMachine").values()
    props = machine["Properties"]
    assert props["TracingConfiguration"] == {"Enabled": True}
    assert props["LoggingConfiguration"]["Level"] == "ALL"
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})
    timeout = state_machine_definition(template)["TimeoutSeconds"]
    assert timeout > 4 * 49 * 3600  # four attempts of 49 hours


# -- IAM ----------------------------------------------------------------------------------


def test_pass_role_is_scoped_to_the_training_role_and_sagemaker(template) -> None:
    training_role = logical_id(template, "AWS::IAM::Role", "FinetuneTrainingRole")
    passing = [
        s
        for policy in template.find_resources("AWS::IAM::Policy").values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if "iam:PassRole" in _actions(s)
    ]
    assert passing == [
        {
            "Action": "iam:PassRole",
            "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [training_role, "Arn"]},
        }
    ]


def test_state_machine_runs_only_its_own_jobs(template) -> None:
    found = {
        action: s["Resource"]
        for s in statements(template, "FinetuneStateMachineRole")
        for action in _actions(s)
    }
    assert found["sagemaker:CreateTrainingJob"] == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                f":sagemaker:{REGION}:111111111111:training-job/{PREFIX}-*",
            ],
        ]
    }
    assert "StepFunctionsGetEventsForSageMakerTrainingJobsRule" in json.dumps(
        found["events:PutRule"]
    )


def test_training_role_reaches_only_its_prefixes(template) -> None:
    by_action: dict[str, list] = {}
    for statement in statements(template, "FinetuneTrainingRole"):
        for action in _actions(statement):
            by_action.setdefault(action, []).append(statement)
    assert not [a for a in by_action if a.endswith("*") or a == "s3:DeleteObject"]
    reads = json.dumps(by_action["s3:GetObject"])
    assert "/train/*" in reads and "/checkpoints/*" in reads
    assert reads.count("cdk-hnb659fds-assets-") == 1  # the script, by its exact key
    writes = json.dumps(by_action["s3:PutObject"])
    assert "/checkpoints/*" in writes and "/models/*" in writes and "/train/" not in writes
    listing = by_action["s3:ListBucket"]
    assert all("s3:prefix" in s["Condition"]["StringLike"] for s in listing)
    assert {"ecr:BatchGetImage", "logs:PutLogEvents", "cloudwatch:PutMetricData"} <= set(by_action)
    assert "ec2:CreateNetworkInterface" not in by_action  # no VPC, no network interfaces


def test_grant_start_execution(template) -> None:
    machine = logical_id(template, "AWS::StepFunctions::StateMachine", "FinetuneStateMachine")
    assert {
        "Action": "states:StartExecution",
        "Effect": "Allow",
        "Resource": {"Ref": machine},
    } in statements(template, "Operator")


def test_metrics() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    job = TrainiumTrainingJob(
        stack,
        "Job",
        image=TrainingImage.from_uri(f"{DLC}2.8.0-neuronx-py311-sdk2.26.1-ubuntu22.04"),
    )
    assert isinstance(job.node.default_child, sfn.CfnStateMachine)  # the L1 escape hatch
    assert job.metric_executions_failed().metric_name == "ExecutionsFailed"
    assert job.metric_executions_succeeded().namespace == "AWS/States"
    assert job.metric_executions_started().metric_name == "ExecutionsStarted"
    search = job.search_training_instances("NeuronCoreUtilization")
    assert search.expression == (
        'SEARCH(\'{"/aws/sagemaker/TrainingJobs",Host} MetricName="NeuronCoreUtilization" '
        f"Host={job.job_name_prefix}', 'Average', 300)"
    )


# -- distributed, multi-node --------------------------------------------------------------


def test_multi_node_gets_efa_settings_and_the_parallel_layout(multi_node) -> None:
    request = parameters(multi_node)
    assert request["ResourceConfig"]["InstanceCount"] == 2
    assert request["ResourceConfig"]["InstanceType"] == "ml.trn1n.32xlarge"
    assert (
        request["Environment"].items()
        >= {
            "FI_PROVIDER": "efa",
            "FI_EFA_USE_DEVICE_RDMA": "1",
            "FI_EFA_FORK_SAFE": "1",
        }.items()
    )
    assert (
        request["HyperParameters"].items()
        >= {
            "nnodes": "2",
            "nproc_per_node": "32",
            "tensor_parallel_size": "8",
            "pipeline_parallel_size": "2",
            "data_parallel_size": "4",
            "pipeline_parallel_num_microbatches": "4",
        }.items()
    )
    assert request["EnableNetworkIsolation"] is True


def test_vpc_security_group_lets_nodes_reach_each_other(multi_node) -> None:
    request = parameters(multi_node)
    group = logical_id(multi_node, "AWS::EC2::SecurityGroup", "FinetuneSecurityGroup")
    assert request["VpcConfig"] == {
        "SecurityGroupIds": [f"<Fn::GetAtt:{group}.GroupId>"],
        "Subnets": ["subnet-0123456789abcdef0"],
    }
    for resource_type in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
        multi_node.has_resource_properties(
            resource_type,
            {"IpProtocol": "-1", "GroupId": {"Fn::GetAtt": [group, "GroupId"]}},
        )
    actions = {a for s in statements(multi_node, "FinetuneTrainingRole") for a in _actions(s)}
    assert "ec2:CreateNetworkInterface" in actions


def test_environment_agnostic_stack_maps_the_image_per_region(source_dir) -> None:
    stack = cdk.Stack(cdk.App(), "Agnostic")
    _job(stack, source_dir)
    template = Template.from_stack(stack).to_json()
    [mapping] = template["Mappings"]
    assert mapping.startswith("GreenConstructsNeuronDlcRegistries")
    [machine] = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::StepFunctions::StateMachine"
    ]
    assert f'"Fn::FindInMap": ["{mapping}"' in json.dumps(machine)
    # nothing could be checked against a region: the template says so
    notes = template["Metadata"]["green-constructs:availability-not-checked"]
    assert "ml.trn1.32xlarge for SageMaker training jobs" in notes


# -- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "props, message",
    [
        ({"instance_type": "ml.p5.48xlarge"}, "instance_type: ml.p5.48xlarge is a gpu instance"),
        ({"instance_type": "ml.m7i.xlarge"}, "instance_type: ml.m7i.xlarge"),
        ({"instance_type": "ml.x9.huge"}, "not a known instance type"),
        ({"instance_type": "ml.inf2.48xlarge"}, "allowed: ml.trn1.2xlarge"),
        ({"instance_count": 0}, "instance_count must be a whole number from 1 to 2147483647"),
        (
            {"max_runtime": cdk.Duration.hours(4), "max_wait": cdk.Duration.hours(4)},
            "max_wait (4 hours) must be longer than max_runtime",
        ),
        (
            {"max_runtime": cdk.Duration.hours(4), "max_wait": cdk.Duration.hours(2)},
            "max_wait",
        ),
        (
            {"distributed": DistributedConfig(tensor_parallel=3)},
            "tensor_parallel (3) must divide the 32 NeuronCores",
        ),
        ({"managed_spot": False, "max_wait": cdk.Duration.hours(9)}, "max_wait: only applies"),
        ({"channels": {"train": "train"}}, "channels: the prefix of 'train'"),
        ({"channels": {"code": "code/"}}, "channels: 'code' is reserved"),
        ({"job_name_prefix": "x" * 29}, "job_name_prefix must be 1 to 28"),
        ({"entry_point": "missing.py"}, "entry_point: missing.py is not a file"),
        ({"image": TrainingImage.from_uri(GPU_IMAGE)}, "is a gpu image; Trainium needs"),
        (
            {"instance_type": "ml.trn1.2xlarge", "instance_count": 2},
            "instance_count: ml.trn1.2xlarge has no EFA",
        ),
        (
            {"hyperparameters": {"lr": 1e-4, "gradient_accumulation_steps": 4}},
            "hyperparameters: gradient_accumulation_steps would be overwritten",
        ),
        (
            {"hyperparameters": {"tensor_parallel_size": 8, "nnodes": 2}},
            "hyperparameters: nnodes, tensor_parallel_size would be overwritten",
        ),
        ({"hyperparameters": {"sagemaker_program": "x.py"}}, "hyperparameters: sagemaker_program"),
    ],
)
def test_bad_input_names_the_property(source_dir, props, message) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match=re.escape(message)):
        _job(stack, source_dir, **props)


def test_hyperparameter_clash_points_to_distributed_config(source_dir) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match=r"distributed=DistributedConfig\(\.\.\.\)"):
        _job(stack, source_dir, hyperparameters={"pipeline_parallel_size": 2})


def test_image_running_its_own_code_may_name_its_program() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    job = TrainiumTrainingJob(
        stack,
        "Job",
        image=TrainingImage.from_uri(f"{DLC}2.8.0-neuronx-py311-sdk2.26.1-ubuntu22.04"),
        hyperparameters={"sagemaker_program": "train.py"},
    )
    request = parameters(Template.from_stack(stack))
    assert request["HyperParameters"]["sagemaker_program"] == "train.py"
    assert job.job_name_prefix == "job-c027527f"


def test_same_id_in_other_scopes_gets_its_own_jobs_and_searches(source_dir) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    jobs = [_job(Construct(stack, team), source_dir) for team in ("TeamA", "TeamB")]
    prefixes = [job.job_name_prefix for job in jobs]
    assert len(set(prefixes)) == 2
    assert all(re.fullmatch(r"finetune-[0-9a-f]{8}", prefix) for prefix in prefixes)
    template = Template.from_stack(stack)
    for team, job in zip(("TeamA", "TeamB"), jobs):
        [scope] = [
            s["Resource"]
            for s in statements(template, f"{team}FinetuneStateMachineRole")
            if "sagemaker:CreateTrainingJob" in _actions(s)
        ]
        assert scope["Fn::Join"][1][-1].endswith(f"training-job/{job.job_name_prefix}-*")
        assert f"Host={job.job_name_prefix}'" in job.search_training_instances().expression


def test_default_prefix_of_a_long_id_fits_the_job_name_limit() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    scope = Construct(stack, "A_scope_with a long, long name")
    prefix = default_job_name_prefix(Construct(scope, "Pre-training run #1 of a large model"), "x")
    assert len(prefix) <= MAX_JOB_NAME_PREFIX
    assert re.fullmatch(r"pre-training-run-1-[0-9a-f]{8}", prefix)
    check_job_name_prefix(prefix)


def test_source_dir_is_required_with_the_neuron_dlc() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match="source_dir: required"):
        TrainiumTrainingJob(stack, "Job")


def test_without_spot_there_is_no_wait_and_the_rule_reports_it(source_dir) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    _job(stack, source_dir, managed_spot=False)
    template = Template.from_stack(stack)
    request = parameters(template)
    assert request["EnableManagedSpotTraining"] is False
    assert request["StoppingCondition"] == {"MaxRuntimeInSeconds": 86400}
    found = evaluate(template.to_json(), [get_rule("GenAI-ManagedSpotTraining")])
    assert [f.rule.id for f in found] == ["GenAI-ManagedSpotTraining"]


# -- deployment into moto -----------------------------------------------------------------


def test_deploys_into_moto(template_json) -> None:
    with mock_aws():
        stack = create_stack("Training", for_moto(template_json, SKIPPED_BY_MOTO), REGION)
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        machine = boto3.client("stepfunctions", region_name=REGION).describe_state_machine(
            stateMachineArn=outputs["StateMachineArn"]
        )
        deployed = json.loads(machine["definition"])
        assert deployed["States"]["Train"]["Resource"] == (
            "arn:aws:states:::sagemaker:createTrainingJob.sync"
        )
        assert deployed["States"]["Train"]["Parameters"]["EnableManagedSpotTraining"] is True


# -- executions on moto's Step Functions interpreter ---------------------------------------
#
# moto runs state machines (execute_state_machine) but has no SageMaker integration, so the
# Train task and the SNS notices take mocked responses (moto's port of Step Functions Local's
# mocked service integrations, which moto 5.2 does not load from a file: injected here). Train
# takes one response per run: an error and cause, as a failed task gets them, or an output.
# How .sync reports a Stopped job is undocumented, so both are run (see the module docstring
# of green_constructs.training.training_job).


class _AnyErrorName(ErrorName):
    """An error name a mocked task may throw, ``States.TaskFailed`` included (moto's mock
    throws only custom names)."""


class _InTurn(list):
    """Responses a state takes one per run, the last one repeating: moto picks them by retry
    count, and each attempt of the capacity loop enters Train afresh."""

    def __init__(self, responses: list[MockedResponse]) -> None:
        super().__init__(responses)
        self.taken = 0

    def __len__(self) -> int:
        return 1000

    def __getitem__(self, _retry: int) -> MockedResponse:  # type: ignore[override]
        response = list.__getitem__(self, min(self.taken, list.__len__(self) - 1))
        self.taken += 1
        return response


def _description(status: str, secondary: str, **more: Any) -> dict:
    """A DescribeTrainingJob response (its required members and ``more``)."""
    return {
        "TrainingJobName": "finetune-0",
        "TrainingJobArn": f"arn:aws:sagemaker:{REGION}:111111111111:training-job/finetune-0",
        "TrainingJobStatus": status,
        "SecondaryStatus": secondary,
        "ModelArtifacts": {"S3ModelArtifacts": "s3://models/finetune-0/output/model.tar.gz"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 86400, "MaxWaitTimeInSeconds": 172800},
        "CreationTime": "2026-01-01T00:00:00Z",
        **more,
    }


def _fails(job: dict, *, spaced: bool = False) -> MockedResponse:
    """The task fails, the job description as its cause (compact or spaced JSON)."""
    cause = json.dumps(job) if spaced else json.dumps(job, separators=(",", ":"))
    return MockedResponseThrow(0, 0, "States.TaskFailed", cause)


def _returns(job: dict) -> MockedResponse:
    """The task succeeds, the job description as its output."""
    return MockedResponseReturn(0, 0, job)


SPOT_WAIT_RAN_OUT = _description("Stopped", "MaxWaitTimeExceeded")
STOPPED = _description("Stopped", "Stopped")
COMPLETED = _description("Completed", "Completed", BillableTimeInSeconds=3600)
FAILED = _description("Failed", "Failed", FailureReason="AlgorithmError: ExecuteUserScriptError")
NO_CAPACITY = _description(
    "Failed", "Failed", FailureReason="CapacityError: Unable to provision requested ML compute"
)


@pytest.fixture(scope="module")
def quick_retries(source_dir) -> dict:
    """The definition of a job with 2 capacity retries, after 1 and 2 seconds."""
    stack = cdk.Stack(cdk.App(), "Quick", env=ENV)
    _job(stack, source_dir, capacity_retries=2, capacity_retry_wait=cdk.Duration.seconds(1))
    definition = state_machine_definition(Template.from_stack(stack))
    return json.loads(json.dumps(definition).replace("<Ref:AWS::Partition>", "aws"))


def _execute(definition: dict, train: list[MockedResponse]) -> tuple[dict, list[dict]]:
    """Run ``definition`` once with Train answering ``train`` in turn; the execution's
    description and its history."""
    mocked = []
    for name, state in definition["States"].items():
        if name == "Train":
            responses = StateMockedResponses(name, name, train[:1])
            responses.mocked_responses = _InTurn(train)  # type: ignore[misc]
        elif state.get("Resource", "").endswith(":sns:publish"):
            responses = StateMockedResponses(name, name, [_returns({"MessageId": "1"})])
        else:
            continue
        mocked.append(responses)
    case = MockTestCase("Training", "scripted", mocked)
    create_worker = ExecutionWorker.__init__

    def with_mocks(self, *args, **kwargs):
        create_worker(self, *args, **{**kwargs, "mock_test_case": case})

    with (
        mock_aws(config={"stepfunctions": {"execute_state_machine": True}}),
        mock.patch.object(ExecutionWorker, "__init__", with_mocks),
        mock.patch.object(
            state_task_service_unsupported.StateTaskServiceUnsupported,
            "_assert_integration_pattern_is_supported",
            lambda _: None,
        ),
        mock.patch.object(mock_eval_utils, "CustomErrorName", _AnyErrorName),
    ):
        client = boto3.client("stepfunctions", region_name=REGION)
        machine = client.create_state_machine(
            name="Training",
            definition=json.dumps(definition),
            roleArn="arn:aws:iam::111111111111:role/machine",
        )["stateMachineArn"]
        execution = client.start_execution(stateMachineArn=machine, name="run-1")["executionArn"]
        deadline = time.monotonic() + 30
        while (found := client.describe_execution(executionArn=execution))["status"] == "RUNNING":
            assert time.monotonic() < deadline, "the execution did not end"
            time.sleep(0.05)
        events = client.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    return found, events


def _path(events: list[dict]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("Entered")]


def _notices(events: list[dict]) -> list[dict]:
    """The SNS messages the execution published."""
    return [
        json.loads(e["taskScheduledEventDetails"]["parameters"])["Message"]
        for e in events
        if e["type"] == "TaskScheduled" and e["taskScheduledEventDetails"]["resourceType"] == "sns"
    ]


def _job_names(events: list[dict]) -> list[str]:
    return [
        json.loads(e["taskScheduledEventDetails"]["parameters"])["TrainingJobName"]
        for e in events
        if e["type"] == "TaskScheduled"
        and e["taskScheduledEventDetails"]["resourceType"] == "sagemaker"
    ]


RETRY = ["CapacityFailure?", "WaitForCapacity", "NextAttempt", "NameJob", "Train"]


def test_spot_waits_that_ran_out_either_way_are_retried_under_new_names(quick_retries) -> None:
    execution, events = _execute(
        quick_retries, [_returns(SPOT_WAIT_RAN_OUT), _fails(SPOT_WAIT_RAN_OUT), _returns(COMPLETED)]
    )
    assert execution["status"] == "SUCCEEDED"
    assert _path(events) == [
        "Prepare", "NameJob", "Train", "Completed?", "NotCompleted", *RETRY,
        *RETRY, "Completed?", "Trained", "NotifySuccess", "Done",
    ]  # fmt: skip
    names = _job_names(events)
    assert [n.rsplit("-", 1)[1] for n in names] == ["0", "1", "2"]
    assert len({n.rsplit("-", 1)[0] for n in names}) == 1
    [notice] = _notices(events)
    assert notice["status"] == "Succeeded"
    assert notice["model"] == COMPLETED["ModelArtifacts"]["S3ModelArtifacts"]
    assert notice["billable_seconds"] == 3600


def test_capacity_that_keeps_lacking_ends_in_the_failure_notice(quick_retries) -> None:
    execution, events = _execute(
        quick_retries, [_fails(NO_CAPACITY), _fails(SPOT_WAIT_RAN_OUT), _returns(SPOT_WAIT_RAN_OUT)]
    )
    assert (execution["status"], execution["error"]) == ("FAILED", "TrainingJobFailed")
    assert _path(events).count("WaitForCapacity") == 2  # capacity_retries
    assert _path(events)[-3:] == ["CapacityFailure?", "NotifyFailure", "Failed"]
    [notice] = _notices(events)
    assert notice["status"] == "Failed"
    assert notice["job"].endswith("-2")
    assert notice["error"] == "TrainingJobNotCompleted"  # the last job ended Stopped
    assert "MaxWaitTimeExceeded" in notice["cause"]
    assert notice["checkpoints"].endswith("/")


@pytest.mark.parametrize(
    "train",
    [_fails(STOPPED), _fails(STOPPED, spaced=True), _returns(STOPPED)],
    ids=["task fails, compact cause", "task fails, spaced cause", "task succeeds"],
)
def test_a_job_someone_stopped_is_reported_and_fails_without_a_retry(quick_retries, train) -> None:
    execution, events = _execute(quick_retries, [train, _returns(COMPLETED)])
    assert (execution["status"], execution["error"]) == ("FAILED", "TrainingJobStopped")
    assert "was stopped (StopTrainingJob)" in execution["cause"]
    assert "WaitForCapacity" not in _path(events)
    assert _path(events)[-3:] == ["CapacityFailure?", "NotifyStopped", "Stopped"]
    [notice] = _notices(events)
    assert notice["status"] == "Stopped"
    assert '"SecondaryStatus"' in notice["cause"]
    assert notice["job"].endswith("-0")
    assert execution["cause"].endswith(notice["checkpoints"])


def test_a_failed_job_is_reported_without_a_retry(quick_retries) -> None:
    execution, events = _execute(quick_retries, [_fails(FAILED), _returns(COMPLETED)])
    assert (execution["status"], execution["error"]) == ("FAILED", "TrainingJobFailed")
    assert _path(events) == [
        "Prepare", "NameJob", "Train", "CapacityFailure?", "NotifyFailure", "Failed"
    ]  # fmt: skip
    [notice] = _notices(events)
    assert (notice["status"], notice["error"]) == ("Failed", "States.TaskFailed")
    assert "AlgorithmError" in notice["cause"]
