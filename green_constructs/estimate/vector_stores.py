"""Standing capacity of vector stores: what a knowledge base keeps running between queries.

An Amazon OpenSearch Serverless collection (classic architecture) keeps OpenSearch Compute
Units (OCUs) up all month whether or not it is queried: at least 0.5 OCU for indexing and 0.5
for search, each doubled across Availability Zones when standby replicas are enabled (the
default), so 2 OCUs, or 1 with ``StandbyReplicas: DISABLED``; one OCU is 1 vCPU and 6 GB of
memory (AWS documentation, "Managing capacity limits for Amazon OpenSearch Serverless" and
"Amazon OpenSearch Serverless pricing", read through public copies 2026-12-05). Collections
that share a KMS key share their OCUs: each collection is counted with its own minimum, an
upper bound. Amazon S3 Vectors has no standing compute (AWS: vectors stored and queried
"without provisioning any infrastructure"): a vector bucket is estimated as storage, from the
workload's ``storage_gb``, like an S3 bucket.
"""

from __future__ import annotations

from ..catalog import InstanceType

COLLECTION = "AWS::OpenSearchServerless::Collection"
VECTOR_BUCKET = "AWS::S3Vectors::VectorBucket"
MINIMUM_OCUS = {"ENABLED": 2.0, "DISABLED": 1.0}
"""Smallest OCU count a collection keeps up, by its ``StandbyReplicas`` (default ENABLED)."""
OCU = InstanceType.cpu_share(
    "opensearch-serverless-ocu",
    vcpu=1,
    memory_gib=6.0,
    source=(
        "AWS documentation: one OpenSearch Compute Unit is 1 vCPU and 6 GB of memory (Managing "
        "capacity limits for Amazon OpenSearch Serverless); CCF AWS-average watts per vCPU"
    ),
)
"""One OpenSearch Compute Unit as the estimator's compute shape."""


def minimum_ocus(standby_replicas: object) -> float:
    """OCUs a collection keeps up at the least for its ``StandbyReplicas`` value (a value
    only the deployment decides counts as the default, ENABLED)."""
    return MINIMUM_OCUS.get(standby_replicas if isinstance(standby_replicas, str) else "", 2.0)
