"""Bedrock knowledge bases whose vector store keeps compute running between queries."""

from __future__ import annotations

from typing import Any

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._vector_stores import COLLECTION, never_idles

KNOWLEDGE_BASE = "AWS::Bedrock::KnowledgeBase"
DB_CLUSTER = "AWS::RDS::DBCluster"


@rule(
    id="GenAI-KnowledgeBaseVectorStore",
    severity=Severity.INFO,
    title="Knowledge base on a vector store that never idles",
    explanation=(
        "RAG stores are often queried in bursts. An OpenSearch Serverless classic collection, "
        "an OpenSearch Service domain, a Neptune Analytics graph or an Aurora cluster that "
        "cannot pause keeps compute running between queries; S3 Vectors stores and queries "
        "vectors with no compute provisioned, billed per use."
    ),
    remediation=(
        "Where its query latency and features fit, store the knowledge base's vectors in S3 "
        "Vectors (StorageConfiguration Type S3_VECTORS with an AWS::S3Vectors::VectorBucket and "
        "Index; aws_cdk.aws_s3vectors in CDK). Otherwise let the store idle: an OpenSearch "
        "Serverless NEXTGEN collection group with minimum OCUs 0, or Aurora Serverless v2 with "
        "MinCapacity 0 (auto-pause)."
    ),
    best_practices=("MLSUS-04", "MLSUS-06", "SUS02-BP01", "SUS04-BP02"),
    resource_types=(KNOWLEDGE_BASE,),
    notes=(
        "Reads StorageConfiguration (cfn-lint's AWS::Bedrock::KnowledgeBase schema). "
        "OPENSEARCH_SERVERLESS is reported when its collection is in the template and does "
        "not scale to zero (OpenSearch Service developer guide: serverless-scaling, "
        "serverless-scale-to-zero); RDS when its AWS::RDS::DBCluster is in the template "
        "without ServerlessV2ScalingConfiguration.MinCapacity 0 (0 enables auto-pause, per the "
        "AWS::RDS::DBCluster schema); OPENSEARCH_MANAGED_CLUSTER (provisioned data nodes) and "
        "NEPTUNE_ANALYTICS (ProvisionedMemory, running until stopped) always. S3_VECTORS, "
        "PINECONE and MONGO_DB_ATLAS are not reported. Informational: a latency-critical or "
        "hybrid-search workload may need the provisioned store; acknowledge with the reason."
    ),
)
def knowledge_base_vector_store(resource: Resource, template: TemplateContext) -> str | None:
    storage = resource.get("StorageConfiguration")
    if not isinstance(storage, dict):
        return None
    store = _never_idles(storage, template)
    if store is None:
        return None
    return (
        f"Knowledge base {resource.logical_id} keeps its vectors in {store}, which keeps "
        "compute running between queries: consider S3 Vectors (S3_VECTORS), billed per use."
    )


def _never_idles(storage: dict[str, Any], template: TemplateContext) -> str | None:
    """The vector store, described, when it keeps compute running while idle."""
    kind = storage.get("Type")
    if kind == "OPENSEARCH_MANAGED_CLUSTER":
        return "an OpenSearch Service domain"
    if kind == "NEPTUNE_ANALYTICS":
        return "a Neptune Analytics graph"
    if kind == "OPENSEARCH_SERVERLESS":
        collection = _store(storage, "OpensearchServerlessConfiguration", "CollectionArn", template)
        if collection is None or collection.type != COLLECTION:
            return None
        if never_idles(collection, template) is not True:
            return None
        return f"OpenSearch Serverless collection {collection.logical_id}"
    if kind == "RDS":
        cluster = _store(storage, "RdsConfiguration", "ResourceArn", template)
        if cluster is None or cluster.type != DB_CLUSTER:
            return None
        path = "ServerlessV2ScalingConfiguration.MinCapacity"
        minimum = cluster.get(path)
        serverless_v1 = cluster.get("EngineMode") == "serverless"
        if serverless_v1 or cluster.unknown(path) or _number(minimum) == 0:
            return None
        if minimum is None:
            return f"provisioned Aurora cluster {cluster.logical_id}"
        return f"Aurora Serverless v2 cluster {cluster.logical_id} (MinCapacity {minimum})"
    return None


def _store(
    storage: dict[str, Any], config: str, key: str, template: TemplateContext
) -> Resource | None:
    """The in-template resource ``StorageConfiguration.<config>.<key>`` refers to."""
    settings = storage.get(config)
    return template.target(settings.get(key)) if isinstance(settings, dict) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
