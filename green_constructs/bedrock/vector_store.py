"""Where a :class:`~green_constructs.bedrock.ServerlessKnowledgeBase` keeps its vectors.

S3 Vectors by default (nothing provisioned, billed per vector stored and per query); an
OpenSearch Serverless vector search collection when asked for.

OpenSearch Serverless OCUs (OpenSearch Service developer guide, "Managing capacity limits for
Amazon OpenSearch Serverless", serverless-scaling.html, read 2026-12-05): the first collection
instantiates 4 OCUs (2 indexing, 2 search) with redundancy (standby replicas, the default), 2
(1 + 1) without, and "these OCUs always exist, even when there's no indexing or search
activity". Vector collections scale down to at least 1 OCU for indexing (0.5 x 2) and 1 for
search (0.5 x 2) with redundancy, 0.5 + 0.5 without: a standing minimum of 2 OCUs, or 1 with
standby replicas off (the figures of ``green-constructs estimate``). Vector collections share
OCUs only with vector collections of the same KMS key, so a collection on its own customer
managed key starts its own OCUs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_opensearchserverless as aoss
from constructs import Construct

from ..nag.acknowledge import acknowledge

VECTOR_FIELD = "bedrock-knowledge-base-default-vector"
TEXT_FIELD = "AMAZON_BEDROCK_TEXT_CHUNK"
METADATA_FIELD = "AMAZON_BEDROCK_METADATA"
"""The index's fields, named as Bedrock's quick create names them (Bedrock user guide,
knowledge-base-setup)."""
INDEX_PERMISSIONS = (
    "aoss:CreateIndex",
    "aoss:DescribeIndex",
    "aoss:ReadDocument",
    "aoss:WriteDocument",
    "aoss:UpdateIndex",
    "aoss:DeleteIndex",
)
COLLECTION_PERMISSIONS = (
    "aoss:DescribeCollectionItems",
    "aoss:CreateCollectionItems",
    "aoss:UpdateCollectionItems",
)
"""Data access policy permissions of the knowledge base role and the index's creator."""


@dataclass(frozen=True)
class VectorStore:
    """The vector store of a :class:`~green_constructs.bedrock.ServerlessKnowledgeBase`:
    :meth:`s3_vectors` (the default) or :meth:`opensearch_serverless`."""

    kind: Literal["S3_VECTORS", "OPENSEARCH_SERVERLESS"]
    """The knowledge base's ``StorageConfiguration.Type``."""
    production: bool = False
    """OpenSearch Serverless: standby replicas on (production) or off."""
    index_creator_arn: str | None = None
    """OpenSearch Serverless: the IAM principal CloudFormation creates the index as."""

    @staticmethod
    def s3_vectors() -> VectorStore:
        """An Amazon S3 Vectors bucket and index (KMS): no compute provisioned, billed per
        vector stored and per query. The default."""
        return VectorStore("S3_VECTORS")

    @staticmethod
    def opensearch_serverless(
        *, production: bool = False, index_creator_arn: str | None = None
    ) -> VectorStore:
        """An OpenSearch Serverless ``VECTORSEARCH`` collection, for hybrid (keyword and
        vector) search or lower query latency than S3 Vectors.

        Its OCUs run around the clock: at least 1 OCU (0.5 indexing + 0.5 search) without
        standby replicas and 2 with them; 2 and 4 when the collection is created (OpenSearch
        Service developer guide, serverless-scaling, read 2026-12-05). Billed per OCU-hour
        whether or not anything is indexed or searched.

        The collection's endpoint takes requests from the internet, each SigV4-signed and
        authorized by a data access policy naming only the knowledge base's role and the
        index's creator: Bedrock and CloudFormation's index handler call it from outside any
        VPC.

        :param production: standby replicas in another Availability Zone (``StandbyReplicas:
            ENABLED``), which double the OCUs. Default: False (``DISABLED``), for development,
            test and other non-critical stores.
        :param index_creator_arn: the IAM role or user CloudFormation creates the vector index
            as (it is granted the index in the collection's data access policy). Default: the
            stack's CloudFormation execution role of the ``DefaultStackSynthesizer``
            (``cdk bootstrap``'s ``cdk-...-cfn-exec-role``); required with other synthesizers.
        """
        return VectorStore(
            "OPENSEARCH_SERVERLESS", production=production, index_creator_arn=index_creator_arn
        )


@dataclass
class OpenSearchServerlessResources:
    """What :func:`opensearch_serverless_store` adds."""

    collection: aoss.CfnCollection
    index: aoss.CfnIndex
    encryption_policy: aoss.CfnSecurityPolicy
    network_policy: aoss.CfnSecurityPolicy
    access_policy: aoss.CfnAccessPolicy


def opensearch_serverless_store(
    scope: Construct,
    store: VectorStore,
    *,
    dimension: int,
    index_name: str,
    reader_arn: str,
    encryption_key: kms.IKey | None,
    removal_policy: cdk.RemovalPolicy,
) -> OpenSearchServerlessResources:
    """A vector search collection with its encryption, network and data access policies, and
    a k-NN index of ``dimension`` (faiss HNSW) Bedrock reads and writes as ``reader_arn``."""
    stack = cdk.Stack.of(scope)
    name = collection_name(scope)
    resource = [f"collection/{name}"]
    # encryption: an AWS owned key unless the user gave one, so that the collection shares the
    # OCUs of the account's other vector collections on that key
    encryption: dict[str, object] = {
        "Rules": [{"ResourceType": "collection", "Resource": resource}]
    }
    if encryption_key is None:
        encryption["AWSOwnedKey"] = True
    else:
        encryption["KmsARN"] = encryption_key.key_arn
    encryption_policy = aoss.CfnSecurityPolicy(
        scope,
        "CollectionEncryption",
        name=name,
        type="encryption",
        description=f"Encrypts the vectors of {scope.node.path}",
        policy=stack.to_json_string(encryption),
    )
    # the endpoint is reachable from the internet, every request signed and authorized by the
    # data access policy below (Bedrock and CloudFormation call it from outside any VPC)
    network_policy = aoss.CfnSecurityPolicy(
        scope,
        "CollectionNetwork",
        name=name,
        type="network",
        description=f"Endpoint of the vectors of {scope.node.path}",
        policy=stack.to_json_string(
            [
                {
                    "Rules": [{"ResourceType": "collection", "Resource": resource}],
                    "AllowFromPublic": True,
                }
            ]
        ),
    )
    collection = aoss.CfnCollection(
        scope,
        "Collection",
        name=name,
        type="VECTORSEARCH",
        description=f"Vectors of {scope.node.path}",
        standby_replicas="ENABLED" if store.production else "DISABLED",
    )
    collection.node.add_dependency(encryption_policy)
    collection.node.add_dependency(network_policy)
    creator = _index_creator(scope, store)
    access_policy = aoss.CfnAccessPolicy(
        scope,
        "CollectionAccess",
        name=name,
        type="data",
        description="The knowledge base and the index's creator on the vector index",
        policy=stack.to_json_string(
            [
                {
                    "Rules": [
                        {
                            "ResourceType": "index",
                            "Resource": [f"index/{name}/*"],
                            "Permission": list(INDEX_PERMISSIONS),
                        },
                        {
                            "ResourceType": "collection",
                            "Resource": resource,
                            "Permission": list(COLLECTION_PERMISSIONS),
                        },
                    ],
                    "Principal": [reader_arn, creator],
                }
            ]
        ),
    )
    index = aoss.CfnIndex(
        scope,
        "CollectionIndex",
        collection_endpoint=collection.attr_collection_endpoint,
        index_name=index_name,
        settings=aoss.CfnIndex.IndexSettingsProperty(index=aoss.CfnIndex.IndexProperty(knn=True)),
        mappings=aoss.CfnIndex.MappingsProperty(
            properties={
                VECTOR_FIELD: aoss.CfnIndex.PropertyMappingProperty(
                    type="knn_vector",
                    dimension=dimension,
                    method=aoss.CfnIndex.MethodProperty(
                        name="hnsw", engine="faiss", space_type="l2"
                    ),
                ),
                TEXT_FIELD: aoss.CfnIndex.PropertyMappingProperty(type="text", index=True),
                METADATA_FIELD: aoss.CfnIndex.PropertyMappingProperty(type="text", index=False),
            }
        ),
    )
    index.node.add_dependency(access_policy)
    collection.apply_removal_policy(removal_policy)
    index.apply_removal_policy(removal_policy)
    if store.production:
        acknowledge(
            collection,
            "GenAI-VectorSearchStandbyReplicas",
            "Declared production (VectorStore.opensearch_serverless(production=True)): standby "
            "replicas in another Availability Zone keep the store available.",
        )
    return OpenSearchServerlessResources(
        collection=collection,
        index=index,
        encryption_policy=encryption_policy,
        network_policy=network_policy,
        access_policy=access_policy,
    )


def collection_name(scope: Construct) -> str:
    """A collection (and security policy) name unique to ``scope``'s path and stack name (names
    are unique per account and Region, and one app may deploy a stack under several names):
    3-32 characters, lowercase letters, digits and hyphens, starting with a letter."""
    key = f"{cdk.Stack.of(scope).stack_name}\0{scope.node.path}"
    return f"kb-{hashlib.sha256(key.encode()).hexdigest()[:20]}"


def _index_creator(scope: Construct, store: VectorStore) -> str:
    if store.index_creator_arn is not None:
        return store.index_creator_arn
    synthesizer = cdk.Stack.of(scope).synthesizer
    if isinstance(synthesizer, cdk.DefaultStackSynthesizer):
        # the synthesizer's ARN holds ${AWS::Partition}-style placeholders: Fn::Sub fills them
        return cdk.Fn.sub(synthesizer.cloud_formation_execution_role_arn)
    raise ValueError(
        "VectorStore.opensearch_serverless(index_creator_arn=...) is required with a stack "
        f"synthesizer other than DefaultStackSynthesizer (got {type(synthesizer).__name__}): "
        "the IAM principal CloudFormation creates the vector index as"
    )
