#!/usr/bin/env python3
"""Pre-training on a SageMaker HyperPod cluster of two Trainium nodes, sharing FSx for Lustre.

The corpus lives in a dataset bucket with a lifecycle; FSx imports it under /fsx/datasets, and
checkpoints go to /fsx. Slurm schedules the jobs (see README.md). An alarm shows when the
NeuronCores sit idle, so the nodes can be released instead of left running.
"""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_fsx as fsx  # noqa: E402
from constructs import Construct  # noqa: E402

from green_constructs.environment import DEFAULT_ACCOUNT, environment_from_context  # noqa: E402
from green_constructs.monitoring import SustainabilityMonitor  # noqa: E402
from green_constructs.nag import enable_sustainability_checks  # noqa: E402
from green_constructs.storage import DatasetBucket  # noqa: E402
from green_constructs.training import (  # noqa: E402
    LustreStorage,
    TrainiumCluster,
    TrainiumWorkerGroup,
)

REGION = "us-west-2"


class PretrainOnHyperPodStack(cdk.Stack):
    """Two ml.trn1.32xlarge workers, a Slurm controller, shared Lustre and the corpus bucket."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        corpus = DatasetBucket(self, "Corpus", transition_after=cdk.Duration.days(60))
        cluster = TrainiumCluster(
            self,
            "Cluster",
            worker_groups=[TrainiumWorkerGroup(name="trn1", instance_count=2)],
            shared_storage=LustreStorage(deployment_type=fsx.LustreDeploymentType.PERSISTENT_2),
            dataset_bucket=corpus,
        )
        # Alarms when the NeuronCores sit idle for two hours: release nodes.
        SustainabilityMonitor(self, "Sustainability").monitor_cluster(
            cluster, low_utilization_percent=5, low_utilization_after=cdk.Duration.hours(2)
        )
        cdk.CfnOutput(self, "ClusterName", value=cluster.cluster_name)
        cdk.CfnOutput(self, "CorpusBucket", value=corpus.bucket_name)


def build_app(outdir: str | None = None) -> cdk.App:
    app = cdk.App(outdir=outdir)
    env = environment_from_context(app, default_region=REGION)
    if env.account == DEFAULT_ACCOUNT:
        # without credentials: the Availability Zones a `cdk synth` would look up
        zones = [f"{env.region}{zone}" for zone in "abc"]
        app.node.set_context(f"availability-zones:account={env.account}:region={env.region}", zones)
    PretrainOnHyperPodStack(app, "PretrainOnHyperPod", env=env)
    enable_sustainability_checks(app)
    return app


if __name__ == "__main__":
    build_app().synth()
