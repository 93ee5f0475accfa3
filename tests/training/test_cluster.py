"""TrainiumCluster: a HyperPod cluster of Trainium workers that passes every check with defaults."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_fsx as fsx
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk.assertions import Match, Template
from compliance import cfn_lint_errors, our_findings, synth_checked

from green_constructs.catalog import Catalog
from green_constructs.storage import DatasetBucket
from green_constructs.training import LustreStorage, TrainiumCluster, TrainiumWorkerGroup
from green_constructs.training.cluster import (
    HYPERPOD_CONTROLLER_TYPES,
    HYPERPOD_TRAINIUM_TYPES,
    LIFECYCLE_SCRIPTS,
    NEURON_METRICS_NAMESPACE,
)

CLUSTER = "AWS::SageMaker::Cluster"


def _synth(tmp_path_factory, name: str, **props) -> tuple:
    """(cloud assembly, stack template, cluster) of a synth under every check."""
    app = cdk.App(outdir=str(tmp_path_factory.mktemp(name)))
    stack = cdk.Stack(app, "Training")
    if props.pop("with_dataset", False):
        props["dataset_bucket"] = DatasetBucket(stack, "Dataset")
    cluster = TrainiumCluster(stack, "Cluster", **props)
    assembly = synth_checked(app)
    return assembly, assembly.get_stack_by_name("Training").template, cluster


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return _synth(tmp_path_factory, "default")


@pytest.fixture(scope="module")
def with_fsx(tmp_path_factory):
    return _synth(
        tmp_path_factory,
        "fsx",
        worker_groups=[TrainiumWorkerGroup(instance_type="ml.trn1n.32xlarge", instance_count=2)],
        shared_storage=LustreStorage(deployment_type=fsx.LustreDeploymentType.SCRATCH_2),
        with_dataset=True,
    )


def _groups(template: dict) -> dict[str, dict]:
    (cluster,) = Template.from_json(template).find_resources(CLUSTER).values()
    return {g["InstanceGroupName"]: g for g in cluster["Properties"]["InstanceGroups"]}


def _logical_id(template: dict, resource_type: str, contains: str) -> str:
    (found,) = [
        lid
        for lid, r in template["Resources"].items()
        if r["Type"] == resource_type and contains in lid
    ]
    return found


# compliance --------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["default", "with_fsx"])
def test_no_findings_and_no_cfn_lint_errors(case, request) -> None:
    assembly, _, _ = request.getfixturevalue(case)
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


# instance groups ---------------------------------------------------------------------------
def test_default_worker_group_is_one_trn1_node_with_one_thread_per_core(default) -> None:
    _, template, _ = default
    workers = _groups(template)["workers"]
    assert workers["InstanceType"] == "ml.trn1.32xlarge"
    assert workers["InstanceCount"] == 1
    assert workers["ThreadsPerCore"] == 1
    assert workers["InstanceStorageConfigs"] == [{"EbsVolumeConfig": {"VolumeSizeInGB": 500}}]


def test_controller_is_a_small_current_generation_cpu(default) -> None:
    _, template, _ = default
    controller = _groups(template)["controller"]
    assert controller["InstanceType"] == "ml.m5.xlarge"
    assert controller["InstanceCount"] == 1
    assert controller["ThreadsPerCore"] == 2
    assert controller["InstanceStorageConfigs"] == [{"EbsVolumeConfig": {"VolumeSizeInGB": 100}}]
    family = Catalog.default().family("ml.m5.xlarge")
    assert family.kind == "cpu" and not family.previous_generation


def test_node_recovery_is_automatic(default) -> None:
    _, template, _ = default
    Template.from_json(template).has_resource_properties(CLUSTER, {"NodeRecovery": "Automatic"})


def test_worker_groups_follow_the_props(with_fsx) -> None:
    _, template, _ = with_fsx
    workers = _groups(template)["workers"]
    assert (workers["InstanceType"], workers["InstanceCount"]) == ("ml.trn1n.32xlarge", 2)


# lifecycle scripts -------------------------------------------------------------------------
def test_every_group_runs_on_create_from_the_deployed_prefix(default) -> None:
    _, template, _ = default
    bucket = _logical_id(template, "AWS::S3::Bucket", "LifecycleScripts")
    uri = {"Fn::Join": ["", ["s3://", {"Ref": bucket}, "/hyperpod-lifecycle/"]]}
    for group in _groups(template).values():
        assert group["LifeCycleConfig"] == {"OnCreate": "on_create.sh", "SourceS3Uri": uri}
    Template.from_json(template).has_resource_properties(
        "Custom::CDKBucketDeployment",
        {
            "DestinationBucketName": {"Ref": bucket},
            "DestinationBucketKeyPrefix": "hyperpod-lifecycle/",
        },
    )
    (cluster,) = Template.from_json(template).find_resources(CLUSTER).values()
    deployment = _logical_id(template, "Custom::CDKBucketDeployment", "LifecycleDeployment")
    assert deployment in cluster["DependsOn"]


def test_cluster_waits_for_its_role_policy_security_group_rules_and_network(default) -> None:
    _, template, _ = default
    (cluster,) = Template.from_json(template).find_resources(CLUSTER).values()
    depends_on = set(cluster["DependsOn"])
    for resource_type, contains in [
        ("AWS::IAM::Role", "ExecutionRole"),
        ("AWS::IAM::Policy", "ExecutionRoleDefaultPolicy"),
        ("AWS::EC2::SecurityGroupIngress", "NodesSecurityGroup"),
        ("AWS::EC2::SecurityGroupEgress", "NodesSecurityGroup"),
        ("AWS::EC2::Route", "NodesSubnet1DefaultRoute"),  # through the NAT gateway
        ("AWS::EC2::VPCEndpoint", "VpcS3"),
    ]:
        assert _logical_id(template, resource_type, contains) in depends_on


def test_in_a_given_vpc_the_cluster_waits_for_none_of_its_resources() -> None:
    stack = cdk.Stack(cdk.App(), "Training")
    vpc = ec2.Vpc(stack, "Shared", max_azs=1)
    TrainiumCluster(stack, "Cluster", vpc=vpc)
    (cluster,) = Template.from_stack(stack).find_resources(CLUSTER).values()
    assert not [d for d in cluster["DependsOn"] if d.startswith("Shared")]


def test_lifecycle_scripts_are_uploaded_as_an_asset(default) -> None:
    assembly, template, _ = default
    deployments = Template.from_json(template).find_resources("Custom::CDKBucketDeployment")
    (deployment,) = deployments.values()
    keys = deployment["Properties"]["SourceObjectKeys"]
    staged = [Path(assembly.directory, f"asset.{key.removesuffix('.zip')}") for key in keys]
    scripts = next(path for path in staged if (path / "on_create.sh").exists())
    assert {p.name for p in scripts.iterdir()} == {
        "on_create.sh",
        "wait_for_slurm_conf.sh",
        "node_role.py",
        "neuron_monitor.json",
        "neuron-metrics.service",
        "publish_neuron_metrics.py",
    }
    parameters = next(path for path in staged if (path / "provisioning_parameters.json").exists())
    text = (parameters / "provisioning_parameters.json").read_text()
    loaded = json.loads(re.sub(r"<<marker:0xbaba:\d+>>", '"deploy-time value"', text))
    assert loaded["workload_manager"] == "slurm"
    assert loaded["controller_group"] == "controller"
    assert loaded["worker_groups"] == [
        {"instance_group_name": "workers", "partition_name": "workers"}
    ]
    assert loaded["green_constructs"]["metrics_namespace"] == NEURON_METRICS_NAMESPACE


ACCOUNT = "123456789012"
STACK_ID = (
    "arn:aws:cloudformation:ap-southeast-4:123456789012:stack/Training/"
    "1f2e3d4c-5b6a-4789-9abc-def012345678"
)
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")


def _resolve(template: dict, value, stack_id: str = STACK_ID):
    """``value`` as CloudFormation resolves it in account ACCOUNT and the stack ``stack_id``
    (the functions the lifecycle bucket name and URI use; a bucket's Ref is its name)."""
    if isinstance(value, str):
        return value
    ((function, argument),) = value.items()
    resolve = lambda v: _resolve(template, v, stack_id)  # noqa: E731
    if function == "Ref":
        pseudo = {"AWS::AccountId": ACCOUNT, "AWS::StackId": stack_id}
        if argument in pseudo:
            return pseudo[argument]
        resource = template["Resources"][argument]
        assert resource["Type"] == "AWS::S3::Bucket", argument
        generated = f"<name CloudFormation makes up for {argument}>"
        return resolve(resource["Properties"].get("BucketName", generated))
    if function == "Fn::Join":
        separator, parts = argument
        return separator.join(resolve(part) for part in parts)
    if function == "Fn::Split":
        separator, text = argument
        return resolve(text).split(separator)
    if function == "Fn::Select":
        index, items = argument
        return (resolve(items) if isinstance(items, dict) else items)[index]
    raise AssertionError(f"unexpected {function}")


def _lifecycle_bucket_names(template: dict, stack_id: str = STACK_ID) -> set[str]:
    (cluster,) = Template.from_json(template).find_resources(CLUSTER).values()
    names = set()
    for group in cluster["Properties"]["InstanceGroups"]:
        uri = _resolve(template, group["LifeCycleConfig"]["SourceS3Uri"], stack_id)
        assert uri.startswith("s3://sagemaker-"), uri
        names.add(uri.removeprefix("s3://").split("/")[0])
    return names


@pytest.mark.parametrize("case", ["default", "with_fsx"])
def test_lifecycle_scripts_are_in_a_valid_sagemaker_bucket(case, request) -> None:
    _, template, _ = request.getfixturevalue(case)
    (name,) = _lifecycle_bucket_names(template)
    assert name.startswith("sagemaker-") and len(name) <= 63, name
    assert _BUCKET_NAME.fullmatch(name), name
    assert ACCOUNT in name and name.endswith("-def012345678")


def test_lifecycle_bucket_names_differ_per_cluster_and_per_stack_creation(
    removal_policies,
) -> None:
    buckets = [
        lid
        for lid, r in removal_policies["Resources"].items()
        if r["Type"] == "AWS::S3::Bucket" and "LifecycleScripts" in lid
    ]
    assert len(buckets) == 3
    names = {_resolve(removal_policies, {"Ref": lid}) for lid in buckets}
    assert len(names) == 3 and all(n.startswith("sagemaker-") for n in names)
    recreated = STACK_ID.replace("def012345678", "0123456789ab")
    again = {_resolve(removal_policies, {"Ref": lid}, recreated) for lid in buckets}
    assert not names & again  # a retained bucket of a deleted stack does not block a new one


def test_lifecycle_bucket_stays_retained_versioned_encrypted_and_ssl_only(default) -> None:
    _, template, _ = default
    bucket_id = _logical_id(template, "AWS::S3::Bucket", "LifecycleScripts")
    bucket = template["Resources"][bucket_id]
    assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == ("Retain", "Retain")
    properties = bucket["Properties"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    (encryption,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    Template.from_json(template).has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": bucket_id},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            },
        },
    )


def test_nodes_read_only_the_scripts_prefix_of_their_own_bucket(default) -> None:
    _, template, _ = default
    policy = template["Resources"][
        _logical_id(template, "AWS::IAM::Policy", "ExecutionRoleDefaultPolicy")
    ]
    arn = {"Fn::GetAtt": [_logical_id(template, "AWS::S3::Bucket", "LifecycleScripts"), "Arn"]}
    s3_statements = [
        statement
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "s3:" in json.dumps(statement["Action"])
    ]
    assert s3_statements == [
        {
            "Action": ["s3:GetObject*", "s3:GetBucket*", "s3:List*"],
            "Effect": "Allow",
            "Resource": [arn, {"Fn::Join": ["", [arn, "/hyperpod-lifecycle/*"]]}],
        }
    ]


def test_deployment_function_runs_on_graviton(default) -> None:
    _, template, _ = default
    functions = Template.from_json(template).find_resources("AWS::Lambda::Function")
    assert [f["Properties"]["Architectures"] for f in functions.values()] == [["arm64"]]


# network -----------------------------------------------------------------------------------
def test_security_group_allows_all_traffic_within_itself(default) -> None:
    _, template, _ = default
    group = {"Fn::GetAtt": [_logical_id(template, "AWS::EC2::SecurityGroup", "Nodes"), "GroupId"]}
    assertions = Template.from_json(template)
    assertions.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {"GroupId": group, "SourceSecurityGroupId": group, "IpProtocol": "-1"},
    )
    assertions.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress",
        {"GroupId": group, "DestinationSecurityGroupId": group, "IpProtocol": "-1"},
    )
    assertions.has_resource_properties(CLUSTER, {"VpcConfig": {"SecurityGroupIds": [group]}})


def test_nodes_run_in_a_private_subnet_with_an_s3_gateway_endpoint(default) -> None:
    _, template, _ = default
    assertions = Template.from_json(template)
    subnet = _logical_id(template, "AWS::EC2::Subnet", "Nodes")
    assert template["Resources"][subnet]["Properties"]["MapPublicIpOnLaunch"] is False
    assertions.has_resource_properties(CLUSTER, {"VpcConfig": {"Subnets": [{"Ref": subnet}]}})
    assertions.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {
            "VpcEndpointType": "Gateway",
            "ServiceName": {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".s3"]]},
            "RouteTableIds": Match.array_with(
                [{"Ref": _logical_id(template, "AWS::EC2::RouteTable", "Nodes")}]
            ),
        },
    )
    assertions.resource_count_is("AWS::EC2::FlowLog", 1)


# IAM and metrics ---------------------------------------------------------------------------
def test_execution_role_uses_no_managed_policy_and_scopes_metrics(default) -> None:
    _, template, _ = default
    role = template["Resources"][_logical_id(template, "AWS::IAM::Role", "ExecutionRole")]
    assert "ManagedPolicyArns" not in role["Properties"]
    Template.from_json(template).has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "cloudwatch:PutMetricData",
                                "Condition": {
                                    "StringEquals": {
                                        "cloudwatch:namespace": Match.array_with(
                                            [NEURON_METRICS_NAMESPACE]
                                        )
                                    }
                                },
                            }
                        )
                    ]
                )
            }
        },
    )


def test_metrics_are_the_ones_the_scripts_publish(default) -> None:
    _, _, cluster = default
    script = (LIFECYCLE_SCRIPTS / "publish_neuron_metrics.py").read_text()
    for metric in (cluster.metric_neuron_core_utilization(), cluster.metric_neuron_ecc_errors()):
        assert metric.namespace == NEURON_METRICS_NAMESPACE
        assert f'"{metric.metric_name}"' in script
        assert metric.dimensions == {"ClusterName": cluster.cluster_name}
    assert '"ClusterName"' in script


# shared storage ----------------------------------------------------------------------------
def test_fsx_for_lustre_shares_the_subnet_and_security_group(with_fsx) -> None:
    _, template, _ = with_fsx
    assertions = Template.from_json(template)
    group = {"Fn::GetAtt": [_logical_id(template, "AWS::EC2::SecurityGroup", "Nodes"), "GroupId"]}
    assertions.has_resource_properties(
        "AWS::FSx::FileSystem",
        {
            "FileSystemType": "LUSTRE",
            "StorageCapacity": 1200,
            "LustreConfiguration": Match.object_like(
                {"DeploymentType": "SCRATCH_2", "DataCompressionType": "LZ4"}
            ),
            "SecurityGroupIds": [group],
            "SubnetIds": [{"Ref": _logical_id(template, "AWS::EC2::Subnet", "Nodes")}],
        },
    )


def test_dataset_bucket_is_imported_into_fsx(with_fsx) -> None:
    _, template, _ = with_fsx
    bucket = _logical_id(template, "AWS::S3::Bucket", "Dataset")
    Template.from_json(template).has_resource_properties(
        "AWS::FSx::DataRepositoryAssociation",
        {
            "FileSystemPath": "/datasets",
            "DataRepositoryPath": {"Fn::Join": ["", ["s3://", {"Ref": bucket}, "/"]]},
            "BatchImportMetaDataOnCreate": True,
        },
    )


def test_scratch_fsx_is_destroyed_with_the_stack(with_fsx) -> None:
    _, template, _ = with_fsx
    (file_system,) = Template.from_json(template).find_resources("AWS::FSx::FileSystem").values()
    assert (file_system["DeletionPolicy"], file_system["UpdateReplacePolicy"]) == (
        "Delete",
        "Delete",
    )


@pytest.fixture(scope="module")
def removal_policies() -> dict:
    """One stack, a cluster per case: persistent by default, and both policies given."""
    stack = cdk.Stack(cdk.App(), "Training")
    scratch = fsx.LustreDeploymentType.SCRATCH_2
    for construct_id, storage in {
        "Persistent": LustreStorage(),
        "PersistentDestroyed": LustreStorage(removal_policy=cdk.RemovalPolicy.DESTROY),
        "ScratchRetained": LustreStorage(
            deployment_type=scratch, removal_policy=cdk.RemovalPolicy.RETAIN
        ),
    }.items():
        cluster = TrainiumCluster(stack, construct_id, shared_storage=storage)
        assert isinstance(cluster.node.default_child, sagemaker.CfnCluster)  # the L1 escape hatch
    return Template.from_stack(stack).to_json()


@pytest.mark.parametrize(
    ("cluster", "policy"),
    [("Persistent", "Retain"), ("PersistentDestroyed", "Delete"), ("ScratchRetained", "Retain")],
)
def test_persistent_fsx_is_retained_and_the_policy_can_be_chosen(
    removal_policies, cluster, policy
) -> None:
    file_system = removal_policies["Resources"][
        _logical_id(removal_policies, "AWS::FSx::FileSystem", f"{cluster}SharedStorage")
    ]
    assert (file_system["DeletionPolicy"], file_system["UpdateReplacePolicy"]) == (policy, policy)


def test_without_fsx_there_is_no_file_system(default) -> None:
    _, template, _ = default
    Template.from_json(template).resource_count_is("AWS::FSx::FileSystem", 0)


# bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("props", "names"),
    [
        (
            {"worker_groups": [TrainiumWorkerGroup(instance_type="ml.p5.48xlarge")]},
            "worker_groups[0].instance_type",
        ),
        (
            {"worker_groups": [TrainiumWorkerGroup(instance_type="ml.trn1.2xlarge")]},
            "worker_groups[0].instance_type",
        ),
        (
            {"worker_groups": [TrainiumWorkerGroup(instance_type="ml.m5.xlarge")]},
            "worker_groups[0].instance_type",
        ),
        (
            {
                "worker_groups": [
                    TrainiumWorkerGroup(),
                    TrainiumWorkerGroup("more", instance_count=0),
                ]
            },
            "worker_groups[1].instance_count",
        ),
        ({"worker_groups": []}, "worker_groups"),
        ({"worker_groups": [TrainiumWorkerGroup("controller")]}, "worker_groups"),
        (
            {"worker_groups": [TrainiumWorkerGroup(volume_size_gb=0)]},
            "worker_groups[0].volume_size_gb",
        ),
        ({"worker_groups": [TrainiumWorkerGroup("trn_1")]}, "worker_groups[0].name"),
        ({"cluster_name": "-pretrain"}, "cluster_name"),
        ({"controller_instance_type": "ml.p5.48xlarge"}, "controller_instance_type"),
        ({"controller_instance_type": "ml.m4.xlarge"}, "controller_instance_type"),
        ({"controller_volume_size_gb": 20000}, "controller_volume_size_gb"),
        (
            {"shared_storage": LustreStorage(storage_capacity_gib=1500)},
            "shared_storage.storage_capacity_gib",
        ),
        (
            {"shared_storage": LustreStorage(deployment_type=fsx.LustreDeploymentType.SCRATCH_1)},
            "shared_storage.deployment_type",
        ),
        (
            {"shared_storage": LustreStorage(throughput_per_tib=200)},
            "shared_storage.throughput_per_tib",
        ),
        (
            {"shared_storage": LustreStorage(removal_policy=cdk.RemovalPolicy.SNAPSHOT)},
            "shared_storage.removal_policy",
        ),
    ],
)
def test_bad_input_fails_naming_the_property(props, names) -> None:
    stack = cdk.Stack(cdk.App(), "Bad")
    with pytest.raises(ValueError) as raised:
        TrainiumCluster(stack, "Cluster", **props)
    assert str(raised.value).startswith(names)


def test_errors_list_the_allowed_types() -> None:
    with pytest.raises(ValueError, match="ml.trn1.32xlarge, ml.trn1n.32xlarge, ml.trn2.48xlarge"):
        TrainiumCluster(
            cdk.Stack(cdk.App(), "Bad"),
            "Cluster",
            worker_groups=[TrainiumWorkerGroup(instance_type="ml.g5.48xlarge")],
        )
    assert all(
        not Catalog.default().family(t).previous_generation for t in HYPERPOD_CONTROLLER_TYPES
    )


# the scripts themselves --------------------------------------------------------------------
def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, LIFECYCLE_SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_utilization_counts_idle_cores_as_zero() -> None:
    publisher = _script("publish_neuron_metrics")
    report = {
        "neuron_hardware_info": {"neuron_device_count": 16, "neuroncore_per_device_count": 2},
        "neuron_runtime_data": [
            {
                "report": {
                    "neuroncore_counters": {
                        "neuroncores_in_use": {
                            "0": {"neuroncore_utilization": 80.0},
                            "1": {"neuroncore_utilization": 48.0},
                        }
                    }
                }
            }
        ],
        "system_data": {
            "neuron_hw_counters": {
                "neuron_devices": [
                    {"neuron_device_index": 0, "mem_ecc_uncorrected": 1, "sram_ecc_uncorrected": 2},
                ]
            }
        },
    }
    assert publisher.utilization(report) == pytest.approx(4.0)
    assert publisher.ecc_errors(report) == 3
    assert publisher.utilization({}) == 0.0


def test_node_role_finds_the_group_and_the_controller(tmp_path, monkeypatch) -> None:
    role = _script("node_role")
    params = tmp_path / "provisioning_parameters.json"
    params.write_text(json.dumps({"controller_group": "controller"}))
    resources = tmp_path / "resource_config.json"
    resources.write_text(
        json.dumps(
            {
                "InstanceGroups": [
                    {"Name": "controller", "Instances": [{"CustomerIpAddress": "10.0.1.5"}]},
                    {
                        "Name": "workers",
                        "Instances": [
                            {"CustomerIpAddress": "10.0.1.6"},
                            {"CustomerIpAddress": "10.0.1.7"},
                        ],
                    },
                ]
            }
        )
    )
    monkeypatch.setattr(role, "own_address", lambda: "10.0.1.7")
    assert role.main("group", str(params), str(resources)) == "workers"
    assert role.main("controller-ip", str(params), str(resources)) == "10.0.1.5"


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
@pytest.mark.parametrize("script", ["on_create.sh", "wait_for_slurm_conf.sh"])
def test_scripts_pass_shellcheck(script) -> None:
    subprocess.run(["shellcheck", str(LIFECYCLE_SCRIPTS / script)], check=True)


def _wait_for_slurm_conf(conf: Path, timeout: int, *addresses: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["bash", str(LIFECYCLE_SCRIPTS / "wait_for_slurm_conf.sh"), *addresses],
        env={
            "PATH": "/usr/bin:/bin",
            "SLURM_CONF": str(conf),
            "SLURM_CONF_TIMEOUT": str(timeout),
            "SLURM_CONF_INTERVAL": "0.1",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_slurm_conf_wait_ends_once_it_names_the_controller(tmp_path) -> None:
    conf = tmp_path / "slurm.conf"
    waiting = _wait_for_slurm_conf(conf, 10, "10.0.1.5")
    time.sleep(0.3)
    conf.write_text("ClusterName=pending\n")  # written, but no controller yet (nor 10.0.1.50)
    time.sleep(0.3)
    assert waiting.poll() is None
    conf.write_text("SlurmctldHost=ip-10-0-1-5(10.0.1.5)\n")
    out, err = waiting.communicate(timeout=5)
    assert waiting.returncode == 0, err
    assert f"waiting for HyperPod to write {conf}" in out
    assert f"slurm.conf ready: {conf}" in out


def test_slurm_conf_wait_fails_when_it_never_appears(tmp_path) -> None:
    conf = tmp_path / "slurm.conf"
    started = time.monotonic()
    waiting = _wait_for_slurm_conf(conf, 1, "10.0.1.5")
    _, err = waiting.communicate(timeout=5)
    assert waiting.returncode == 1
    assert time.monotonic() - started < 3
    assert f"ERROR: slurm.conf not ready after 1s: {conf}: it does not exist" in err


def test_slurm_conf_wait_fails_when_it_never_names_the_controller(tmp_path) -> None:
    conf = tmp_path / "slurm.conf"
    conf.write_text("SlurmctldHost=ip-10-0-1-50(10.0.1.50)\n")
    waiting = _wait_for_slurm_conf(conf, 1, "10.0.1.5")
    _, err = waiting.communicate(timeout=5)
    assert waiting.returncode == 1
    assert "it does not name the controller (10.0.1.5)" in err


def test_on_create_starts_slurmctld_only_after_the_wait() -> None:
    script = (LIFECYCLE_SCRIPTS / "on_create.sh").read_text()
    wait = script.index('bash wait_for_slurm_conf.sh "$controller_ip"')
    assert wait < script.index("systemctl enable --now slurmctld")
    assert "set -euo pipefail" in script  # a failed wait fails the node


def test_permissions_on_the_cluster_itself_go_in_a_policy_of_their_own() -> None:
    """The cluster waits for its role's default policy, so statements naming the cluster go in
    a separate policy: the documented way, free of a dependency cycle."""
    env = cdk.Environment(account="111111111111", region="us-east-1")
    stack = cdk.Stack(cdk.App(), "Self", env=env)
    cluster = TrainiumCluster(stack, "Cluster")
    iam.Policy(
        stack,
        "DescribeItself",
        roles=[cluster.role],
        statements=[
            iam.PolicyStatement(
                actions=["sagemaker:DescribeCluster"], resources=[cluster.cluster_arn]
            )
        ],
    )
    template = Template.from_stack(stack).to_json()
    resources = template["Resources"]
    cluster_id = _logical_id(template, "AWS::SageMaker::Cluster", "Cluster")
    policy_id = _logical_id(template, "AWS::IAM::Policy", "DescribeItself")
    assert cluster_id in json.dumps(resources[policy_id]["Properties"])
    assert policy_id not in resources[cluster_id]["DependsOn"]


def test_a_region_without_trainium_fails_naming_the_group_and_the_regions() -> None:
    stack = cdk.Stack(
        cdk.App(), "Stockholm", env=cdk.Environment(account="111111111111", region="eu-north-1")
    )
    with pytest.raises(ValueError) as raised:
        TrainiumCluster(stack, "Cluster")
    assert str(raised.value) == (
        "worker_groups[0].instance_type: ml.trn1.32xlarge for SageMaker HyperPod clusters is not "
        "offered in eu-north-1; offered in (greenest first): us-west-2, us-east-1, us-east-2"
    )


def test_trainium_and_controller_types_are_those_the_cluster_api_takes() -> None:
    catalog = Catalog.default()
    assert HYPERPOD_TRAINIUM_TYPES == ("ml.trn1.32xlarge", "ml.trn1n.32xlarge", "ml.trn2.48xlarge")
    assert all(catalog.api_accepts(t, "hyperpod") for t in HYPERPOD_CONTROLLER_TYPES)
