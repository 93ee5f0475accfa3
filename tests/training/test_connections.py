"""Constructs that run in a VPC are ``ec2.IConnectable``: ``connections`` opens traffic to and
from their security groups."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Match, Template

from green_constructs.training import TrainiumCluster, TrainiumTrainingJob

ENV = cdk.Environment(account="111111111111", region="us-west-2")


@pytest.fixture(scope="module")
def template_and_constructs(tmp_path_factory):
    source = tmp_path_factory.mktemp("source")
    (source / "train.py").write_text("print('training')\n")
    stack = cdk.Stack(cdk.App(), "Network", env=ENV)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
    database = ec2.SecurityGroup(stack, "Database", vpc=vpc, description="database")
    job = TrainiumTrainingJob(stack, "Finetune", source_dir=str(source), vpc=vpc)
    job.connections.allow_to(database, ec2.Port.tcp(5432), "training reads the database")
    cluster = TrainiumCluster(stack, "Cluster", vpc=vpc)
    cluster.connections.allow_from(database, ec2.Port.tcp(8080), "database calls the nodes")
    plain = TrainiumTrainingJob(stack, "NoVpc", source_dir=str(source))
    return Template.from_stack(stack), stack, job, cluster, plain, database


def _id(stack: cdk.Stack, group: ec2.ISecurityGroup) -> str:
    return stack.get_logical_id(group.node.default_child)


def test_training_job_connections_allow_to(template_and_constructs) -> None:
    template, stack, job, _, _, database = template_and_constructs
    assert isinstance(job.connections, ec2.Connections)
    assert job.connections.security_groups[0] is job.security_groups[0]
    template.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress",
        {
            "GroupId": {"Fn::GetAtt": [_id(stack, job.security_groups[0]), "GroupId"]},
            "DestinationSecurityGroupId": {"Fn::GetAtt": [_id(stack, database), "GroupId"]},
            "FromPort": 5432,
            "ToPort": 5432,
        },
    )
    template.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {
            "GroupId": {"Fn::GetAtt": [_id(stack, database), "GroupId"]},
            "SourceSecurityGroupId": {
                "Fn::GetAtt": [_id(stack, job.security_groups[0]), "GroupId"]
            },
            "FromPort": 5432,
        },
    )


def test_cluster_connections_allow_from(template_and_constructs) -> None:
    template, stack, _, cluster, _, database = template_and_constructs
    template.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {
            "GroupId": {"Fn::GetAtt": [_id(stack, cluster.security_group), "GroupId"]},
            "SourceSecurityGroupId": {"Fn::GetAtt": [_id(stack, database), "GroupId"]},
            "FromPort": 8080,
            "Description": Match.string_like_regexp("database calls the nodes"),
        },
    )


def test_a_job_without_vpc_has_no_connections(template_and_constructs) -> None:
    *_, plain, _ = template_and_constructs
    with pytest.raises(ValueError, match="only a training job in a VPC has security groups"):
        _ = plain.connections
