"""``TrainiumTrainingJob``: a Step Functions state machine that runs a SageMaker training job on
Trainium, on spare (Spot) capacity, resuming from checkpoints.

Each execution runs one training job (``createTrainingJob.sync``). SageMaker resumes a Spot job
interrupted by a reclaim from its last checkpoint; when a job still fails for lack of capacity
(``CapacityError``) or its Spot wait runs out (``MaxWaitTimeExceeded``), the execution starts a
new job, under a new name but with the same checkpoints, after a doubling wait. A job someone
stopped (``StopTrainingJob``) is reported as stopped and fails the execution, without a retry.
The instances exist only while a job runs.

How ``.sync`` reports a job that ends ``Stopped`` is not documented. The AWS Step Functions
developer guide (awsdocs/aws-step-functions-developer-guide @ 3d6752c) shows that the task's
output is the DescribeTrainingJob response (sample-train-model.md reads
``$.ModelArtifacts.S3ModelArtifacts`` and ``$.TrainingJobName`` from it) and catches
``States.ALL`` on ``createTrainingJob.sync`` (connect-sagemaker.md), but says neither whether
``Stopped`` fails the task nor what the error and cause then are. Other sources disagree:
botocore's ``TrainingJobCompletedOrStopped`` waiter takes ``Stopped`` as a success; Airflow
(apache/airflow#42423) and Kubeflow (kubeflow/pipelines#7258) take it as a failure; emulators of
``.sync`` for Glue (LocalStack, moto) succeed with a ``STOPPED`` run and fail the task with
``States.TaskFailed`` and the run as JSON cause for ``FAILED``. So the workflow handles both:
a caught failure whose cause (assumed to be the job description as JSON) shows the status, and
a task that succeeds with a status other than ``Completed`` (``Completed?``), which becomes the
same failure at ``$.failure``. A job stopped for ``MaxRuntimeExceeded`` is a failure (no retry).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from .. import props
from ..availability import check_instance_offered
from ..catalog import Catalog
from ..inference.model_update import EndpointModelUpdate, ServedEndpoint
from ..inference.notification_topic import encrypted_topic, notification_key
from ..job_workflow import (
    CAPACITY_FAILURE,
    MAX_JOB_NAME_PREFIX,
    ExecutionMetrics,
    check_job_name_prefix,
    check_retry_props,
    default_job_name_prefix,
    execution_hash,
    execution_timeout,
    fail_unless_completed,
    first_attempt,
    job_instance_metric,
    logged_state_machine,
    notify,
    retry_api_errors,
    retry_failed_jobs,
    unique_job_name,
)
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding
from ..storage import DatasetBucket, SustainableBucket, grant_prefix
from .distributed import DistributedConfig, DistributedSettings
from .image import TrainingImage
from .source import CODE_CHANNEL, source_asset

if TYPE_CHECKING:
    pass

TRAINING_INSTANCE_TYPES = (
    "ml.trn1.2xlarge",
    "ml.trn1.32xlarge",
    "ml.trn1n.32xlarge",
    "ml.trn2.48xlarge",
)
TRAINING_JOBS_NAMESPACE = "/aws/sagemaker/TrainingJobs"
SPOT_WAIT_EXCEEDED = "*MaxWaitTimeExceeded*"
"""How a Spot job that found no spare capacity within its wait ends (in the failure cause):
``TrainingJobStatus`` ``Stopped``, ``SecondaryStatus`` ``MaxWaitTimeExceeded``."""
STOPPED_BY_USER = ('*"SecondaryStatus":"Stopped"*', '*"SecondaryStatus": "Stopped"*')
"""How a job stopped by ``StopTrainingJob`` ends (in the failure cause, the job description as
JSON): ``TrainingJobStatus`` ``Stopped``, ``SecondaryStatus`` ``Stopped``. Compact or spaced:
the guide shows ``States.JsonToString`` giving ``{"foo": "bar"}``, the cause's form is not
documented. A cause in another form is reported as a failure (never retried)."""
CHECKPOINT_LOCAL_PATH = "/opt/ml/checkpoints"
NEURON_CACHE_DIR = f"{CHECKPOINT_LOCAL_PATH}/neuron-compile-cache"
"""Compiled Neuron graphs live with the checkpoints: a resumed job does not compile again."""
_CHECKPOINT_PREFIX = "checkpoints/"
_MODEL_PREFIX = "models/"
_MAX_VOLUME_GB = 16384
"""``ResourceConfig.VolumeSizeInGB``: SageMaker provisions gp2 volumes, at most 16 TiB
(Amazon EBS User Guide, "Amazon EBS volume types": gp2 volume size 1 GiB - 16 TiB)."""
_FIVE_MINUTES = cdk.Duration.minutes(5)


@jsii.implements(ec2.IConnectable)
class TrainiumTrainingJob(ExecutionMetrics, Construct):
    """A SageMaker training job on Trainium, run by a Step Functions state machine.

    Start an execution (any input) to train once. The job is named ``<job_name_prefix>-<MD5
    of the execution name>-<attempt>`` (unique, at most 63 characters); it reads each channel
    from ``dataset``, resumes from and saves checkpoints under
    ``s3://<checkpoint bucket>/checkpoints/<job_name_prefix>-<MD5>/`` (shared by every attempt
    of the execution), and writes the model under ``s3://<model bucket>/models/<job
    name>/output/model.tar.gz``. Success, failure and a stop are published to ``topic``.

    :param source_dir: local directory with the training script (and an optional
        ``requirements.txt``), shipped as the ``code`` channel. Required unless ``image`` is a
        custom image that runs its own code.
    :param entry_point: script in ``source_dir`` the container runs, a relative path inside it
        (no absolute path, no ``..``). Default: ``"train.py"``.
    :param instance_type: one of :data:`TRAINING_INSTANCE_TYPES`. Default: ``ml.trn1.32xlarge``.
    :param instance_count: nodes, 1 to 2**31 - 1 (the SageMaker API reference bounds
        ``ResourceConfig.InstanceCount`` only by its 32-bit ``Integer`` type; account quotas
        apply); more than 1 needs an instance type with EFA (not ``ml.trn1.2xlarge``) and adds
        EFA settings. Default: 1.
    :param distributed: tensor/pipeline parallelism, microbatches, gradient accumulation,
        checked against the instances. Default: ``DistributedConfig()`` (data parallel only).
    :param image: the training container. Default: the Neuron PyTorch training Deep Learning
        Container (:meth:`TrainingImage.neuron_dlc`) of the stack's region.
    :param hyperparameters: passed to the script as ``--name value``. The construct adds the
        distributed settings (:meth:`DistributedSettings.hyperparameters`) and, with
        ``source_dir``, ``sagemaker_program`` and ``sagemaker_submit_directory``; a key among
        them fails (set those through ``distributed``, ``instance_type``, ``instance_count``,
        ``source_dir`` and ``entry_point``). Default: none.
    :param environment: extra container environment. Default: none.
    :param dataset: where training data lives. Default: a new :class:`DatasetBucket`.
    :param channels: input channel name -> key prefix in ``dataset`` (read only there).
        Default: ``{"train": "train/"}``.
    :param max_runtime: ``StoppingCondition.MaxRuntimeInSeconds`` (training time budget).
        Default: 24 hours.
    :param managed_spot: train on spare capacity. Default: True.
    :param max_wait: ``StoppingCondition.MaxWaitTimeInSeconds``: runtime plus time waiting for
        Spot capacity; must be longer than ``max_runtime``. Default: twice ``max_runtime``.
    :param checkpoint_expire_after: checkpoints (and compiled graphs) expire this long after
        they are written. Default: 30 days.
    :param model_bucket: where model artifacts go. Default: a new, retained
        :class:`SustainableBucket` (artifacts never expire; old versions do).
    :param encryption_key: encrypts checkpoints and model artifacts (bucket key and
        ``OutputDataConfig.KmsKeyId``). Every Trainium instance trains on local NVMe storage,
        which its hardware encrypts, and SageMaker rejects ``VolumeKmsKeyId`` for such
        instances, so none is sent. Default: a new key with rotation, retained.
    :param volume_size_gb: ``ResourceConfig.VolumeSizeInGB``, 1 to 16384 (within the
        instance's local storage; may be a token). Default: 100.
    :param vpc: run the job in this VPC. Default: SageMaker's network.
    :param vpc_subnets: subnets of ``vpc``. Default: its private subnets with egress (else
        isolated ones).
    :param security_groups: for the job. Default: a new group whose members reach each other
        on every port (collectives, EFA) and reach HTTPS anywhere. With ``vpc``,
        :attr:`connections` manages them (``job.connections.allow_to(database, port)``).
    :param network_isolation: ``EnableNetworkIsolation``. Default: False.
    :param metric_definitions: metric name -> regex over the job's logs
        (``AlgorithmSpecification.MetricDefinitions``). Default: none.
    :param job_name_prefix: start of every job name (at most 28 characters). Default: the
        construct id and a hash of the construct path (unique per construct), e.g.
        ``finetune-1a2b3c4d``.
    :param capacity_retries: new jobs after a capacity failure or an exhausted Spot wait (0-9).
        Default: 3.
    :param capacity_retry_wait: wait before the first of them, doubling after each.
        Default: 15 minutes.
    :param log_retention: state machine log retention. Default: one month.
    :param serve_on: an endpoint (:class:`~green_constructs.inference.AsyncInferenceEndpoint`
        or :class:`~green_constructs.inference.RealtimeEndpoint`) that serves each successful
        job's model: the workflow creates a model on the job's ``model.tar.gz`` with the
        endpoint's container, and an endpoint config like the endpoint's own, then updates
        the endpoint (:class:`~green_constructs.inference.model_update.EndpointModelUpdate`).
        The script must save a model the endpoint's container serves from /opt/ml/model (the
        LoRA recipe merges its adapter into the base weights). Default: none.
    """

    job_name_prefix: str
    """Start of every training job name."""
    channels: dict[str, str]
    """Input channel name -> key prefix in :attr:`dataset`."""
    dataset: DatasetBucket
    """Where the training data lives."""
    checkpoint_bucket: SustainableBucket
    """Where checkpoints (and compiled Neuron graphs) go; they expire."""
    model_bucket: SustainableBucket
    """Where model artifacts go."""
    role: iam.Role
    """The role the training job's containers run with."""
    model_update: EndpointModelUpdate | None
    """The states serving each trained model on ``serve_on``; None without ``serve_on``."""
    state_machine: sfn.StateMachine
    """The state machine whose executions run the training jobs."""
    security_groups: list[ec2.ISecurityGroup]
    """The job's security groups (set only for a job given a ``vpc``)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source_dir: str | None = None,
        entry_point: str = "train.py",
        instance_type: str = "ml.trn1.32xlarge",
        instance_count: int = 1,
        distributed: DistributedConfig | None = None,
        image: TrainingImage | None = None,
        hyperparameters: Mapping[str, str | int | float | bool] | None = None,
        environment: Mapping[str, str] | None = None,
        dataset: DatasetBucket | None = None,
        channels: Mapping[str, str] | None = None,
        max_runtime: cdk.Duration | None = None,
        managed_spot: bool = True,
        max_wait: cdk.Duration | None = None,
        checkpoint_expire_after: cdk.Duration | None = None,
        model_bucket: SustainableBucket | None = None,
        encryption_key: kms.IKey | None = None,
        volume_size_gb: int = 100,
        vpc: ec2.IVpc | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        network_isolation: bool = False,
        metric_definitions: Mapping[str, str] | None = None,
        job_name_prefix: str | None = None,
        capacity_retries: int = 3,
        capacity_retry_wait: cdk.Duration | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        serve_on: ServedEndpoint | None = None,
    ) -> None:
        max_runtime = cdk.Duration.hours(24) if max_runtime is None else max_runtime
        if checkpoint_expire_after is None:
            checkpoint_expire_after = cdk.Duration.days(30)
        if capacity_retry_wait is None:
            capacity_retry_wait = cdk.Duration.minutes(15)
        super().__init__(scope, construct_id)
        _check_kinds(
            source_dir=source_dir,
            entry_point=entry_point,
            distributed=distributed,
            image=image,
            dataset=dataset,
            managed_spot=managed_spot,
            model_bucket=model_bucket,
            encryption_key=encryption_key,
            vpc=vpc,
            vpc_subnets=vpc_subnets,
            security_groups=security_groups,
            network_isolation=network_isolation,
            log_retention=log_retention,
            serve_on=serve_on,
        )
        _check_instance_type(instance_type)
        check_instance_offered(
            self, property_name="instance_type", instance_type=instance_type, feature="training"
        )
        _refuse_token("instance_count", instance_count, "the distributed settings are")
        self.settings: DistributedSettings = (distributed or DistributedConfig()).resolve(
            instance_type=instance_type, instance_count=instance_count
        )
        hyperparameters = _check_hyperparameters(
            self, hyperparameters or {}, self.settings, source_dir is not None
        )
        environment = _check_environment(self, environment or {})
        metric_definitions = _check_metric_definitions(self, metric_definitions or {})
        max_wait = _check_stopping(max_runtime, managed_spot, max_wait)
        self.job_name_prefix = _check_job_name_prefix(
            self, job_name_prefix or default_job_name_prefix(self, "train")
        )
        self.channels = dict(
            _check_channels(self, channels if channels is not None else {"train": "train/"})
        )
        props.whole_number(
            self, "volume_size_gb", volume_size_gb, minimum=1, maximum=_MAX_VOLUME_GB, unit="GB"
        )
        job_timeout = (max_wait or max_runtime).plus(cdk.Duration.hours(1))  # + pending, upload
        check_retry_props(
            job_timeout=job_timeout,
            capacity_retries=capacity_retries,
            capacity_retry_wait=capacity_retry_wait,
        )
        if source_dir is None and image is None:
            raise ValueError(
                "source_dir: required with the Neuron Deep Learning Container (it runs the "
                "script from source_dir); pass image=TrainingImage.from_uri(...) for an image "
                "that runs its own code"
            )
        self.instance_type = instance_type
        self.instance_count = instance_count
        self.max_runtime = max_runtime

        self.encryption_key: kms.IKey = encryption_key or kms.Key(
            self,
            "Key",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            description="Encrypts training checkpoints and model artifacts",
        )
        self.dataset = dataset or DatasetBucket(self, "Dataset")
        self.checkpoint_bucket = SustainableBucket(
            self,
            "Checkpoints",
            expire_after=checkpoint_expire_after,
            noncurrent_expire_after=cdk.Duration.days(1),
            encryption_key=self.encryption_key,
        )
        self.model_bucket = model_bucket or SustainableBucket(
            self, "Models", encryption_key=self.encryption_key
        )
        self.role = iam.Role(
            self,
            "TrainingRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description="Runs the Trainium training job's containers",
        )
        self._grant_job_access()
        image_uri = (image or TrainingImage.neuron_dlc()).bind(self, self.role)
        code = self._ship_source(source_dir, entry_point) if source_dir is not None else None
        network = self._network(vpc, vpc_subnets, security_groups)

        key = notification_key(self, "TopicKey")
        self.topic: sns.Topic = encrypted_topic(
            self, "Topic", master_key=key, display_name=f"{construct_id} training jobs"
        )
        train = sfn.CustomState(
            self,
            "Train",
            state_json=self._train_state(
                image_uri=image_uri,
                code=code,
                entry_point=entry_point,
                hyperparameters=hyperparameters or {},
                environment=environment or {},
                max_runtime=max_runtime,
                max_wait=max_wait,
                volume_size_gb=volume_size_gb,
                network=network,
                network_isolation=network_isolation,
                metric_definitions=metric_definitions or {},
                timeout=job_timeout,
            ),
        )
        retry_api_errors(train)
        self.model_update = (
            EndpointModelUpdate(
                self,
                "Serve",
                endpoint=serve_on,
                model_data_path="$.training.ModelArtifacts.S3ModelArtifacts",
                model_data_bucket=self.model_bucket.bucket,
                model_data_prefix=_MODEL_PREFIX,
            )
            if serve_on is not None
            else None
        )
        self.state_machine = self._state_machine(
            train,
            capacity_retries=capacity_retries,
            capacity_retry_wait=capacity_retry_wait,
            job_timeout=job_timeout,
            log_retention=log_retention,
        )
        key.grant(self.state_machine, "kms:GenerateDataKey", "kms:Decrypt")  # encrypted topic
        self.node.default_child = self.state_machine.node.default_child
        self._grant_run_jobs()
        if self.model_update is not None:
            self.model_update.acknowledge(self.state_machine.role)

    # -- public API -----------------------------------------------------------------------

    @property
    def connections(self) -> ec2.Connections:
        """The security groups of the job's instances, to open traffic to and from them
        (``ec2.IConnectable``). Only a job given a ``vpc`` has them."""
        if self._connections is None:
            raise ValueError(
                f"{self.node.path}: only a training job in a VPC has security groups to manage; "
                "pass vpc= (and optionally security_groups=) to TrainiumTrainingJob"
            )
        return self._connections

    def grant_start_execution(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` start a training run (``states:StartExecution`` on this machine)."""
        return self.state_machine.grant_start_execution(grantee)

    def search_training_instances(
        self,
        metric_name: str = "CPUUtilization",
        *,
        statistic: str = cloudwatch.Stats.AVERAGE,
        period: cdk.Duration | None = None,
        label: str | None = None,
    ) -> cloudwatch.SearchExpression:
        """Every instance of this construct's training jobs, one line per ``Host``: for
        dashboards only (a ``SEARCH`` cannot drive an alarm).

        :param metric_name: an instance metric (``CPUUtilization``, ``MemoryUtilization``,
            ``DiskUtilization``) or a name from ``metric_definitions``. Default:
            ``CPUUtilization``.
        :param statistic: Default: ``Average``.
        :param period: Default: 5 minutes.
        :param label: Default: ``<job_name_prefix> <metric_name>``.

        SageMaker publishes job instance metrics with the single dimension ``Host``
        (``<job name>/algo-<n>``), and job names are made per run, so only a search on the
        prefix finds them. Neither an alarm's metric math nor a Metrics Insights query can
        select them: Metrics Insights' ``WHERE`` compares a label with ``=`` or ``!=`` only
        (no prefix match). To alarm on a run, use :meth:`metric_execution_time` and the
        other ``metric_executions_*`` methods, or the per-prefix energy that
        :class:`~green_constructs.monitoring.CarbonMetricsPublisher` publishes.
        """
        return job_instance_metric(
            TRAINING_JOBS_NAMESPACE,
            self.job_name_prefix,
            metric_name,
            statistic=statistic,
            period=_FIVE_MINUTES if period is None else period,
            label=label,
        )

    # -- job request ----------------------------------------------------------------------

    def _train_state(
        self,
        *,
        image_uri: str,
        code: str | None,
        entry_point: str,
        hyperparameters: Mapping[str, Any],
        environment: Mapping[str, str],
        max_runtime: cdk.Duration,
        max_wait: cdk.Duration | None,
        volume_size_gb: int,
        network: Mapping[str, Any] | None,
        network_isolation: bool,
        metric_definitions: Mapping[str, str],
        timeout: cdk.Duration,
    ) -> dict[str, Any]:
        """The ``createTrainingJob.sync`` task: SageMaker's CreateTrainingJob request."""
        stopping: dict[str, Any] = {"MaxRuntimeInSeconds": int(max_runtime.to_seconds())}
        if max_wait is not None:
            stopping["MaxWaitTimeInSeconds"] = int(max_wait.to_seconds())
        parameters: dict[str, Any] = {
            "TrainingJobName.$": "$.job.name",
            "RoleArn": self.role.role_arn,
            "AlgorithmSpecification": {
                "TrainingImage": image_uri,
                "TrainingInputMode": "File",
                **(
                    {
                        "MetricDefinitions": [
                            {"Name": name, "Regex": regex}
                            for name, regex in metric_definitions.items()
                        ]
                    }
                    if metric_definitions
                    else {}
                ),
            },
            "HyperParameters": self._hyperparameters(hyperparameters, code, entry_point),
            "Environment": {
                **self.settings.environment(),
                "NEURON_COMPILE_CACHE_URL": NEURON_CACHE_DIR,
                **environment,
            },
            "InputDataConfig": [
                _channel(name, self.dataset.s3_uri(prefix))
                for name, prefix in self.channels.items()
            ]
            + ([_channel(CODE_CHANNEL, code)] if code is not None else []),
            "OutputDataConfig": {
                "S3OutputPath": f"s3://{self.model_bucket.bucket_name}/{_MODEL_PREFIX}",
                "KmsKeyId": self.encryption_key.key_arn,
            },
            "ResourceConfig": {
                "InstanceType": self.instance_type,
                "InstanceCount": self.instance_count,
                "VolumeSizeInGB": volume_size_gb,
            },
            "StoppingCondition": stopping,
            "EnableManagedSpotTraining": max_wait is not None,
            "CheckpointConfig": {
                "S3Uri.$": "$.job.checkpoints",
                "LocalPath": CHECKPOINT_LOCAL_PATH,
            },
            "EnableInterContainerTrafficEncryption": True,
            "EnableNetworkIsolation": network_isolation,
        }
        if network is not None:
            parameters["VpcConfig"] = network
        return {
            "Type": "Task",
            "Comment": "Train on Trainium until the job ends (SageMaker createTrainingJob.sync)",
            "Resource": f"arn:{cdk.Aws.PARTITION}:states:::sagemaker:createTrainingJob.sync",
            "Parameters": parameters,
            # The whole DescribeTrainingJob response: a ResultSelector naming a field a stopped
            # job may lack (BillableTimeInSeconds is optional) would fail on the path (moto:
            # States.Runtime, which no Catch takes) before Completed? sees the status. Trained
            # keeps what success needs.
            "ResultPath": "$.training",
            "TimeoutSeconds": int(timeout.to_seconds()),
        }

    def _hyperparameters(
        self, given: Mapping[str, Any], code: str | None, entry_point: str
    ) -> dict[str, str]:
        found = {name: _text(value) for name, value in given.items()}
        found.update(self.settings.hyperparameters())
        if code is not None:
            found["sagemaker_program"] = entry_point
            found["sagemaker_submit_directory"] = (
                f"/opt/ml/input/data/{CODE_CHANNEL}/{self._source.s3_object_key}"
            )
        return found

    def _ship_source(self, source_dir: str, entry_point: str) -> str:
        """Upload the script directory; the role reads that one object (no bucket wildcard)."""
        self._source = source_asset(self, "Source", source_dir=source_dir, entry_point=entry_point)
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[self._source.bucket.arn_for_objects(self._source.s3_object_key)],
            )
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[self._source.bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [self._source.s3_object_key]}},
            )
        )
        return self._source.s3_object_url

    def _network(
        self,
        vpc: ec2.IVpc | None,
        vpc_subnets: ec2.SubnetSelection | None,
        security_groups: Sequence[ec2.ISecurityGroup] | None,
    ) -> dict[str, Any] | None:
        self._connections: ec2.Connections | None = None
        if vpc is None:
            if vpc_subnets is not None or security_groups is not None:
                raise ValueError("vpc: required with vpc_subnets or security_groups")
            return None
        if not security_groups:
            group = ec2.SecurityGroup(
                self,
                "SecurityGroup",
                vpc=vpc,
                description="Training nodes: all traffic among themselves (EFA), HTTPS out",
                allow_all_outbound=False,
            )
            group.add_ingress_rule(group, ec2.Port.all_traffic(), "Collectives between nodes")
            group.add_egress_rule(group, ec2.Port.all_traffic(), "Collectives between nodes")
            group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "S3, ECR, CloudWatch")
            security_groups = [group]
        self.security_groups = list(security_groups)
        self._connections = ec2.Connections(security_groups=self.security_groups)
        subnets = (
            vpc.select_subnets(**_selection(vpc_subnets)) if vpc_subnets else (vpc.select_subnets())
        )
        self._grant_network_interfaces()
        return {
            "SecurityGroupIds": [g.security_group_id for g in self.security_groups],
            "Subnets": subnets.subnet_ids,
        }

    # -- state machine --------------------------------------------------------------------

    def _state_machine(
        self,
        train: sfn.CustomState,
        *,
        capacity_retries: int,
        capacity_retry_wait: cdk.Duration,
        job_timeout: cdk.Duration,
        log_retention: logs.RetentionDays,
    ) -> sfn.StateMachine:
        prepare = sfn.Pass(
            self,
            "Prepare",
            comment="Start the attempt counter",
            parameters=first_attempt(capacity_retry_wait),
        )
        checkpoints = (
            f"s3://{self.checkpoint_bucket.bucket_name}/{_CHECKPOINT_PREFIX}{self.job_name_prefix}-"
        )
        name_job = sfn.Pass(
            self,
            "NameJob",
            comment="A job name unique per execution and attempt (at most 63 characters); "
            "checkpoints shared by the execution's attempts",
            parameters={
                "name": unique_job_name(self.job_name_prefix),
                "checkpoints": sfn.JsonPath.format(checkpoints + "{}/", execution_hash()),
            },
            result_path="$.job",
        )
        trained = sfn.Pass(
            self,
            "Trained",
            comment="Keep the model and billable time of the completed job",
            parameters={
                "TrainingJobArn": sfn.JsonPath.string_at("$.training.TrainingJobArn"),
                "ModelArtifacts": {
                    "S3ModelArtifacts": sfn.JsonPath.string_at(
                        "$.training.ModelArtifacts.S3ModelArtifacts"
                    )
                },
                "BillableTimeInSeconds": sfn.JsonPath.number_at("$.training.BillableTimeInSeconds"),
            },
            result_path="$.training",
        )
        notify_success = notify(
            self,
            "NotifySuccess",
            topic=self.topic,
            subject="Training job succeeded",
            status="Succeeded",
            details={
                "model": sfn.JsonPath.string_at("$.training.ModelArtifacts.S3ModelArtifacts"),
                "billable_seconds": sfn.JsonPath.number_at("$.training.BillableTimeInSeconds"),
            },
        )
        notify_failure = notify(
            self,
            "NotifyFailure",
            topic=self.topic,
            subject="Training job failed",
            status="Failed",
            details={
                "checkpoints": sfn.JsonPath.string_at("$.job.checkpoints"),
            },
        )
        notify_stopped = notify(
            self,
            "NotifyStopped",
            topic=self.topic,
            subject="Training job stopped",
            status="Stopped",
            details={
                "checkpoints": sfn.JsonPath.string_at("$.job.checkpoints"),
            },
        )
        stopped = sfn.Fail(
            self,
            "Stopped",
            error="TrainingJobStopped",
            cause_path=sfn.JsonPath.format(
                "Training job {} was stopped (StopTrainingJob) before it completed and was not "
                "retried. Its checkpoints are under {}",
                sfn.JsonPath.string_at("$.job.name"),
                sfn.JsonPath.string_at("$.job.checkpoints"),
            ),
        )
        # A Spot job out of wait time and a job stopped by someone both end Stopped; whether
        # .sync fails the task for that is undocumented (module docstring), so both the catch
        # (cause = the job description) and Completed? (task output) lead here.
        ended = retry_failed_jobs(
            self,
            task=train,
            restart=name_job,
            retries=capacity_retries,
            causes=[CAPACITY_FAILURE, SPOT_WAIT_EXCEEDED],
            carry={},
            on_failure=notify_failure.next(sfn.Fail(self, "Failed", error="TrainingJobFailed")),
            stopped=STOPPED_BY_USER,
            on_stopped=notify_stopped.next(stopped),
        )
        succeed: sfn.Pass | sfn.Chain = trained
        if self.model_update is not None:
            self.model_update.add_catch(notify_failure)
            succeed = trained.next(self.model_update.chain)
        train.next(
            fail_unless_completed(
                self,
                status="$.training.TrainingJobStatus",
                description="$.training",
                error="TrainingJobNotCompleted",
                failure=ended,
                completed=succeed,
            )
        )
        succeed.next(notify_success).next(sfn.Succeed(self, "Done"))
        definition = prepare.next(name_job).next(train)
        return logged_state_machine(
            self,
            definition=definition,
            comment="Runs a SageMaker training job on Trainium, on Spot capacity with checkpoints",
            timeout=execution_timeout(job_timeout, capacity_retries, capacity_retry_wait),
            log_retention=log_retention,
        )

    # -- IAM ------------------------------------------------------------------------------

    def _grant_job_access(self) -> None:
        """The training role reads the channels' prefixes, reads and writes checkpoints, writes
        model artifacts, logs and publishes metrics; nothing else."""
        for prefix in dict.fromkeys(self.channels.values()):
            self.dataset.grant_read_prefix(self.role, prefix)
        grant_prefix(self.role, self.checkpoint_bucket, _CHECKPOINT_PREFIX, read=True, write=True)
        grant_prefix(self.role, self.model_bucket, _MODEL_PREFIX, write=True)
        log_groups = cdk.Stack.of(self).format_arn(
            service="logs",
            resource="log-group",
            resource_name=f"{TRAINING_JOBS_NAMESPACE}:*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=[
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                ],
                resources=[log_groups],
            )
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringEquals": {"cloudwatch:namespace": TRAINING_JOBS_NAMESPACE}},
            )
        )
        acknowledge(
            self.role,
            "AwsSolutions-IAM5",
            "Training containers write log streams SageMaker names per job and host in "
            f"{TRAINING_JOBS_NAMESPACE}; ECR's GetAuthorizationToken and CloudWatch's "
            "PutMetricData take no resource (PutMetricData is limited to the training jobs' "
            "namespace by condition).",
            applies_to=[resource_finding(self, log_groups), "Resource::*"],
        )

    def _grant_network_interfaces(self) -> None:
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=[
                    "ec2:CreateNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DeleteNetworkInterfacePermission",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcs",
                ],
                resources=["*"],
            )
        )

    def _grant_run_jobs(self) -> None:
        """What ``createTrainingJob.sync`` needs: create, describe and stop this construct's
        jobs, pass the training role (to SageMaker only), and the completion-event rule."""
        stack = cdk.Stack.of(self)
        role = self.state_machine.role
        jobs = stack.format_arn(
            service="sagemaker",
            resource="training-job",
            resource_name=f"{_lower(self.job_name_prefix)}-*",
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=[
                    "sagemaker:CreateTrainingJob",
                    "sagemaker:DescribeTrainingJob",
                    "sagemaker:StopTrainingJob",
                ],
                resources=[jobs],
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["sagemaker:ListTags"], resources=["*"])
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[self.role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                resources=[
                    stack.format_arn(
                        service="events",
                        resource="rule",
                        resource_name="StepFunctionsGetEventsForSageMakerTrainingJobsRule",
                    )
                ],
            )
        )
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "Job names are made per execution at run time, so the .sync integration creates, "
            f"describes and stops training-job/{_lower(self.job_name_prefix)}-* only; "
            "sagemaker:ListTags, X-Ray's PutTraceSegments and CloudWatch Logs' log delivery "
            "actions take no resource.",
            applies_to=[resource_finding(self, jobs), "Resource::*"],
        )


def _channel(name: str, s3_uri: str) -> dict[str, Any]:
    return {
        "ChannelName": name,
        "DataSource": {
            "S3DataSource": {
                "S3DataType": "S3Prefix",
                "S3Uri": s3_uri,
                "S3DataDistributionType": "FullyReplicated",
            }
        },
        "InputMode": "File",
    }


def _text(value: Any) -> str:
    if props.is_token(value) and isinstance(value, float):
        return cdk.Token.as_string(value)  # str() of a number token is not the token
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _selection(selection: ec2.SubnetSelection) -> dict[str, Any]:
    return {
        key: getattr(selection, key)
        for key in (
            "availability_zones",
            "one_per_az",
            "subnet_filters",
            "subnet_group_name",
            "subnets",
            "subnet_type",
        )
        if getattr(selection, key) is not None
    }


def _lower(prefix: str) -> str:
    """SageMaker ARNs name jobs in lower case; a token prefix is kept as it is (noted)."""
    return prefix if props.is_token(prefix) else prefix.lower()


def _refuse_token(name: str, value: object, why: str) -> None:
    if props.is_token(value):
        raise ValueError(
            f"{name} must be a concrete value, not a token: {why} computed from it at synth time"
        )


_CHANNEL_NAME = re.compile(r"[A-Za-z0-9.\-_]{1,64}")
_ENVIRONMENT_KEY = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]{0,511}")
_MAX_ENVIRONMENT = 100
"""SageMaker CreateTrainingJob: at most 100 ``Environment`` entries, keys
``[a-zA-Z_][a-zA-Z0-9_]*`` of at most 512 characters (API reference, ``Environment``)."""


def _check_kinds(
    *,
    source_dir: object,
    entry_point: object,
    distributed: object,
    image: object,
    dataset: object,
    managed_spot: object,
    model_bucket: object,
    encryption_key: object,
    vpc: object,
    vpc_subnets: object,
    security_groups: object,
    network_isolation: object,
    log_retention: object,
    serve_on: object,
) -> None:
    """``TypeError`` naming the prop for a value of the wrong kind; ``entry_point`` must be a
    relative path inside ``source_dir``."""
    if source_dir is not None:
        if not isinstance(source_dir, (str, os.PathLike)) or not str(source_dir):
            raise TypeError(f"source_dir must be a path of a local directory, got {source_dir!r}")
        _refuse_token("source_dir", source_dir, "the shipped script archive is")
    _check_entry_point(entry_point, ships_source=source_dir is not None)
    for name, value, kind, allowed in (
        ("distributed", distributed, DistributedConfig, "a DistributedConfig"),
        ("image", image, TrainingImage, "a TrainingImage (TrainingImage.neuron_dlc(), ...)"),
        ("dataset", dataset, DatasetBucket, "a DatasetBucket"),
        ("model_bucket", model_bucket, SustainableBucket, "a SustainableBucket"),
        ("vpc_subnets", vpc_subnets, ec2.SubnetSelection, "an ec2.SubnetSelection"),
        ("log_retention", log_retention, logs.RetentionDays, "a logs.RetentionDays"),
    ):
        if value is not None:
            props.instance(name, value, kind, allowed)
    for name, flag in (("managed_spot", managed_spot), ("network_isolation", network_isolation)):
        props.instance(name, flag, bool, "True or False")
    for name, value, member, allowed in (
        ("encryption_key", encryption_key, "key_arn", "a kms.IKey"),
        ("vpc", vpc, "vpc_id", "an ec2.IVpc"),
        ("serve_on", serve_on, "cfn_endpoint", "an AsyncInferenceEndpoint or RealtimeEndpoint"),
    ):
        if value is not None and not hasattr(value, member):
            raise TypeError(f"{name} must be {allowed}, got {value!r}")
    if security_groups is not None and (
        isinstance(security_groups, (str, bytes))
        or not isinstance(security_groups, Sequence)
        or not all(hasattr(group, "security_group_id") for group in security_groups)
    ):
        raise TypeError(
            f"security_groups must be a list of ec2.ISecurityGroup, got {security_groups!r}"
        )


def _check_entry_point(entry_point: object, *, ships_source: bool) -> None:
    allowed = (
        "a relative path of a script inside source_dir (no absolute path, no '..'), e.g. 'train.py'"
    )
    if not isinstance(entry_point, str):
        raise TypeError(f"entry_point must be {allowed}, got {entry_point!r}")
    if ships_source:
        _refuse_token("entry_point", entry_point, "the script is looked up in source_dir and")
    if props.is_token(entry_point):
        return
    path = PurePosixPath(entry_point.replace("\\", "/"))
    if (
        not entry_point
        or path.is_absolute()
        or PureWindowsPath(entry_point).is_absolute()
        or ".." in path.parts
    ):
        raise ValueError(f"entry_point must be {allowed}, got {entry_point!r}")


def _check_instance_type(instance_type: str) -> None:
    allowed = f"one of {', '.join(TRAINING_INSTANCE_TYPES)}"
    if not isinstance(instance_type, str):
        raise TypeError(f"instance_type must be {allowed}, got {instance_type!r}")
    _refuse_token("instance_type", instance_type, "the NeuronCores per node (distributed) are")
    if instance_type not in TRAINING_INSTANCE_TYPES:
        family = Catalog.default().find_family(instance_type)
        what = f"a {family.kind} instance" if family is not None else "not a known instance type"
        raise ValueError(
            f"instance_type: {instance_type} is {what}; TrainiumTrainingJob trains on Trainium "
            f"(allowed: {', '.join(TRAINING_INSTANCE_TYPES)})"
        )


def _check_hyperparameters(
    scope: Construct, given: object, settings: DistributedSettings, ships_source: bool
) -> Mapping[str, Any]:
    """``given`` if it maps names to strings, numbers or booleans (values may be tokens)."""
    if not isinstance(given, Mapping) or not all(
        isinstance(key, str)
        and key
        and isinstance(value, (str, int, float))
        and not (
            isinstance(value, float) and not props.is_token(value) and not math.isfinite(value)
        )
        for key, value in given.items()
    ):
        raise TypeError(
            "hyperparameters must be a dict of names to strings, numbers or booleans, "
            f"got {given!r}"
        )
    for key, value in given.items():
        if props.is_token(value):
            props.note_token(scope, f"hyperparameters[{key!r}]", "a hyperparameter value")
    derived = set(settings.hyperparameters())
    shipped = {"sagemaker_program", "sagemaker_submit_directory"} if ships_source else set()
    clashes = sorted((derived | shipped) & set(given))
    if clashes:
        raise ValueError(
            f"hyperparameters: {', '.join(clashes)} would be overwritten by the values the "
            "construct derives; set parallelism, microbatches and gradient accumulation with "
            "distributed=DistributedConfig(...), nodes with instance_type and instance_count, "
            "and the script with source_dir and entry_point"
        )
    return given


def _check_environment(scope: Construct, given: object) -> dict[str, str]:
    environment = props.string_map(
        "environment", dict(given) if isinstance(given, Mapping) else given
    )
    if len(environment) > _MAX_ENVIRONMENT:
        raise ValueError(
            f"environment must have at most {_MAX_ENVIRONMENT} entries (SageMaker's limit), "
            f"got {len(environment)}"
        )
    for key, value in environment.items():
        if not _ENVIRONMENT_KEY.fullmatch(key):
            raise ValueError(
                f"environment: keys must be letters, digits and underscores, not starting with "
                f"a digit (at most 512 characters), got {key!r}"
            )
        if props.is_token(value):
            props.note_token(scope, f"environment[{key!r}]", "an environment value")
    return environment


def _check_metric_definitions(scope: Construct, given: object) -> dict[str, str]:
    definitions = props.string_map(
        "metric_definitions", dict(given) if isinstance(given, Mapping) else given
    )
    for name, regex in definitions.items():
        props.text(
            scope,
            f"metric_definitions[{name!r}]",
            regex,
            allowed="a regular expression of 1 to 500 characters",
            max_length=500,
        )
    return definitions


def _check_job_name_prefix(scope: Construct, prefix: object) -> str:
    allowed = (
        f"1 to {MAX_JOB_NAME_PREFIX} letters, digits and hyphens, starting and ending with a "
        "letter or digit"
    )
    if not isinstance(prefix, str):
        raise TypeError(f"job_name_prefix must be {allowed}, got {prefix!r}")
    if props.is_token(prefix):
        props.note_token(scope, "job_name_prefix", f"{allowed}, in lower case")
        return prefix
    check_job_name_prefix(prefix)
    return prefix


def _check_stopping(
    max_runtime: object, managed_spot: bool, max_wait: object
) -> cdk.Duration | None:
    """The Spot wait (None without Spot); fails naming ``max_runtime`` or ``max_wait``. Both
    must be concrete: the Spot wait default, the task timeout and the state machine's timeout
    are computed from them."""
    max_runtime = _concrete_duration("max_runtime", max_runtime)
    runtime = max_runtime.to_seconds()
    if not 60 <= runtime <= 28 * 24 * 3600:
        raise ValueError(
            f"max_runtime must be between 1 minute and 28 days, got {max_runtime.to_human_string()}"
        )
    if not managed_spot:
        if max_wait is not None:
            raise ValueError("max_wait: only applies with managed_spot=True")
        return None
    wait = (
        cdk.Duration.seconds(2 * runtime)
        if max_wait is None
        else _concrete_duration("max_wait", max_wait)
    )
    if wait.to_seconds() <= runtime:
        raise ValueError(
            f"max_wait ({wait.to_human_string()}) must be longer than max_runtime "
            f"({max_runtime.to_human_string()}): it is the runtime plus the time allowed to "
            "wait for Spot capacity"
        )
    return wait


def _concrete_duration(name: str, value: object) -> cdk.Duration:
    allowed = "a cdk.Duration of whole seconds"
    if not isinstance(value, cdk.Duration):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    _refuse_token(name, value, "the Spot wait and the state machine's timeout are")
    if value.to_milliseconds() % 1000:
        raise ValueError(f"{name} must be {allowed}, got {value.to_human_string()}")
    return value


def _check_channels(scope: Construct, channels: object) -> Mapping[str, str]:
    allowed = "a dict of channel names to key prefixes ending with '/' (e.g. {'train': 'train/'})"
    if not isinstance(channels, Mapping) or not all(
        isinstance(name, str) and isinstance(prefix, str) for name, prefix in channels.items()
    ):
        raise TypeError(f"channels must be {allowed}, got {channels!r}")
    if not channels:
        raise ValueError("channels: at least one input channel is required")
    for name, prefix in channels.items():
        if name == CODE_CHANNEL:
            raise ValueError(f"channels: {CODE_CHANNEL!r} is reserved for the training script")
        if not _CHANNEL_NAME.fullmatch(name):
            raise ValueError(
                f"channels: names must be 1 to 64 letters, digits, '.', '-' or '_', got {name!r}"
            )
        if props.is_token(prefix):
            props.note_token(scope, f"channels[{name!r}]", "a key prefix ending with '/'")
        elif prefix and not prefix.endswith("/"):
            raise ValueError(
                f"channels: the prefix of {name!r} must be a key prefix ending with '/', "
                f"got {prefix!r}"
            )
    return channels
