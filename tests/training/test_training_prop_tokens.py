"""TrainiumTrainingJob and TrainiumCluster take tokens where the request or resource would: the
parameters reach the template and each token prop is noted as unchecked; props whose value the
construct computes with are refused as tokens, and every prop is type-checked at the boundary."""

from __future__ import annotations

import json
import re

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from prop_token_sources import SOURCES, Tokens, notes

from green_constructs.training import (
    LustreStorage,
    TrainingImage,
    TrainiumCluster,
    TrainiumTrainingJob,
    TrainiumWorkerGroup,
)

ENV = cdk.Environment(account="111111111111", region="us-west-2")


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("source")
    (root / "train.py").write_text("print('training')\n")
    return str(root)


@pytest.fixture(scope="module", params=SOURCES)
def training(request, source_dir) -> tuple[dict, TrainiumTrainingJob]:
    tokens = Tokens(
        request.param,
        numbers=("VolumeSize", "CheckpointDays"),
        strings=("TrainPrefix", "Mode", "ModelId", "LossRegex", "JobPrefix"),
        env=ENV,
    )
    job = TrainiumTrainingJob(
        tokens.stack,
        "Job",
        source_dir=source_dir,
        volume_size_gb=tokens.number("VolumeSize"),
        checkpoint_expire_after=tokens.days("CheckpointDays"),
        channels={"train": tokens.string("TrainPrefix")},
        environment={"MODE": tokens.string("Mode")},
        hyperparameters={
            "learning_rate": cdk.Token.as_number(cdk.Fn.import_value("LearningRate")),
            "model_id": tokens.string("ModelId"),
        },
        metric_definitions={"loss": tokens.string("LossRegex")},
        job_name_prefix=tokens.string("JobPrefix"),
    )
    return Template.from_stack(tokens.stack).to_json(), job


def _machine(template: dict) -> str:
    [machine] = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::StepFunctions::StateMachine"
    ]
    return json.dumps(machine)


def test_training_parameters_reach_the_request(training) -> None:
    template, _ = training
    machine = _machine(template)
    for name in (
        "VolumeSize",
        "TrainPrefix",
        "Mode",
        "ModelId",
        "LossRegex",
        "JobPrefix",
    ):
        assert json.dumps({"Ref": name}) in machine, name
    assert json.dumps({"Fn::ImportValue": "LearningRate"}) in machine
    checkpoints = [
        r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::S3::Bucket" and json.dumps({"Ref": "CheckpointDays"}) in json.dumps(r)
    ]
    assert len(checkpoints) == 1


def test_training_token_props_are_noted(training) -> None:
    _, job = training
    assert sorted(notes(job)) == sorted(
        [
            "hyperparameters['learning_rate']",
            "hyperparameters['model_id']",
            "environment['MODE']",
            "metric_definitions['loss']",
            "job_name_prefix",
            "channels['train']",
            "volume_size_gb",
        ]
    )
    assert notes(job.checkpoint_bucket) == ["expire_after"]


def _token_number() -> float:
    return cdk.Token.as_number({"Ref": "N"})


@pytest.mark.parametrize(
    ("props_", "error", "message"),
    [
        (
            {"capacity_retry_wait": cdk.Duration.millis(500)},
            ValueError,
            "capacity_retry_wait must be at least 1 second, a cdk.Duration of whole seconds, "
            "got 500 millis",
        ),
        (
            {"capacity_retry_wait": 60},
            TypeError,
            "capacity_retry_wait must be at least 1 second",
        ),
        ({"capacity_retries": "3"}, TypeError, "capacity_retries must be a whole number"),
        (
            {"entry_point": "../../etc/passwd"},
            ValueError,
            "entry_point must be a relative path of a script inside source_dir",
        ),
        (
            {"entry_point": "/etc/passwd"},
            ValueError,
            "entry_point must be a relative path of a script inside source_dir",
        ),
        ({"entry_point": None}, TypeError, "entry_point must be a relative path"),
        (
            {"environment": {"X": 1}},
            TypeError,
            "environment must be a dict of non-empty string keys to strings",
        ),
        ({"environment": {"1X": "a"}}, ValueError, "environment: keys must be letters"),
        (
            {"hyperparameters": {"lr": [1]}},
            TypeError,
            "hyperparameters must be a dict of names to strings, numbers or booleans",
        ),
        ({"channels": ["train/"]}, TypeError, "channels must be a dict of channel names"),
        ({"channels": {"a b": "x/"}}, ValueError, "channels: names must be 1 to 64"),
        (
            {"volume_size_gb": "100"},
            TypeError,
            "volume_size_gb must be a whole number from 1 to 16384 GB",
        ),
        ({"volume_size_gb": 0}, ValueError, "volume_size_gb must be a whole number from 1"),
        ({"volume_size_gb": 16385}, ValueError, "volume_size_gb must be a whole number from 1"),
        ({"instance_count": 1.5}, TypeError, "instance_count must be a whole number from 1"),
        (
            {"instance_type": "ml.trn1.32xlarge", "instance_count": 10**12},
            ValueError,
            "instance_count must be a whole number from 1 to 2147483647",
        ),
        ({"capacity_retries": 1.5}, ValueError, "capacity_retries must be a whole number from 0"),
        (
            {"capacity_retries": float("nan")},
            ValueError,
            "capacity_retries must be a whole number from 0 to 9",
        ),
        ({"instance_type": 5}, TypeError, "instance_type must be one of ml.trn1.2xlarge"),
        ({"managed_spot": "yes"}, TypeError, "managed_spot must be True or False"),
        ({"max_runtime": 3600}, TypeError, "max_runtime must be a cdk.Duration"),
        ({"dataset": "bucket"}, TypeError, "dataset must be a DatasetBucket"),
        ({"encryption_key": "arn:aws:kms:..."}, TypeError, "encryption_key must be a kms.IKey"),
        ({"security_groups": "sg-1"}, TypeError, "security_groups must be a list"),
        ({"log_retention": 30}, TypeError, "log_retention must be a logs.RetentionDays"),
        ({"job_name_prefix": 7}, TypeError, "job_name_prefix must be 1 to 28"),
        # refused as tokens: the construct computes with them at synth time
        ({"instance_count": _token_number()}, ValueError, "instance_count must be a concrete"),
        (
            {"max_runtime": cdk.Duration.seconds(_token_number())},
            ValueError,
            "max_runtime must be a concrete value, not a token",
        ),
        (
            {"capacity_retries": _token_number()},
            ValueError,
            "capacity_retries must be a concrete value, not a token",
        ),
        (
            {"instance_type": cdk.Token.as_string({"Ref": "T"})},
            ValueError,
            "instance_type must be a concrete value, not a token",
        ),
    ],
)
def test_training_props_are_checked_at_the_boundary(source_dir, props_, error, message) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(error, match=re.escape(message)):
        TrainiumTrainingJob(stack, "Job", source_dir=source_dir, **props_)


# -- TrainiumCluster --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=SOURCES)
def cluster(request) -> tuple[dict, TrainiumCluster]:
    tokens = Tokens(
        request.param,
        numbers=("Workers", "ControllerVolume"),
        strings=("GroupName", "WorkerType", "ControllerType", "ClusterName", "MountPath"),
        env=ENV,
    )
    built = TrainiumCluster(
        tokens.stack,
        "Cluster",
        worker_groups=[
            TrainiumWorkerGroup(
                name=tokens.string("GroupName"),
                instance_type=tokens.string("WorkerType"),
                instance_count=tokens.number("Workers"),
                volume_size_gb=cdk.Token.as_number(cdk.Fn.import_value("WorkerVolume")),
            )
        ],
        controller_instance_type=tokens.string("ControllerType"),
        controller_volume_size_gb=tokens.number("ControllerVolume"),
        cluster_name=tokens.string("ClusterName"),
        shared_storage=LustreStorage(mount_path=tokens.string("MountPath")),
    )
    return Template.from_stack(tokens.stack).to_json(), built


def test_cluster_parameters_reach_the_resources(cluster) -> None:
    template, _ = cluster
    [resource] = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::SageMaker::Cluster"
    ]
    controller, workers = resource["Properties"]["InstanceGroups"]
    assert controller["InstanceType"] == {"Ref": "ControllerType"}
    assert controller["InstanceStorageConfigs"] == [
        {"EbsVolumeConfig": {"VolumeSizeInGB": {"Ref": "ControllerVolume"}}}
    ]
    assert workers["InstanceGroupName"] == {"Ref": "GroupName"}
    assert workers["InstanceType"] == {"Ref": "WorkerType"}
    assert workers["InstanceCount"] == {"Ref": "Workers"}
    assert workers["InstanceStorageConfigs"] == [
        {"EbsVolumeConfig": {"VolumeSizeInGB": {"Fn::ImportValue": "WorkerVolume"}}}
    ]
    assert resource["Properties"]["ClusterName"] == {"Ref": "ClusterName"}
    [file_system] = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::FSx::FileSystem"
    ]
    assert file_system["Properties"]["StorageCapacity"] == 1200
    assert json.dumps({"Ref": "MountPath"}) in json.dumps(template["Resources"])


def test_cluster_token_props_are_noted(cluster) -> None:
    _, built = cluster
    assert sorted(notes(built)) == sorted(
        [
            "worker_groups[0].name",
            "worker_groups[0].instance_type",
            "worker_groups[0].instance_count",
            "worker_groups[0].volume_size_gb",
            "controller_instance_type",
            "controller_volume_size_gb",
            "cluster_name",
            "shared_storage.mount_path",
        ]
    )


@pytest.mark.parametrize(
    ("props_", "error", "message"),
    [
        (
            {"worker_groups": TrainiumWorkerGroup()},
            TypeError,
            "worker_groups must be a list of TrainiumWorkerGroup",
        ),
        ({"worker_groups": ["workers"]}, TypeError, "worker_groups must be a list"),
        (
            {"worker_groups": [TrainiumWorkerGroup(instance_count=6759)]},
            ValueError,
            "worker_groups[0].instance_count must be a whole number from 1 to 6758",
        ),
        (
            {"worker_groups": [TrainiumWorkerGroup(instance_count="2")]},
            TypeError,
            "worker_groups[0].instance_count must be a whole number",
        ),
        (
            {"shared_storage": LustreStorage(mount_path="fsx")},
            ValueError,
            "shared_storage.mount_path must be an absolute path",
        ),
        (
            {"shared_storage": LustreStorage(mount_path="/fsx/../etc")},
            ValueError,
            "shared_storage.mount_path must be an absolute path without '..'",
        ),
        (
            {"shared_storage": LustreStorage(throughput_per_tib=cdk.Token.as_number({"Ref": "T"}))},
            ValueError,
            "shared_storage.throughput_per_tib must be a concrete value, not a token",
        ),
        (
            {
                "shared_storage": LustreStorage(
                    storage_capacity_gib=cdk.Token.as_number({"Ref": "C"})
                )
            },
            ValueError,
            "shared_storage.storage_capacity_gib must be a concrete value, not a token",
        ),
        ({"shared_storage": "/fsx"}, TypeError, "shared_storage must be a LustreStorage"),
        ({"controller_instance_type": None}, TypeError, "controller_instance_type must be one"),
        ({"controller_volume_size_gb": 1.5}, ValueError, "controller_volume_size_gb must be"),
        ({"cluster_name": 3}, TypeError, "cluster_name must be 1 to 63"),
        ({"vpc": "vpc-1"}, TypeError, "vpc must be an ec2.IVpc"),
        ({"dataset_bucket": "data"}, TypeError, "dataset_bucket must be a SustainableBucket"),
        ({"log_retention": 30}, TypeError, "log_retention must be a logs.RetentionDays"),
    ],
)
def test_cluster_props_are_checked_at_the_boundary(props_, error, message) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(error, match=re.escape(message)):
        TrainiumCluster(stack, "Cluster", **props_)


def test_entry_point_may_not_leave_source_dir_through_a_link(tmp_path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (tmp_path / "outside.py").write_text("print('outside')\n")
    (source / "train.py").symlink_to(tmp_path / "outside.py")
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match="entry_point must be a script inside source_dir"):
        TrainiumTrainingJob(stack, "Job", source_dir=str(source))


def test_image_parts_are_strings() -> None:
    with pytest.raises(TypeError, match="image uri must be a non-empty string, got 5"):
        TrainingImage.from_uri(5)  # type: ignore[arg-type]
