"""A SageMaker HyperPod cluster (Slurm) of Trainium workers, sustainable by default."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_fsx as fsx
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from .. import props
from ..availability import check_instance_offered
from ..catalog import Catalog
from ..metric_options import MetricOptions, make_metric, with_defaults
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding
from ..storage import SustainableBucket
from ..storage.sustainable_bucket import cfn_bucket

if TYPE_CHECKING:
    from typing_extensions import Unpack

LIFECYCLE_SCRIPTS = Path(__file__).parent / "lifecycle_scripts"
"""The scripts every node runs at creation (``on_create.sh`` is the entry point)."""

NEURON_METRICS_NAMESPACE = "GreenConstructs/HyperPod"
"""Where the lifecycle scripts publish ``NeuronCoreUtilization`` and
``NeuronUncorrectedEccErrors`` (dimensions ``ClusterName``; and ``ClusterName``, ``InstanceId``)."""

HYPERPOD_TRAINIUM_TYPES = tuple(
    i.name
    for i in Catalog.default().instances("trainium")
    if Catalog.default().api_accepts(i.name, "hyperpod")
)
"""Trainium instance types HyperPod clusters accept: the catalog's Trainium types in botocore's
``ClusterInstanceType``."""

HYPERPOD_CONTROLLER_TYPES = tuple(
    f"ml.{family}.{size}"
    for family, sizes in (
        ("m5", ("large", "xlarge", "2xlarge", "4xlarge")),
        ("c5", ("large", "xlarge", "2xlarge", "4xlarge")),
        ("t3", ("medium", "large", "xlarge", "2xlarge")),
    )
    for size in sizes
    if Catalog.default().api_accepts(f"ml.{family}.{size}", "hyperpod")
)
"""Small current-generation CPU types HyperPod accepts for the Slurm controller (those of
botocore's ``ClusterInstanceType``)."""

_LIFECYCLE_PREFIX = "hyperpod-lifecycle/"
_MAX_VOLUME_GB = 16384
"""``ClusterEbsVolumeConfig.VolumeSizeInGB``: 1 to 16384 (SageMaker API reference)."""
MAX_INSTANCE_COUNT = 6758
"""``ClusterInstanceGroupSpecification.InstanceCount``: at most 6758 (SageMaker API
reference, "Valid Range: Minimum value of 0. Maximum value of 6758")."""
_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")


@dataclass(frozen=True)
class TrainiumWorkerGroup:
    """A HyperPod instance group of Trainium workers, one Slurm partition.

    :param name: instance group name, also the Slurm partition name. Default: ``workers``.
    :param instance_type: one of :data:`HYPERPOD_TRAINIUM_TYPES`. Default: ``ml.trn1.32xlarge``.
    :param instance_count: nodes in the group, 1 to :data:`MAX_INSTANCE_COUNT` (6758, the
        SageMaker API reference's limit of ``ClusterInstanceGroupSpecification.InstanceCount``).
        Default: 1.
    :param volume_size_gb: EBS volume mounted at ``/opt/sagemaker`` on each node. Default: 500.
    """

    name: str = "workers"
    instance_type: str = "ml.trn1.32xlarge"
    instance_count: int = 1
    volume_size_gb: int = 500


@dataclass(frozen=True)
class LustreStorage:
    """FSx for Lustre shared by every node, mounted at ``mount_path``.

    :param deployment_type: ``PERSISTENT_2`` (replicated, for data that outlives a run) or
        ``SCRATCH_2`` (no replication, for a file system that lives as long as an experiment).
        Default: ``PERSISTENT_2``.
    :param storage_capacity_gib: 1200 or a multiple of 2400. Default: 1200.
    :param throughput_per_tib: MB/s per TiB for ``PERSISTENT_2`` (125, 250, 500 or 1000).
        Default: 125.
    :param mount_path: where nodes mount it. Default: ``/fsx``.
    :param removal_policy: what happens to the file system when it leaves the stack
        (keyword-only). Default: ``RETAIN`` for ``PERSISTENT_2`` (its data may outlive the
        stack), ``DESTROY`` for ``SCRATCH_2`` (a scratch file system left behind would keep
        running and costing).
    """

    deployment_type: fsx.LustreDeploymentType = fsx.LustreDeploymentType.PERSISTENT_2
    storage_capacity_gib: int = 1200
    throughput_per_tib: int = 125
    mount_path: str = "/fsx"
    removal_policy: cdk.RemovalPolicy | None = field(default=None, kw_only=True)


@jsii.implements(ec2.IConnectable)
class TrainiumCluster(Construct):
    """A SageMaker HyperPod cluster orchestrated by Slurm: Trainium workers and a small controller.

    Every node runs the lifecycle scripts of ``lifecycle_scripts/`` (deployed with a generated
    ``provisioning_parameters.json`` to a lifecycle bucket): Slurm daemons, the FSx mount, and on
    Trainium nodes neuron-monitor publishing NeuronCore utilization to CloudWatch
    (:meth:`metric_neuron_core_utilization`). Faulty nodes are replaced automatically; workers
    run one thread per core; nodes share a security group that lets EFA traffic flow between
    them, in a private subnet with an S3 gateway endpoint. The cluster is created only once the
    scripts, its role's policy, its security group rules and (in a VPC of its own) the NAT
    route and S3 endpoint exist: nodes download the scripts and reach AWS as they start. So
    permissions that name the cluster itself (:attr:`cluster_arn`) go in an ``iam.Policy``
    attached to :attr:`role`, not in the role's default policy, which would then depend on the
    cluster that depends on it.

    :param worker_groups: Trainium worker groups. Default: one ``ml.trn1.32xlarge`` node.
    :param controller_instance_type: Slurm controller, one of
        :data:`HYPERPOD_CONTROLLER_TYPES`. Default: ``ml.m5.xlarge``.
    :param controller_volume_size_gb: the controller's EBS volume. Default: 100.
    :param cluster_name: Default: a name unique in the account, made from the construct path.
    :param vpc: Default: a new VPC in one Availability Zone with private subnets, one NAT
        gateway, an S3 gateway endpoint and flow logs of rejected traffic.
    :param subnet: the subnet of ``vpc`` the nodes (and FSx) run in: one subnet, one
        Availability Zone, as EFA and FSx want. Default: the VPC's first private subnet with
        egress.
    :param shared_storage: FSx for Lustre for every node. Default: none.
    :param dataset_bucket: training data (a :class:`~green_constructs.storage.DatasetBucket`
        or any bucket). Read access for the nodes, and with ``shared_storage`` a data repository
        association importing it under ``<mount_path>/datasets``. Default: none.
    :param log_retention: retention of the logs this construct creates (flow logs, lifecycle
        deployment). Default: one month.
    """

    worker_groups: tuple[TrainiumWorkerGroup, ...]
    """The Trainium worker groups (one Slurm partition each)."""
    cluster_name: str
    """The HyperPod cluster's name."""
    vpc: ec2.IVpc
    """The VPC the nodes run in."""
    subnet: ec2.ISubnet
    """The subnet the nodes (and FSx) run in."""
    security_group: ec2.SecurityGroup
    """The nodes' security group (EFA traffic between members, HTTPS out)."""
    role: iam.Role
    """The execution role of the cluster's instance groups."""
    file_system: fsx.LustreFileSystem | None
    """The FSx for Lustre file system shared by every node; None without ``shared_storage``."""
    lifecycle_bucket: SustainableBucket
    """The bucket holding the lifecycle scripts."""
    cluster: sagemaker.CfnCluster
    """The L1 ``AWS::SageMaker::Cluster`` (also ``node.default_child``)."""
    lifecycle_asset: s3_assets.Asset
    """The lifecycle scripts as an asset (deployed to :attr:`lifecycle_bucket`)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        worker_groups: Sequence[TrainiumWorkerGroup] = (TrainiumWorkerGroup(),),
        controller_instance_type: str = "ml.m5.xlarge",
        controller_volume_size_gb: int = 100,
        cluster_name: str | None = None,
        vpc: ec2.IVpc | None = None,
        subnet: ec2.ISubnet | None = None,
        shared_storage: LustreStorage | None = None,
        dataset_bucket: SustainableBucket | s3.IBucket | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        super().__init__(scope, construct_id)
        worker_groups = _validate(
            self, worker_groups, controller_instance_type, controller_volume_size_gb, shared_storage
        )
        _check_kinds(vpc, subnet, dataset_bucket, log_retention)
        for index, group in enumerate(worker_groups):
            check_instance_offered(
                self,
                property_name=f"worker_groups[{index}].instance_type",
                instance_type=group.instance_type,
                feature="hyperpod",
            )
        check_instance_offered(
            self,
            property_name="controller_instance_type",
            instance_type=controller_instance_type,
            feature="hyperpod",
        )
        if cluster_name is not None:
            _check_name(self, "cluster_name", cluster_name)
        self.worker_groups = tuple(worker_groups)
        self.cluster_name = cluster_name or cdk.Names.unique_resource_name(
            self, max_length=63, separator="-"
        )
        self._log_retention = log_retention
        self.vpc = vpc or self._new_vpc()
        self.subnet = (
            subnet
            or self.vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS).subnets[0]
        )
        self.security_group = self._efa_security_group()
        self._connections = ec2.Connections(security_groups=[self.security_group])
        self.role = self._execution_role()
        dataset = (
            dataset_bucket.bucket
            if isinstance(dataset_bucket, SustainableBucket)
            else dataset_bucket
        )
        self.file_system = self._file_system(shared_storage, dataset) if shared_storage else None
        if dataset is not None:
            self._grant_dataset_read(dataset)
        self.lifecycle_bucket = SustainableBucket(self, "LifecycleScripts")
        self._name_lifecycle_bucket()
        deployment = self._deploy_lifecycle_scripts(shared_storage)
        self.cluster = self._cluster(controller_instance_type, controller_volume_size_gb)
        self.node.default_child = self.cluster
        self.cluster.node.add_dependency(deployment, self.role, self.security_group)
        if vpc is None:
            self.cluster.node.add_dependency(
                self.subnet.internet_connectivity_established, self.vpc.node.find_child("S3")
            )

    # public API ------------------------------------------------------------------------------
    @property
    def connections(self) -> ec2.Connections:
        """The nodes' security group (shared with FSx), to open traffic to and from the nodes
        (``ec2.IConnectable``), e.g. ``cluster.connections.allow_to(database, port)``."""
        return self._connections

    @property
    def cluster_arn(self) -> str:
        """The cluster's ARN."""
        return self.cluster.attr_cluster_arn

    @property
    def lifecycle_scripts_uri(self) -> str:
        """``s3://sagemaker-...`` prefix holding the lifecycle scripts (``SourceS3Uri`` of every
        group)."""
        return f"s3://{self.lifecycle_bucket.bucket_name}/{_LIFECYCLE_PREFIX}"

    def metric_neuron_core_utilization(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Busy share of all NeuronCores of the cluster's Trainium nodes (Average over 5 minutes
        by default).

        Published each minute by the lifecycle scripts; idle cores count as 0%, so a cluster
        left idle reads near 0 (alarm on it to find capacity to release).
        """
        return self._metric("NeuronCoreUtilization", cloudwatch.Stats.AVERAGE, options)

    def metric_neuron_ecc_errors(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Uncorrected Neuron device ECC errors reported by the nodes (Maximum over 5 minutes by
        default): a node health signal; HyperPod replaces nodes that fail its own health
        checks."""
        return self._metric("NeuronUncorrectedEccErrors", cloudwatch.Stats.MAXIMUM, options)

    def _metric(self, name: str, statistic: str, options: MetricOptions) -> cloudwatch.Metric:
        return make_metric(
            NEURON_METRICS_NAMESPACE,
            name,
            {"ClusterName": self.cluster_name},
            **with_defaults(options, statistic=statistic, period=cdk.Duration.minutes(5)),
        )

    # network ---------------------------------------------------------------------------------
    def _new_vpc(self) -> ec2.Vpc:
        flow_logs = logs.LogGroup(
            self,
            "FlowLogs",
            retention=self._log_retention,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        return ec2.Vpc(
            self,
            "Vpc",
            max_azs=1,
            nat_gateways=1,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="Public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24
                ),
                ec2.SubnetConfiguration(
                    name="Nodes", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=18
                ),
            ],
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3)
            },
            flow_logs={
                "Rejected": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs),
                    traffic_type=ec2.FlowLogTrafficType.REJECT,
                )
            },
        )

    def _efa_security_group(self) -> ec2.SecurityGroup:
        group = ec2.SecurityGroup(
            self,
            "NodesSecurityGroup",
            vpc=self.vpc,
            description="HyperPod nodes: all traffic between members (EFA), HTTPS out",
            allow_all_outbound=False,
        )
        group.add_ingress_rule(group, ec2.Port.all_traffic(), "EFA and Slurm between nodes")
        group.add_egress_rule(group, ec2.Port.all_traffic(), "EFA and Slurm between nodes")
        group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "AWS APIs and S3")
        return group

    # IAM -------------------------------------------------------------------------------------
    def _execution_role(self) -> iam.Role:
        """What HyperPod and the nodes need (AmazonSageMakerClusterInstanceRolePolicy's actions
        and HyperPod's VPC permissions), scoped to this cluster where IAM allows it."""
        stack = cdk.Stack.of(self)
        role = iam.Role(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description=f"Instance groups of HyperPod cluster {self.cluster_name}",
        )
        cluster_logs = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name=f"/aws/sagemaker/Clusters/{self.cluster_name}/*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        statements = [
            iam.PolicyStatement(actions=["logs:CreateLogGroup"], resources=[cluster_logs]),
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                resources=[f"{cluster_logs}:log-stream:*"],
            ),
            iam.PolicyStatement(
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={
                    "StringEquals": {
                        "cloudwatch:namespace": [
                            "/aws/sagemaker/Clusters",
                            NEURON_METRICS_NAMESPACE,
                        ]
                    }
                },
            ),
            iam.PolicyStatement(
                actions=[
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                resources=["*"],
            ),
            iam.PolicyStatement(
                actions=[
                    "ec2:CreateNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DeleteNetworkInterfacePermission",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DetachNetworkInterface",
                ],
                resources=["*"],
            ),
            iam.PolicyStatement(
                actions=["ec2:CreateTags"],
                resources=[
                    stack.format_arn(service="ec2", resource="network-interface", resource_name="*")
                ],
            ),
        ]
        for statement in statements:
            role.add_to_principal_policy(statement)
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "HyperPod names each node's log streams under the cluster's log group at run time; "
            "PutMetricData takes no resource (a namespace condition limits it); Session Manager "
            "channels and the ENI actions HyperPod uses to place nodes in the VPC take no "
            "resource or act on ENIs it creates.",
            applies_to=[
                resource_finding(role, cluster_logs),
                resource_finding(role, f"{cluster_logs}:log-stream:*"),
                "Resource::*",
                resource_finding(
                    role,
                    stack.format_arn(
                        service="ec2", resource="network-interface", resource_name="*"
                    ),
                ),
            ],
        )
        return role

    def _grant_dataset_read(self, bucket: s3.IBucket) -> None:
        bucket.grant_read(self.role)
        acknowledge(
            self.role,
            "AwsSolutions-IAM5",
            "Training jobs on the nodes read any object of the dataset bucket (read only).",
            applies_to=[
                "Action::s3:GetObject*",
                "Action::s3:GetBucket*",
                "Action::s3:List*",
                f"{resource_finding(self.role, bucket.bucket_arn)}/*",
            ],
        )

    # storage ---------------------------------------------------------------------------------
    def _file_system(
        self, storage: LustreStorage, dataset_bucket: s3.IBucket | None
    ) -> fsx.LustreFileSystem:
        persistent = storage.deployment_type == fsx.LustreDeploymentType.PERSISTENT_2
        default_removal = cdk.RemovalPolicy.RETAIN if persistent else cdk.RemovalPolicy.DESTROY
        file_system = fsx.LustreFileSystem(
            self,
            "SharedStorage",
            vpc=self.vpc,
            vpc_subnet=self.subnet,
            security_group=self.security_group,
            storage_capacity_gib=storage.storage_capacity_gib,
            file_system_type_version=fsx.FileSystemTypeVersion.V_2_15,
            lustre_configuration=fsx.LustreConfiguration(
                deployment_type=storage.deployment_type,
                per_unit_storage_throughput=storage.throughput_per_tib if persistent else None,
                data_compression_type=fsx.LustreDataCompressionType.LZ4,
            ),
            removal_policy=storage.removal_policy or default_removal,
        )
        if dataset_bucket is not None:
            _let_fsx_decrypt(dataset_bucket)
            fsx.CfnDataRepositoryAssociation(
                self,
                "Datasets",
                file_system_id=file_system.file_system_id,
                file_system_path="/datasets",
                data_repository_path=f"s3://{dataset_bucket.bucket_name}/",
                batch_import_meta_data_on_create=True,
                s3=fsx.CfnDataRepositoryAssociation.S3Property(
                    auto_import_policy=fsx.CfnDataRepositoryAssociation.AutoImportPolicyProperty(
                        events=["NEW", "CHANGED", "DELETED"]
                    )
                ),
            )
        return file_system

    def _name_lifecycle_bucket(self) -> None:
        """Name the lifecycle bucket ``sagemaker-lifecycle-<path hash>-<account>-<stack id>``.

        HyperPod documents ``SourceS3Uri`` as an ``s3://sagemaker-...`` URI (the prefix
        AmazonSageMakerClusterInstanceRolePolicy grants S3 access to); the role here keeps its
        own grant, scoped to the scripts prefix of this bucket. The hash of the construct path
        tells clusters of one stack apart; the account and the last group of the stack ID (a
        random UUID, new each time the stack is created) make the name globally unique, also
        when a stack is deleted or rolls back and created again while the retained bucket of
        the previous one still exists. 54 characters whatever the account or region resolve
        to; lowercase letters, digits and hyphens only.
        """
        stack = cdk.Stack.of(self)
        path_hash = hashlib.sha256(self.lifecycle_bucket.node.path.encode()).hexdigest()[:8]
        stack_uuid = cdk.Fn.select(2, cdk.Fn.split("/", stack.stack_id))
        stack_suffix = cdk.Fn.select(4, cdk.Fn.split("-", stack_uuid))
        # SustainableBucket takes no bucket_name: set it on its L1 bucket.
        bucket = cfn_bucket(self.lifecycle_bucket)
        bucket.bucket_name = cdk.Fn.join(
            "-", ["sagemaker-lifecycle", path_hash, stack.account, stack_suffix]
        )

    def _deploy_lifecycle_scripts(self, storage: LustreStorage | None) -> s3deploy.BucketDeployment:
        """The scripts and their provisioning_parameters.json, unpacked under one prefix:
        HyperPod reads files from ``SourceS3Uri``, not an asset archive."""
        stack = cdk.Stack.of(self)
        parameters = {
            "version": "1.0.0",
            "workload_manager": "slurm",
            "controller_group": "controller",
            "worker_groups": [
                {"instance_group_name": g.name, "partition_name": g.name}
                for g in self.worker_groups
            ],
            "green_constructs": {
                "cluster_name": self.cluster_name,
                "metrics_namespace": NEURON_METRICS_NAMESPACE,
                "region": stack.region,
            },
        }
        if self.file_system is not None and storage is not None:
            parameters.update(
                fsx_dns_name=self.file_system.dns_name,
                fsx_mountname=self.file_system.mount_name,
                fsx_mount_path=storage.mount_path,
            )
        log_group = logs.LogGroup(
            self,
            "LifecycleDeploymentLogs",
            retention=self._log_retention,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.lifecycle_asset = s3_assets.Asset(
            self,
            "LifecycleScriptsAsset",
            path=str(LIFECYCLE_SCRIPTS),
            exclude=["__pycache__", "*.pyc"],
        )
        deployment = s3deploy.BucketDeployment(
            self,
            "LifecycleDeployment",
            destination_bucket=self.lifecycle_bucket.bucket,
            destination_key_prefix=_LIFECYCLE_PREFIX,
            sources=[
                s3deploy.Source.bucket(
                    self.lifecycle_asset.bucket, self.lifecycle_asset.s3_object_key
                ),
                s3deploy.Source.json_data("provisioning_parameters.json", parameters),
            ],
            role=iam.Role(
                self,
                "LifecycleDeploymentRole",
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                description="Copies HyperPod lifecycle scripts to their bucket",
            ),
            log_group=log_group,
        )
        # The deployment function is a singleton of the stack: the first deployment's role and
        # log group serve them all, so grant and acknowledge on the function's own role.
        role = deployment.handler_role
        log_group.grant_write(role)
        handler = next(
            child
            for child in stack.node.children
            if isinstance(child, lambda_.Function)
            and child.role is not None
            and child.role.node.path == role.node.path
        )
        # a cast: node.default_child is typed IConstruct | None; a Function's is its CfnFunction
        cfn_handler = cast(lambda_.CfnFunction, handler.node.default_child)
        cfn_handler.add_property_override("Architectures", ["arm64"])
        self._acknowledge_deployment(handler, role, self.lifecycle_asset.bucket)
        self.lifecycle_bucket.grant_read(self.role, f"{_LIFECYCLE_PREFIX}*")
        acknowledge(
            self.role,
            "AwsSolutions-IAM5",
            "HyperPod lists and downloads every lifecycle script under the scripts prefix of "
            "the cluster's own lifecycle bucket.",
            applies_to=[
                "Action::s3:GetObject*",
                "Action::s3:GetBucket*",
                "Action::s3:List*",
                f"{resource_finding(self.role, self.lifecycle_bucket.bucket_arn)}/"
                f"{_LIFECYCLE_PREFIX}*",
            ],
        )
        return deployment

    def _acknowledge_deployment(
        self, handler: lambda_.Function, role: iam.IRole, assets: s3.IBucket
    ) -> None:
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "The CDK deployment function copies the scripts' asset archive (any key of the "
            "assets bucket it is handed) and replaces every object under the lifecycle prefix.",
            applies_to=[
                "Action::s3:GetObject*",
                "Action::s3:GetBucket*",
                "Action::s3:List*",
                "Action::s3:DeleteObject*",
                "Action::s3:Abort*",
                "Action::kms:GenerateDataKey*",
                "Action::kms:ReEncrypt*",
                f"{resource_finding(role, self.lifecycle_bucket.bucket_arn)}/*",
                f"{resource_finding(role, assets.bucket_arn)}/*",
            ],
        )
        acknowledge(
            handler,
            "AwsSolutions-L1",
            "The runtime is chosen and kept current by aws-cdk-lib's BucketDeployment.",
        )

    # cluster ---------------------------------------------------------------------------------
    def _cluster(
        self, controller_instance_type: str, controller_volume_size_gb: int
    ) -> sagemaker.CfnCluster:
        def group(name: str, instance_type: str, count: int, volume: int, threads: int):
            return sagemaker.CfnCluster.ClusterInstanceGroupProperty(
                instance_group_name=name,
                instance_type=instance_type,
                instance_count=count,
                execution_role=self.role.role_arn,
                threads_per_core=threads,
                life_cycle_config=sagemaker.CfnCluster.ClusterLifeCycleConfigProperty(
                    source_s3_uri=self.lifecycle_scripts_uri, on_create="on_create.sh"
                ),
                instance_storage_configs=[
                    sagemaker.CfnCluster.ClusterInstanceStorageConfigProperty(
                        ebs_volume_config=sagemaker.CfnCluster.ClusterEbsVolumeConfigProperty(
                            volume_size_in_gb=volume
                        )
                    )
                ],
            )

        # One thread per core on Trainium (the training processes pin NeuronCores, not vCPU
        # siblings); the controller keeps both threads of its few cores.
        groups = [group("controller", controller_instance_type, 1, controller_volume_size_gb, 2)]
        groups += [
            group(g.name, g.instance_type, g.instance_count, g.volume_size_gb, 1)
            for g in self.worker_groups
        ]
        return sagemaker.CfnCluster(
            self,
            "Cluster",
            cluster_name=self.cluster_name,
            instance_groups=groups,
            node_recovery="Automatic",
            vpc_config=sagemaker.CfnCluster.VpcConfigProperty(
                security_group_ids=[self.security_group.security_group_id],
                subnets=[self.subnet.subnet_id],
            ),
        )


def _let_fsx_decrypt(bucket: s3.IBucket) -> None:
    """FSx reads an SSE-KMS bucket through its per-file-system service-linked role, which exists
    only once the association does: allow that role (by name pattern) in the key policy of a key
    this app owns (imported keys are left to their owners)."""
    if bucket.encryption_key is None:
        return
    stack = cdk.Stack.of(bucket)
    bucket.encryption_key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="FSxLustreDataRepositoryRead",
            principals=[iam.AnyPrincipal()],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
            conditions={
                "StringEquals": {
                    "kms:CallerAccount": stack.account,
                    "kms:ViaService": f"s3.{stack.region}.amazonaws.com",
                },
                "ArnLike": {
                    "aws:PrincipalArn": f"arn:{stack.partition}:iam::{stack.account}:role/"
                    "aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/"
                    "AWSServiceRoleForFSxS3Access_*"
                },
            },
        )
    )


def _validate(
    scope: Construct,
    worker_groups: object,
    controller_instance_type: object,
    controller_volume_size_gb: object,
    shared_storage: object,
) -> tuple[TrainiumWorkerGroup, ...]:
    """The worker groups, every prop checked (tokens noted on ``scope``): a ``TypeError`` for
    a value of the wrong kind, a ``ValueError`` for a wrong value, naming the prop."""
    if (
        isinstance(worker_groups, (str, bytes, TrainiumWorkerGroup))
        or not isinstance(worker_groups, Sequence)
        or not all(isinstance(g, TrainiumWorkerGroup) for g in worker_groups)
    ):
        raise TypeError(
            "worker_groups must be a list of TrainiumWorkerGroup (e.g. [TrainiumWorkerGroup()]), "
            f"got {worker_groups!r}"
        )
    groups = tuple(worker_groups)
    if not groups:
        raise ValueError("worker_groups: at least one Trainium worker group is needed")
    for index, g in enumerate(groups):
        where = f"worker_groups[{index}]"
        _check_name(scope, f"{where}.name", g.name)
        _check_worker_type(scope, f"{where}.instance_type", g.instance_type)
        props.whole_number(
            scope,
            f"{where}.instance_count",
            g.instance_count,
            minimum=1,
            maximum=MAX_INSTANCE_COUNT,
        )
        _check_volume(scope, f"{where}.volume_size_gb", g.volume_size_gb)
    names = [g.name for g in groups]
    concrete = [name for name in names if not props.is_token(name)]
    if "controller" in concrete or len(set(concrete)) != len(concrete):
        raise ValueError(
            f"worker_groups: names must be unique and not 'controller'; got {', '.join(concrete)}"
        )
    allowed = f"one of {', '.join(HYPERPOD_CONTROLLER_TYPES)}"
    if not isinstance(controller_instance_type, str):
        raise TypeError(
            f"controller_instance_type must be {allowed}, got {controller_instance_type!r}"
        )
    if props.is_token(controller_instance_type):
        props.note_token(scope, "controller_instance_type", allowed)
    else:
        family = Catalog.default().find_family(controller_instance_type)
        if (
            controller_instance_type not in HYPERPOD_CONTROLLER_TYPES
            or family is None
            or (family.previous_generation)
        ):
            raise ValueError(
                f"controller_instance_type: {controller_instance_type} is not allowed; allowed: "
                f"{', '.join(HYPERPOD_CONTROLLER_TYPES)}"
            )
    _check_volume(scope, "controller_volume_size_gb", controller_volume_size_gb)
    if shared_storage is not None:
        _check_lustre(
            scope,
            props.instance("shared_storage", shared_storage, LustreStorage, "a LustreStorage"),
        )
    return groups


def _check_worker_type(scope: Construct, name: str, instance_type: object) -> None:
    allowed = (
        f"a Trainium instance type HyperPod accepts; allowed: {', '.join(HYPERPOD_TRAINIUM_TYPES)}"
    )
    if not isinstance(instance_type, str):
        raise TypeError(f"{name} must be {allowed}, got {instance_type!r}")
    if props.is_token(instance_type):
        props.note_token(scope, name, allowed)
        return
    family = Catalog.default().find_family(instance_type)
    if instance_type not in HYPERPOD_TRAINIUM_TYPES or family is None or family.kind != "trainium":
        raise ValueError(f"{name}: {instance_type} is not {allowed}")


def _check_kinds(
    vpc: object, subnet: object, dataset_bucket: object, log_retention: object
) -> None:
    for name, value, member, allowed in (
        ("vpc", vpc, "vpc_id", "an ec2.IVpc"),
        ("subnet", subnet, "subnet_id", "an ec2.ISubnet"),
        ("dataset_bucket", dataset_bucket, "bucket_arn", "a SustainableBucket or an s3.IBucket"),
    ):
        if value is not None and not hasattr(value, member):
            raise TypeError(f"{name} must be {allowed}, got {value!r}")
    props.instance("log_retention", log_retention, logs.RetentionDays, "a logs.RetentionDays")


def _check_name(scope: Construct, name: str, value: object) -> None:
    props.text(
        scope,
        name,
        value,
        pattern=_NAME,
        allowed="1 to 63 letters, digits and hyphens, starting and ending with a letter or digit",
    )


def _check_volume(scope: Construct, name: str, size: object) -> None:
    props.whole_number(scope, name, size, minimum=1, maximum=_MAX_VOLUME_GB, unit="GB")


_MOUNT_PATH = re.compile(r"/[A-Za-z0-9._\-/]*")


def _check_lustre(scope: Construct, storage: LustreStorage) -> None:
    allowed = (fsx.LustreDeploymentType.PERSISTENT_2, fsx.LustreDeploymentType.SCRATCH_2)
    props.instance(
        "shared_storage.deployment_type",
        storage.deployment_type,
        fsx.LustreDeploymentType,
        "fsx.LustreDeploymentType.PERSISTENT_2 or SCRATCH_2",
    )
    if storage.deployment_type not in allowed:
        raise ValueError(
            "shared_storage.deployment_type: allowed PERSISTENT_2 or SCRATCH_2; got "
            f"{storage.deployment_type}"
        )
    capacity = storage.storage_capacity_gib
    if props.is_token(capacity):  # fsx.LustreFileSystem compares it with its allowed values
        raise ValueError(
            "shared_storage.storage_capacity_gib must be a concrete value, not a token: "
            "fsx.LustreFileSystem checks it at synth time (1200 or a multiple of 2400)"
        )
    props.whole_number(scope, "shared_storage.storage_capacity_gib", capacity, minimum=1)
    if capacity != 1200 and (capacity < 2400 or capacity % 2400):
        raise ValueError(
            f"shared_storage.storage_capacity_gib must be 1200 or a multiple of 2400; got {capacity}"
        )
    throughput = storage.throughput_per_tib
    if props.is_token(throughput):  # fsx.LustreFileSystem compares it with its allowed values
        raise ValueError(
            "shared_storage.throughput_per_tib must be a concrete value, not a token: "
            "fsx.LustreFileSystem checks it at synth time (allowed 125, 250, 500, 1000)"
        )
    props.whole_number(scope, "shared_storage.throughput_per_tib", throughput, minimum=1)
    if throughput not in (125, 250, 500, 1000):
        raise ValueError(
            f"shared_storage.throughput_per_tib: allowed 125, 250, 500, 1000; got {throughput}"
        )
    path = props.text(
        scope,
        "shared_storage.mount_path",
        storage.mount_path,
        pattern=_MOUNT_PATH,
        allowed="an absolute path such as '/fsx' (letters, digits, '.', '_', '-', '/')",
    )
    if not props.is_token(path) and ".." in path.split("/"):
        raise ValueError(
            f"shared_storage.mount_path must be an absolute path without '..', got {path!r}"
        )
    policies = (
        cdk.RemovalPolicy.RETAIN,
        cdk.RemovalPolicy.DESTROY,
        cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    )
    if storage.removal_policy is not None and storage.removal_policy not in policies:
        raise ValueError(
            "shared_storage.removal_policy: allowed RETAIN, DESTROY, RETAIN_ON_UPDATE_OR_DELETE "
            f"(FSx file systems take no CloudFormation snapshot); got {storage.removal_policy}"
        )
