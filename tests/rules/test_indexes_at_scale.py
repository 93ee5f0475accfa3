"""Indexes that replaced pairwise scans give the scans' answers, and read what they read.

Each test builds a seeded template with many resources of both sides (endpoints and alarms,
repositories and associations...) mixing every way one names the other, and compares the rule
with the scan it replaced, kept here as the reference.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from green_constructs.rules import TemplateContext, get_rule
from green_constructs.rules.genai._endpoints import (
    ALARM,
    endpoint_config,
    only_on_demand_serverless,
    watches_endpoint,
)
from green_constructs.rules.intrinsics import is_intrinsic, references
from green_constructs.rules.model import Resource
from green_constructs.rules.sustainability._rds import CLUSTER, db_cluster

SEEDS = range(6)
PARAMETERS = {"Free": {"Type": "String"}, "Named": {"Type": "String", "Default": "ep-3"}}


def _context(resources: dict[str, Any]) -> TemplateContext:
    """A context that tracks reads (a parameter without default makes it)."""
    return TemplateContext({"Parameters": PARAMETERS, "Resources": resources}, name="t")


def _endpoint_value(rng: random.Random, endpoints: int, *, wildcard: bool = False) -> Any:
    """A value naming an endpoint some way; with ``wildcard``, one that may name any."""
    if wildcard:
        return rng.choice([{"Ref": "Free"}, {"Fn::ImportValue": "shared-endpoint"}, None, 7])
    i = rng.randrange(endpoints)
    return rng.choice(
        [
            f"ep-{i}",
            f"other-{i}",
            {"Fn::GetAtt": [f"Endpoint{i}", "EndpointName"]},
            {"Fn::GetAtt": f"Endpoint{i}.EndpointName"},
            {"Fn::Sub": f"${{Endpoint{i}.EndpointName}}"},
            {"Ref": f"Endpoint{i}"},  # its ARN: names no endpoint
            {"Fn::GetAtt": [f"Config{i}", "EndpointConfigName"]},
        ]
    )


def _monitored(seed: int, endpoints: int = 60, alarms: int = 40) -> dict[str, Any]:
    rng = random.Random(seed)
    resources: dict[str, Any] = {}
    for i in range(endpoints):
        name = rng.choice([f"ep-{i}", {"Ref": "Free"}, {"Ref": "Named"}, None, "${Token[X]}"])
        properties: dict[str, Any] = {"EndpointConfigName": {"Ref": f"Config{i}"}}
        if name is not None:
            properties["EndpointName"] = name
        resources[f"Config{i}"] = {
            "Type": "AWS::SageMaker::EndpointConfig",
            "Properties": {"ProductionVariants": [{"InstanceType": "ml.g5.xlarge"}]},
        }
        resources[f"Endpoint{i}"] = {"Type": "AWS::SageMaker::Endpoint", "Properties": properties}
    for i in range(alarms):
        monitor = rng.random() < 0.2
        namespace = "aws/sagemaker/Endpoints/data-metrics" if monitor else "AWS/SageMaker"
        dimension = rng.choice(["Endpoint" if monitor else "EndpointName", "VariantName"])
        metric = {
            "Namespace": namespace,
            "MetricName": "Invocations",
            "Dimensions": [
                {
                    "Name": dimension,
                    "Value": _endpoint_value(rng, endpoints, wildcard=seed % 2 and i == alarms - 1),
                }
                for _ in range(rng.randrange(0, 3))
            ],
        }
        if rng.random() < 0.3:
            properties = {"Metrics": [{"Id": "m", "MetricStat": {"Metric": metric}}]}
        else:
            properties = metric
        resources[f"Alarm{i}"] = {"Type": ALARM, "Properties": properties}
    return resources


def _scan_monitoring(resource: Resource, template: TemplateContext) -> bool:
    """Whether the rule flags ``resource``, as the pairwise scan decided it."""
    config = endpoint_config(resource, template)
    if config is not None and only_on_demand_serverless(config):
        return False
    return not any(watches_endpoint(a, resource, template) for a in template.of_type(ALARM))


@pytest.mark.parametrize("seed", SEEDS)
def test_endpoint_monitoring_index_matches_the_scan(seed: int) -> None:
    resources = _monitored(seed)
    check = get_rule("GenAI-EndpointMonitoring").check
    indexed, scanned = _context(resources), _context(resources)
    endpoints = indexed.of_type("AWS::SageMaker::Endpoint")
    flagged = [e.logical_id for e in endpoints if check(e, indexed) is not None]
    expected = [
        e.logical_id
        for e in scanned.of_type("AWS::SageMaker::Endpoint")
        if _scan_monitoring(e, scanned)
    ]
    assert flagged == expected
    assert 0 < len(flagged) < len(endpoints) or seed % 2
    reads = {e.logical_id: e.read for e in endpoints}
    assert reads == {e.logical_id: e.read for e in scanned.of_type("AWS::SageMaker::Endpoint")}


def _repositories(seed: int, count: int = 50) -> dict[str, Any]:
    rng = random.Random(seed)
    resources: dict[str, Any] = {}
    for i in range(count):
        name = rng.choice([f"repo-{i}", {"Ref": "Free"}, None, ["odd"]])
        resources[f"Repo{i}"] = {
            "Type": "AWS::CodeCommit::Repository",
            "Properties": {} if name is None else {"RepositoryName": name},
        }
    for i in range(count // 2):
        j = rng.randrange(count)
        name = rng.choice(
            [
                f"repo-{j}",
                {"Fn::GetAtt": [f"Repo{j}", "Name"]},
                {"Ref": "Free"},
                {"Fn::ImportValue": "repo"},
                ["odd"],
                None,
            ]
        )
        properties = {"Type": rng.choice(["CodeCommit", "Bitbucket", {"Ref": "Free"}])}
        if name is not None:
            properties["Name"] = name
        resources[f"Association{i}"] = {
            "Type": "AWS::CodeGuruReviewer::RepositoryAssociation",
            "Properties": properties,
        }
    return resources


def _covers(association: Resource, repository: Resource, template: TemplateContext) -> bool:
    kind = association.get("Type")
    if isinstance(kind, str) and kind != "CodeCommit":
        return False
    name = association.get("Name")
    if is_intrinsic(name):
        target = template.target(name)
        return target is None or target is repository
    repository_name = repository.get("RepositoryName")
    return is_intrinsic(repository_name) or name == repository_name


@pytest.mark.parametrize("seed", SEEDS)
def test_codeguru_index_matches_the_scan(seed: int) -> None:
    resources = _repositories(seed)
    check = get_rule("Sustainability-CodeGuruReviewer").check
    indexed, scanned = _context(resources), _context(resources)
    kind = "AWS::CodeCommit::Repository"
    association = "AWS::CodeGuruReviewer::RepositoryAssociation"
    flagged = [r.logical_id for r in indexed.of_type(kind) if check(r, indexed) is not None]
    expected = [
        r.logical_id
        for r in scanned.of_type(kind)
        if not any(_covers(a, r, scanned) for a in scanned.of_type(association))
    ]
    assert flagged == expected
    assert {r.logical_id: r.read for r in indexed.of_type(kind)} == {
        r.logical_id: r.read for r in scanned.of_type(kind)
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_db_cluster_index_matches_the_scan(seed: int) -> None:
    rng = random.Random(seed)
    resources: dict[str, Any] = {}
    for i in range(30):
        identifier = rng.choice([f"Cluster-{i % 10}", f"cluster-{i % 10}", {"Ref": "Free"}, None])
        resources[f"Cluster{i}"] = {
            "Type": CLUSTER,
            "Properties": {} if identifier is None else {"DBClusterIdentifier": identifier},
        }
        resources[f"Instance{i}"] = {
            "Type": "AWS::RDS::DBInstance",
            "Properties": {"DBClusterIdentifier": rng.choice([f"CLUSTER-{i % 12}", "None"])},
        }
    template = _context(resources)

    def scan(instance: Resource) -> Resource | None:
        identifier = instance.get("DBClusterIdentifier")
        return next(
            (
                c
                for c in template.of_type(CLUSTER)
                if str(c.get("DBClusterIdentifier", "")).lower() == identifier.lower()
            ),
            None,
        )

    instances = template.of_type("AWS::RDS::DBInstance")
    assert [db_cluster(i, template) for i in instances] == [scan(i) for i in instances]
    assert any(db_cluster(i, template) for i in instances)


def _async(seed: int, endpoints: int = 30) -> dict[str, Any]:
    rng = random.Random(seed)
    resources: dict[str, Any] = {}
    for i in range(endpoints):
        resources[f"Config{i}"] = {
            "Type": "AWS::SageMaker::EndpointConfig",
            "Properties": {
                "ProductionVariants": [
                    {"VariantName": "AllTraffic", "InstanceType": "ml.g5.xlarge"}
                ],
                "AsyncInferenceConfig": {"OutputConfig": {"S3OutputPath": "s3://b/o"}},
            },
        }
        resources[f"Endpoint{i}"] = {
            "Type": "AWS::SageMaker::Endpoint",
            "Properties": {"EndpointConfigName": {"Ref": f"Config{i}"}, "EndpointName": f"ep-{i}"},
        }
        resource_id = f"endpoint/ep-{i}/variant/AllTraffic"
        resources[f"Target{i}"] = {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "Properties": {
                "ServiceNamespace": "sagemaker",
                "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
                "ResourceId": resource_id,
                "MinCapacity": 0,
                "MaxCapacity": 2,
            },
        }
        j = i if rng.random() < 0.6 else rng.randrange(endpoints)
        policy: dict[str, Any] = {
            "PolicyType": rng.choice(["StepScaling"] * 3 + ["TargetTracking"])
        }
        if rng.random() < 0.5:
            policy["ScalingTargetId"] = {"Ref": f"Target{j}"}
        else:
            policy |= {
                "ResourceId": rng.choice([f"endpoint/ep-{j}/variant/AllTraffic", {"Ref": "Free"}]),
                "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
                "ServiceNamespace": "sagemaker",
            }
        resources[f"Policy{i}"] = {
            "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
            "Properties": policy,
        }
        resources[f"WakeUp{i}"] = {
            "Type": ALARM,
            "Properties": {
                "Namespace": "AWS/SageMaker",
                "MetricName": rng.choice(["HasBacklogWithoutCapacity"] * 3 + ["Invocations"]),
                "Dimensions": [
                    {
                        "Name": "EndpointName",
                        "Value": rng.choice(
                            [
                                f"ep-{j}",
                                {"Fn::GetAtt": [f"Endpoint{j}", "EndpointName"]},
                                _endpoint_value(rng, endpoints, wildcard=rng.random() < 0.05),
                            ]
                        ),
                    }
                ],
                "AlarmActions": [{"Ref": f"Policy{i if rng.random() < 0.8 else j}"}],
            },
        }
    return resources


def _scales(policy: Resource, target: Resource) -> bool:
    if target.logical_id in references(policy.get("ScalingTargetId")):
        return True
    return policy.get("ResourceId") is not None and all(
        policy.get(key) == target.get(key)
        for key in ("ResourceId", "ScalableDimension", "ServiceNamespace")
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_wake_up_index_matches_the_scan(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from green_constructs.rules.genai import async_scale_to_zero as module

    resources = _async(seed)
    check = get_rule("GenAI-AsyncScaleToZero").check
    indexed = _context(resources)
    endpoints = indexed.of_type("AWS::SageMaker::Endpoint")
    found = [check(e, indexed) for e in endpoints]

    def scan(target: Resource, endpoint: Resource, template: TemplateContext) -> bool:
        pairs = module._wake_up_policies(template)
        return any(_scales(p, target) and watches_endpoint(a, endpoint, template) for p, a in pairs)

    monkeypatch.setattr(module, "_wakes_up", scan)
    scanned = _context(resources)
    assert found == [check(e, scanned) for e in scanned.of_type("AWS::SageMaker::Endpoint")]
    assert any(found) and not all(found)


@pytest.mark.parametrize("seed", SEEDS)
def test_component_variants_index_matches_the_scan(seed: int) -> None:
    from green_constructs.rules.genai._compute import component_variant, variant_label
    from green_constructs.rules.genai.inference_accelerator import _component_variants

    rng = random.Random(seed)
    resources: dict[str, Any] = {}
    for i in range(20):
        variants = [
            {"VariantName": f"V{k}", "InstanceType": "ml.g5.xlarge"}
            | ({} if k else {"ModelName": "m"})
            for k in range(3)
        ]
        resources[f"Config{i}"] = {
            "Type": "AWS::SageMaker::EndpointConfig",
            "Properties": {"ProductionVariants": variants},
        }
        resources[f"Endpoint{i}"] = {
            "Type": "AWS::SageMaker::Endpoint",
            "Properties": {"EndpointConfigName": {"Ref": f"Config{i}"}},
        }
    for c in range(40):
        resources[f"Component{c}"] = {
            "Type": "AWS::SageMaker::InferenceComponent",
            "Properties": {
                "EndpointName": {"Fn::GetAtt": [f"Endpoint{rng.randrange(20)}", "EndpointName"]},
                "VariantName": f"V{rng.randrange(4)}",
            },
        }
    template = _context(resources)

    def scan(config: Resource) -> set[str]:
        hosted = set()
        for component in template.of_type("AWS::SageMaker::InferenceComponent"):
            found = component_variant(component, template)
            if found and found[0] is config and not found[1].get("ModelName"):
                hosted.add(variant_label(found[1]))
        return hosted

    configs = template.of_type("AWS::SageMaker::EndpointConfig")
    assert [_component_variants(c, template) for c in configs] == [scan(c) for c in configs]
    assert any(_component_variants(c, template) for c in configs)
