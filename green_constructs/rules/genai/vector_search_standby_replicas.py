"""Vector search collections whose standby replicas double the compute that never idles."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._vector_stores import COLLECTION, collection_group, never_idles


@rule(
    id="GenAI-VectorSearchStandbyReplicas",
    severity=Severity.INFO,
    title="Vector search collection with standby replicas on always-on capacity",
    explanation=(
        "OpenSearch Serverless enables standby replicas by default: 4 OCUs (two for indexing, "
        "two for search) instead of 2, and on classic collections those OCUs run even when "
        "nothing is indexed or searched. Development and non-critical RAG stores rarely need "
        "a standby in another Availability Zone."
    ),
    remediation=(
        "Set StandbyReplicas: DISABLED on development and non-critical vector collections; or "
        "put the collection in a NEXTGEN collection group with minimum OCUs 0, which scales to "
        "zero when idle; or keep the vectors in S3 Vectors (a Bedrock knowledge base with "
        "StorageConfiguration Type S3_VECTORS), billed per use."
    ),
    best_practices=("MLSUS-04", "SUS02-BP01", "SUS02-BP02"),
    resource_types=(COLLECTION,),
    notes=(
        "Checks collections of Type VECTORSEARCH. StandbyReplicas not set is ENABLED (OpenSearch "
        "Service developer guide, serverless-scaling); a collection in a collection group of "
        "the same template takes the group's setting when it sets none. Collections whose "
        "NEXTGEN group scales to zero are not reported, nor those in a group the template "
        "does not define. Collections with the same KMS key share OCUs, so the cost is per "
        "account, Region and key rather than per collection. AWS Config's "
        "opensearchserverless-collection-standbyreplicas-enabled asks the opposite for "
        "resilience: production collections that need the standby should acknowledge."
    ),
)
def vector_search_standby_replicas(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("Type") != "VECTORSEARCH" or never_idles(resource, template) is not True:
        return None
    group = collection_group(resource, template)
    standby = resource.get("StandbyReplicas")
    how = "StandbyReplicas ENABLED"
    if standby is None:
        standby = group.get("StandbyReplicas") if group is not None else "ENABLED"
        how = f"from collection group {group.logical_id}" if group is not None else "the default"
    if standby != "ENABLED":
        return None
    advice = (
        f"set the minimum OCUs of NEXTGEN group {group.logical_id} to 0 so that it scales to zero"
        if group is not None and group.get("Generation") == "NEXTGEN"
        else "disable them for development and non-critical data"
    )
    return (
        f"Vector search collection {resource.logical_id} runs with standby replicas ({how}) "
        f"on OCUs that never idle: {advice}, or store the vectors in S3 Vectors."
    )
