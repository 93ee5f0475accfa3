"""Vector search collections outside production whose standby replicas double the compute
that never idles.

OCU counts: OpenSearch Service developer guide, "Managing capacity limits for Amazon OpenSearch
Serverless" (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/
serverless-scaling.html, read 2026-12-05): with redundancy (standby replicas, the default) the
first collection starts 4 OCUs, 2 for indexing and 2 for search, and vector collections scale
down to at least 1 OCU for indexing (0.5 x 2) and 1 for search (0.5 x 2): 2 OCUs; without, 2
OCUs at creation (1 + 1) and down to 0.5 + 0.5: 1 OCU. The estimator's standing minimum
(``estimate.vector_stores.MINIMUM_OCUS``) is the same 2 and 1.
"""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..production import CDK_HINT, CONVENTION, is_production
from ..registry import rule
from ._vector_stores import COLLECTION, collection_group, never_idles


@rule(
    id="GenAI-VectorSearchStandbyReplicas",
    severity=Severity.INFO,
    title="Non-production vector search collection with standby replicas on always-on capacity",
    explanation=(
        "OpenSearch Serverless enables standby replicas by default, which doubles the OCUs: a "
        "collection starts on 4 (two for indexing, two for search, across Availability Zones) "
        "instead of 2, and never scales below 2 instead of 1 (0.5 OCU each for indexing and "
        "search, doubled by the standby). On classic collections those OCUs run even when "
        "nothing is indexed or searched. Development, test and other non-production RAG stores "
        "rarely need a standby in another Availability Zone."
    ),
    remediation=(
        "Set StandbyReplicas: DISABLED on development and non-critical vector collections; mark "
        f"production collections as such, with {CONVENTION} ({CDK_HINT}); or "
        "put the collection in a NEXTGEN collection group with minimum OCUs 0, which scales to "
        "zero when idle; or keep the vectors in S3 Vectors (a Bedrock knowledge base with "
        "StorageConfiguration Type S3_VECTORS), billed per use."
    ),
    best_practices=("MLSUS-04", "SUS02-BP01", "SUS02-BP02"),
    resource_types=(COLLECTION,),
    notes=(
        "Checks collections of Type VECTORSEARCH that are not marked production. Production "
        f"is {CONVENTION}, on the collection or on its collection group of the same template "
        f"({CDK_HINT}); a collection whose environment tag's value is only known at deploy "
        "time is not reported. OCUs "
        "(OpenSearch Service developer guide, serverless-scaling): 4 at creation and a minimum "
        "of 2 with standby replicas, 2 and 1 without. StandbyReplicas not set is ENABLED; a "
        "collection in a collection group of the same template takes the group's setting when "
        "it sets none. Collections whose NEXTGEN group scales to zero are not reported, nor "
        "those in a group the template does not define. Collections with the same KMS key share "
        "OCUs, so the cost is per account, Region and key rather than per collection. AWS "
        "Config's opensearchserverless-collection-standbyreplicas-enabled asks the opposite for "
        "resilience, which is why production collections are left out."
    ),
)
def vector_search_standby_replicas(resource: Resource, template: TemplateContext) -> str | None:
    if resource.get("Type") != "VECTORSEARCH" or never_idles(resource, template) is not True:
        return None
    group = collection_group(resource, template)
    if is_production(resource) is not False or is_production(group) is not False:
        return None
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
        else "disable them (StandbyReplicas: DISABLED) for development and non-critical data"
    )
    floor = " (at least 2 OCUs instead of 1)" if group is None else ""
    return (
        f"Vector search collection {resource.logical_id}, not tagged as production, runs with "
        f"standby replicas ({how}) on OCUs that never idle{floor}: {advice}, or store the "
        "vectors in S3 Vectors; if it is production, tag it environment=production."
    )
