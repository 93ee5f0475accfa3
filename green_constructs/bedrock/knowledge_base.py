"""``ServerlessKnowledgeBase``: a Bedrock knowledge base over S3 documents, vectors in S3 Vectors
(or, opted into, OpenSearch Serverless), ingested in batches when documents change. With S3
Vectors nothing runs between queries and ingestions."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_bedrock as bedrock
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchserverless as aoss
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3vectors as s3vectors
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .. import props
from ..metric_options import MetricOptions, with_defaults
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding
from ..storage import DatasetBucket, SustainableBucket, grant_prefix
from ..storage.event_bridge import enable_event_bridge
from .embedding import TITAN_TEXT_EMBEDDINGS_V2, EmbeddingModel, embedding_model
from .handler_function import handler_function
from .vector_store import (
    METADATA_FIELD,
    TEXT_FIELD,
    VECTOR_FIELD,
    VectorStore,
    opensearch_serverless_store,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

BEDROCK_TEXT_KEYS = ("AMAZON_BEDROCK_TEXT", "AMAZON_BEDROCK_METADATA")
"""Metadata keys Bedrock writes with each vector (the chunk's text and its source). S3 Vectors
limits filterable metadata to 2 KB a vector, so they are declared non-filterable, or a long chunk
fails ``PutVectors`` (and an index's metadata configuration cannot change after creation)."""
VECTOR_STORE_ACTIONS = (
    "s3vectors:PutVectors",
    "s3vectors:GetVectors",
    "s3vectors:DeleteVectors",
    "s3vectors:QueryVectors",
    "s3vectors:GetIndex",
)
"""What the knowledge base does on its index (operations of botocore's s3vectors model)."""
RETRIEVE_ACTION = "bedrock:Retrieve"
"""Scoped to a ``knowledge-base`` resource (Service Authorization Reference for Amazon Bedrock)."""
RETRIEVE_AND_GENERATE_ACTION = "bedrock:RetrieveAndGenerate"
"""Has no resource type in the Service Authorization Reference for Amazon Bedrock: only ``*``
grants it. Each call also needs ``bedrock:Retrieve`` on the knowledge base and
``bedrock:InvokeModel`` on the generating model."""
_RETRIEVE_AND_GENERATE_REASON = (
    "bedrock:RetrieveAndGenerate has no resource type in IAM, so only '*' grants it; each call "
    "also needs bedrock:Retrieve on the knowledge base and bedrock:InvokeModel on the model."
)
INGESTION_ACTIONS = (
    "bedrock:StartIngestionJob",
    "bedrock:ListIngestionJobs",
    "bedrock:GetIngestionJob",
)
_NAME = re.compile(r"^([0-9a-zA-Z][_-]?){1,100}$")
"""Knowledge base and data source names (cfn-lint's AWS::Bedrock schemas)."""
_MAX_PREFIX = 300
"""``S3Prefix`` length limit (botocore bedrock-agent model)."""
_MAX_BATCHING_WINDOW_S = 300
_MAX_BATCH_SIZE = 10_000
"""Lambda's limits for an SQS standard queue event source."""
_MAX_DELAY_S = 900
"""SQS's longest message delay (``DelaySeconds``)."""
_FUNCTION_TIMEOUT_S = 30


class ServerlessKnowledgeBase(Construct):
    """A Bedrock knowledge base (RAG) over documents in S3, with no compute standing by.

    - Documents: ``documents_prefix`` of a new :class:`~green_constructs.storage.DatasetBucket`
      (KMS, versioned, retained, cooled to Intelligent-Tiering) or of ``documents_bucket``.
    - Vectors: an Amazon S3 Vectors bucket (KMS) and index (cosine, float32) whose dimension is
      the embedding model's; billed per vector stored and query, nothing provisioned. Opt in to
      OpenSearch Serverless with ``vector_store=VectorStore.opensearch_serverless()`` (hybrid
      search, lower latency): a ``VECTORSEARCH`` collection whose OCUs never idle. AWS
      documents 2 OCUs at creation without standby replicas and 4 with them, scaling down to a
      minimum of 0.5 OCU for indexing plus 0.5 for search (1 OCU) without and 1 + 1 (2 OCUs)
      with (OpenSearch Service developer guide, "Managing capacity limits for Amazon
      OpenSearch Serverless", serverless-scaling.html, read 2026-12-05). Standby replicas are
      off unless ``production=True``. See :class:`VectorStore`.
    - Logs: the knowledge base's application logs (ingestion status of each document) go to
      a log group under ``/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/`` through
      CloudWatch Logs vended log delivery (``APPLICATION_LOGS``, Bedrock
      user guide "Monitor knowledge bases using CloudWatch Logs", knowledge-bases-logging,
      read 2026-12-05). CloudWatch Logs adds the log group's resource policy for
      ``delivery.logs.amazonaws.com`` at deployment.
    - Embeddings: Amazon Titan Text Embeddings V2 at 512 dimensions by default. AWS measured
      that 512 dimensions keep about 99% (256: about 97%) of the retrieval accuracy of 1024
      (AWS News Blog launch post, 2024-04-30): half the bytes stored and scanned per query.
    - Chunking: fixed size, 300 tokens (the size of Bedrock's default chunking, Bedrock user
      guide "How content chunking works for knowledge bases") with 20% overlap by default,
      written out so a change shows in the template.
    - Ingestion: S3 object created or deleted under the prefix -> EventBridge -> SQS (encrypted,
      with a dead-letter queue) -> an arm64 Lambda that waits up to ``ingestion_batching_window``
      to gather events and starts one ``StartIngestionJob`` per batch. An ingestion job syncs
      the whole data source, so one job covers every change of the batch. While a job runs,
      the batch becomes one delayed message (``ingestion_retry_after``) that tries again, or,
      when the running job started after its changes, waits for that job and tries again only
      if the job fails. Waiting counts no receives: a first ``aws s3 sync`` of a large corpus
      may take hours to ingest.

    After the first deployment, or one that replaces the data source (a change of chunking or
    embedding model), the vectors are built by the next ingestion: upload a document, or run
    ``aws bedrock-agent start-ingestion-job`` with the ids in :attr:`knowledge_base_id` and
    :attr:`data_source_id`.

    :param documents_bucket: where the documents are: a ``SustainableBucket`` or
        ``DatasetBucket`` of this library, or any ``s3.IBucket``. Its EventBridge notifications
        are turned on when it is a bucket of this app (an imported bucket must have them on
        already). Default: a new ``DatasetBucket`` (lifecycle on, retained).
    :param documents_prefix: the documents' key prefix (a token is accepted). Default:
        ``"documents/"``.
    :param embedding_model: an :class:`EmbeddingModel` or a known model id. Default:
        ``TITAN_TEXT_EMBEDDINGS_V2``.
    :param embedding_dimension: the vectors' size, one the model outputs. Default: the model's
        ``recommended_dimension`` (512 for Titan Text Embeddings V2).
    :param chunk_max_tokens: tokens per chunk (1 to the model's input limit). Default: 300.
    :param chunk_overlap_percentage: overlap of adjacent chunks (1-99). Default: 20.
    :param vector_store: where the vectors are: :meth:`VectorStore.s3_vectors` or
        :meth:`VectorStore.opensearch_serverless`. Default: S3 Vectors.
    :param encryption_key: key of the vector bucket (S3 Vectors) or collection (OpenSearch
        Serverless). Default: S3 Vectors, a new key with rotation, removed with the vectors
        (``vector_removal_policy``); OpenSearch Serverless, an AWS owned key, so that the
        collection shares the OCUs of the account's vector collections on that key instead of
        starting its own.
    :param vector_removal_policy: what happens to the vector bucket and index (or collection
        and index) when they leave the stack. Vectors are derived from the documents (an
        ingestion rebuilds them). Default: ``RemovalPolicy.DESTROY``.
    :param ingestion_batching_window: how long Lambda gathers events before a batch (0 to 5
        minutes). Default: 5 minutes.
    :param ingestion_batch_size: the most events in a batch (1-10,000). Default: 1,000.
    :param ingestion_retry_after: how long changes that met a running job wait before they try
        again (the wait message's SQS delay, 1 second to 15 minutes). Default: 15 minutes.
    :param max_ingestion_wait: how long changes may wait for running jobs before they count
        as failed (at least ``ingestion_retry_after``). Default: one day.
    :param max_ingestion_attempts: receives of a message that fails with an error (not a
        running job) before it goes to the dead-letter queue (1-1,000). Default: 5.
    :param knowledge_base_name: the knowledge base's name. A change of embedding model,
        dimension, vector store or key replaces the knowledge base, and a replacement under the
        same name fails: change the name with them. Default: from the construct path and a hash
        of those.
    :param description: the knowledge base's description. Default: none.
    :param log_retention: retention of the ingestion function's logs and of the knowledge
        base's logs. Default: one month.
    :param knowledge_base_logs: deliver the knowledge base's application logs to a log group.
        Default: True.
    """

    knowledge_base: bedrock.CfnKnowledgeBase
    """The knowledge base (also ``node.default_child``)."""
    embedding_model: EmbeddingModel
    """The model embedding documents and queries."""
    embedding_dimension: int
    """The vectors' size (the index's dimension and the knowledge base's)."""
    documents_prefix: str
    """The documents' key prefix (the data source's inclusion prefix)."""
    encryption_key: kms.IKey | None
    """The key encrypting the vectors; None on OpenSearch Serverless with an AWS owned key."""
    vector_store: VectorStore
    """Where the vectors are."""
    data_source: bedrock.CfnDataSource
    """The S3 data source."""
    documents: SustainableBucket | None
    """The library bucket holding the documents (the ``DatasetBucket`` created by default);
    None when ``documents_bucket`` is another ``s3.IBucket``."""
    documents_bucket: s3.IBucket
    """The bucket holding the documents."""
    vector_bucket: s3vectors.CfnVectorBucket | None
    """The S3 Vectors bucket (None on OpenSearch Serverless)."""
    vector_index: s3vectors.CfnIndex | None
    """The S3 Vectors index holding the knowledge base's vectors (None on OpenSearch
    Serverless)."""
    collection: aoss.CfnCollection | None
    """The OpenSearch Serverless collection (None on S3 Vectors)."""
    collection_index: aoss.CfnIndex | None
    """The OpenSearch Serverless vector index (None on S3 Vectors)."""
    log_group: logs.LogGroup | None
    """Where the knowledge base's application logs go (None with ``knowledge_base_logs``
    False)."""
    role: iam.Role
    """The role Bedrock assumes for the knowledge base."""
    queue: sqs.Queue
    """Document events waiting for an ingestion."""
    dead_letter_queue: sqs.Queue
    """Events whose ingestion failed ``max_ingestion_attempts`` times."""
    function: lambda_.Function
    """The function starting ingestion jobs."""
    rule: events.Rule
    """The EventBridge rule sending document events to :attr:`queue`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        documents_bucket: SustainableBucket | s3.IBucket | None = None,
        documents_prefix: str = "documents/",
        embedding_model: EmbeddingModel | str | None = None,
        embedding_dimension: int | None = None,
        chunk_max_tokens: int = 300,
        chunk_overlap_percentage: int = 20,
        vector_store: VectorStore | None = None,
        encryption_key: kms.IKey | None = None,
        vector_removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.DESTROY,
        ingestion_batching_window: cdk.Duration | None = None,
        ingestion_batch_size: int = 1000,
        ingestion_retry_after: cdk.Duration | None = None,
        max_ingestion_wait: cdk.Duration | None = None,
        max_ingestion_attempts: int = 5,
        knowledge_base_name: str | None = None,
        description: str | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        knowledge_base_logs: bool = True,
    ) -> None:
        model = _model(embedding_model)
        dimension = (
            model.recommended_dimension if embedding_dimension is None else embedding_dimension
        )
        window = ingestion_batching_window
        window = cdk.Duration.minutes(5) if window is None else window
        retry = cdk.Duration.minutes(15) if ingestion_retry_after is None else ingestion_retry_after
        longest = cdk.Duration.days(1) if max_ingestion_wait is None else max_ingestion_wait
        super().__init__(scope, construct_id)
        _check_props(
            self,
            model=model,
            dimension=dimension,
            prefix=documents_prefix,
            chunk_max_tokens=chunk_max_tokens,
            chunk_overlap_percentage=chunk_overlap_percentage,
            window=window,
            batch_size=ingestion_batch_size,
            retry=retry,
            longest=longest,
            attempts=max_ingestion_attempts,
            name=knowledge_base_name,
            description=description,
        )
        self.embedding_model = model
        self.embedding_dimension = dimension
        self.documents_prefix = documents_prefix
        self.documents, self.documents_bucket = self._documents(documents_bucket)
        enable_event_bridge(self.documents_bucket)
        store = VectorStore.s3_vectors() if vector_store is None else vector_store
        if not isinstance(store, VectorStore):
            raise TypeError(
                "vector_store must be VectorStore.s3_vectors() or "
                f"VectorStore.opensearch_serverless(), got {store!r}"
            )
        self.vector_store = store
        self.vector_bucket = self.vector_index = None
        self.collection = self.collection_index = None

        self.encryption_key = encryption_key
        self._key_given = encryption_key is not None
        if encryption_key is None and store.kind == "S3_VECTORS":
            self.encryption_key = kms.Key(
                self,
                "VectorKey",
                description=f"Encrypts the vectors of {self.node.path}",
                enable_key_rotation=True,
                # the key goes (after KMS's waiting period) only when the vectors it protects do
                removal_policy=vector_removal_policy,
            )
        self.role = self._role()
        if store.kind == "S3_VECTORS":
            self._s3_vectors(vector_removal_policy)
        else:
            self._opensearch_serverless(vector_removal_policy)
        self._grant_read_documents(self.role)
        self.knowledge_base = self._knowledge_base(knowledge_base_name, description)
        self.node.default_child = self.knowledge_base
        self.data_source = self._data_source(chunk_max_tokens, chunk_overlap_percentage)
        self._ingestion(
            window, ingestion_batch_size, retry, longest, max_ingestion_attempts, log_retention
        )
        self.log_group = self._log_delivery(log_retention) if knowledge_base_logs else None

    def _documents(
        self, given: SustainableBucket | s3.IBucket | None
    ) -> tuple[SustainableBucket | None, s3.IBucket]:
        if given is None:
            given = DatasetBucket(self, "Documents")
        if isinstance(given, SustainableBucket):
            return given, given.bucket
        if not all(hasattr(given, each) for each in ("bucket_arn", "arn_for_objects")):
            raise TypeError(
                f"documents_bucket must be a SustainableBucket, DatasetBucket or s3.IBucket, got "
                f"{given!r}"
            )
        return None, given

    # ---- attributes -------------------------------------------------------------------------

    @property
    def knowledge_base_id(self) -> str:
        """The knowledge base's id."""
        return self.knowledge_base.attr_knowledge_base_id

    @property
    def knowledge_base_arn(self) -> str:
        """The knowledge base's ARN."""
        return self.knowledge_base.attr_knowledge_base_arn

    @property
    def data_source_id(self) -> str:
        """The data source's id."""
        return self.data_source.attr_data_source_id

    @property
    def embedding_model_arn(self) -> str:
        """The embedding model's ARN in this stack's region."""
        return self.embedding_model.arn(self)

    # ---- grants and metrics -----------------------------------------------------------------

    def grant_retrieve(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` query the knowledge base: ``bedrock:Retrieve`` on its ARN, and
        ``bedrock:RetrieveAndGenerate``, which IAM grants only on ``*`` (it has no resource type;
        the Service Authorization Reference for Amazon Bedrock, read 2026-12-05). A
        ``RetrieveAndGenerate`` call also needs ``bedrock:InvokeModel`` on the generating model:
        grant it where that model is chosen. For a role of this app, ``RetrieveAndGenerate``
        sits in a policy of its own (``RetrieveAndGenerate``, a child of the role) on which the
        ``*`` is acknowledged for ``AwsSolutions-IAM5``, so no other wildcard of the role is."""
        grant = iam.Grant.add_to_principal(
            grantee=grantee, actions=[RETRIEVE_ACTION], resource_arns=[self.knowledge_base_arn]
        )
        principal = grantee.grant_principal
        if not isinstance(principal, iam.Role):  # an imported role, a user, ...: its policy
            if isinstance(grantee, Construct):
                acknowledge(
                    grantee,
                    "AwsSolutions-IAM5",
                    _RETRIEVE_AND_GENERATE_REASON,
                    applies_to=["Resource::*"],
                )
            return grant.combine(
                iam.Grant.add_to_principal(
                    grantee=grantee, actions=[RETRIEVE_AND_GENERATE_ACTION], resource_arns=["*"]
                )
            )
        policy = principal.node.try_find_child("RetrieveAndGenerate")
        if not isinstance(policy, iam.Policy):
            policy = iam.Policy(
                principal,
                "RetrieveAndGenerate",
                statements=[
                    iam.PolicyStatement(actions=[RETRIEVE_AND_GENERATE_ACTION], resources=["*"])
                ],
            )
            acknowledge(
                policy,
                "AwsSolutions-IAM5",
                _RETRIEVE_AND_GENERATE_REASON,
                applies_to=["Resource::*"],
            )
        policy.attach_to_role(principal)
        return grant

    def grant_write_documents(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` upload documents under the prefix (and encrypt them); each upload
        leads to an ingestion. When ``grantee`` is a construct, the prefix wildcard is
        acknowledged on it for ``AwsSolutions-IAM5``."""
        if self.documents is not None:
            return grant_prefix(grantee, self.documents, self.documents_prefix, write=True)
        bucket = self.documents_bucket
        objects = bucket.arn_for_objects(f"{self.documents_prefix}*")
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["s3:PutObject", "s3:AbortMultipartUpload"],
            resource_arns=[objects],
        )
        if bucket.encryption_key is not None:
            grant = grant.combine(
                bucket.encryption_key.grant(
                    grantee, "kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"
                )
            )
        if isinstance(grantee, Construct):
            acknowledge(
                grantee,
                "AwsSolutions-IAM5",
                f"Documents under {self.documents_prefix} are named by their authors; the grant "
                "reaches only that prefix.",
                applies_to=[resource_finding(grantee, objects)],
            )
        return grant

    def metric_ingestion_backlog(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Document events about to start an ingestion (the queue's
        ``ApproximateNumberOfMessagesVisible``; Maximum over 5 minutes by default). Bedrock
        publishes no CloudWatch metric for vector knowledge bases (only logs), so this and
        :meth:`metric_ingestion_failures` are what to alarm on."""
        return self.queue.metric_approximate_number_of_messages_visible(
            **with_defaults(
                options, statistic=cloudwatch.Stats.MAXIMUM, period=cdk.Duration.minutes(5)
            )
        )

    def metric_ingestion_waiting(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Wait messages of changes held back by running ingestion jobs (the queue's
        ``ApproximateNumberOfMessagesDelayed``; Maximum over 5 minutes by default). Above 0 for
        hours: a long first ingestion, or a job that does not end."""
        return self.queue.metric_approximate_number_of_messages_delayed(
            **with_defaults(
                options, statistic=cloudwatch.Stats.MAXIMUM, period=cdk.Duration.minutes(5)
            )
        )

    def metric_ingestion_failures(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Messages whose ingestion failed ``max_ingestion_attempts`` times or waited longer
        than ``max_ingestion_wait`` (the
        dead-letter queue's ``ApproximateNumberOfMessagesVisible``; Maximum over 5 minutes by
        default). Above 0: an ingestion job could not be started; start one by hand once the
        cause is fixed (it syncs every document), then purge the dead-letter queue."""
        return self.dead_letter_queue.metric_approximate_number_of_messages_visible(
            **with_defaults(
                options, statistic=cloudwatch.Stats.MAXIMUM, period=cdk.Duration.minutes(5)
            )
        )

    # ---- resources --------------------------------------------------------------------------

    def _s3_vectors(self, removal_policy: cdk.RemovalPolicy) -> None:
        stack = cdk.Stack.of(self)
        assert self.encryption_key is not None  # created for S3 Vectors when not given
        self.vector_bucket = s3vectors.CfnVectorBucket(
            self,
            "VectorBucket",
            encryption_configuration=s3vectors.CfnVectorBucket.EncryptionConfigurationProperty(
                sse_type="aws:kms", kms_key_arn=self.encryption_key.key_arn
            ),
        )
        # S3 Vectors maintains indexes in the background as indexing.s3vectors.amazonaws.com,
        # which must be able to decrypt with a customer managed key (Amazon S3 user guide,
        # "Data protection and encryption in S3 Vectors", s3-vectors-data-encryption).
        added = self.encryption_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowS3VectorsIndexing",
                principals=[iam.ServicePrincipal("indexing.s3vectors.amazonaws.com")],
                actions=["kms:Decrypt"],
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="s3vectors",
                            resource="bucket",
                            resource_name="*",
                            arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME,
                        )
                    },
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ForAnyValue:StringEquals": {
                        "kms:EncryptionContextKeys": [
                            "aws:s3vectors:arn",
                            "aws:s3vectors:resource-id",
                        ]
                    },
                },
            )
        )
        if not added.statement_added:
            cdk.Annotations.of(self).add_warning_v2(
                "green-constructs:vector-key-policy",
                "encryption_key is imported, so its key policy cannot be changed here: it must "
                "allow kms:Decrypt to the service principal indexing.s3vectors.amazonaws.com "
                "(conditioned on aws:SourceAccount and the s3vectors bucket ARNs), or S3 Vectors "
                "cannot build the index (Amazon S3 user guide, s3-vectors-data-encryption)",
            )
        # no names: CloudFormation names them, so a replacement (new dimension) never collides
        self.vector_index = s3vectors.CfnIndex(
            self,
            "VectorIndex",
            vector_bucket_arn=self.vector_bucket.attr_vector_bucket_arn,
            data_type="float32",
            dimension=self.embedding_dimension,
            distance_metric="cosine",
            metadata_configuration=s3vectors.CfnIndex.MetadataConfigurationProperty(
                non_filterable_metadata_keys=list(BEDROCK_TEXT_KEYS)
            ),
        )
        self.vector_bucket.apply_removal_policy(removal_policy)
        self.vector_index.apply_removal_policy(removal_policy)
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=list(VECTOR_STORE_ACTIONS), resources=[self.vector_index.attr_index_arn]
            )
        )
        self.encryption_key.grant(self.role, "kms:Decrypt", "kms:GenerateDataKey")

    def _opensearch_serverless(self, removal_policy: cdk.RemovalPolicy) -> None:
        resources = opensearch_serverless_store(
            self,
            self.vector_store,
            dimension=self.embedding_dimension,
            index_name=self._index_name(),
            reader_arn=self.role.role_arn,
            encryption_key=self.encryption_key,
            removal_policy=removal_policy,
        )
        self.collection = resources.collection
        self.collection_index = resources.index
        # Bedrock user guide, kb-permissions: the role calls the collection's API, which the
        # data access policy then authorizes per index
        self.role.add_to_policy(
            iam.PolicyStatement(actions=["aoss:APIAccessAll"], resources=[self.collection.attr_arn])
        )

    def _role(self) -> iam.Role:
        stack = cdk.Stack.of(self)
        # the confused-deputy conditions AWS recommends for a knowledge base service role
        # (Bedrock user guide, kb-permissions); the id is unknown before creation
        role = iam.Role(
            self,
            "Role",
            description=f"Assumed by Bedrock for the knowledge base {self.node.path}",
            assumed_by=iam.ServicePrincipal(
                "bedrock.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="bedrock",
                            resource="knowledge-base",
                            resource_name="*",
                            arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME,
                        )
                    },
                },
            ),
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["bedrock:InvokeModel"], resources=[self.embedding_model_arn]
            )
        )
        return role

    def _grant_read_documents(self, role: iam.Role) -> None:
        prefix = self.documents_prefix
        bucket = self.documents_bucket
        objects = bucket.arn_for_objects(f"{prefix}*")
        role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[objects]))
        # no s3:prefix condition: HeadBucket, which a service may call to check the bucket, is
        # authorized by s3:ListBucket and has no prefix (Amazon S3 API reference, HeadBucket);
        # a listing shows key names only
        role.add_to_policy(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn])
        )
        key = self.documents.encryption_key if self.documents is not None else bucket.encryption_key
        if key is not None:
            key.grant_decrypt(role)
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            f"Bedrock reads every document under {prefix}, named at run time; the grant reaches "
            "only that prefix.",
            applies_to=[resource_finding(role, objects)],
        )

    def _knowledge_base(
        self, name: str | None, description: str | None
    ) -> bedrock.CfnKnowledgeBase:
        knowledge_base = bedrock.CfnKnowledgeBase(
            self,
            "KnowledgeBase",
            name=name or self._name(),
            description=description,
            role_arn=self.role.role_arn,
            knowledge_base_configuration=bedrock.CfnKnowledgeBase.KnowledgeBaseConfigurationProperty(
                type="VECTOR",
                vector_knowledge_base_configuration=bedrock.CfnKnowledgeBase.VectorKnowledgeBaseConfigurationProperty(
                    embedding_model_arn=self.embedding_model_arn,
                    embedding_model_configuration=bedrock.CfnKnowledgeBase.EmbeddingModelConfigurationProperty(
                        bedrock_embedding_model_configuration=bedrock.CfnKnowledgeBase.BedrockEmbeddingModelConfigurationProperty(
                            dimensions=self.embedding_dimension,
                            embedding_data_type="FLOAT32",
                        )
                    ),
                ),
            ),
            storage_configuration=self._storage_configuration(),
        )
        # Bedrock checks its access when the knowledge base is created: policies first
        knowledge_base.node.add_dependency(self.role)
        if self.collection_index is not None:
            # and its index, which Bedrock does not create
            knowledge_base.node.add_dependency(self.collection_index)
            acknowledge(
                knowledge_base,
                "GenAI-KnowledgeBaseVectorStore",
                "OpenSearch Serverless chosen deliberately (VectorStore.opensearch_serverless()) "
                "for hybrid search or query latency S3 Vectors does not offer; standby replicas "
                "are off unless declared production.",
            )
        return knowledge_base

    def _storage_configuration(self) -> bedrock.CfnKnowledgeBase.StorageConfigurationProperty:
        if self.vector_index is not None:
            return bedrock.CfnKnowledgeBase.StorageConfigurationProperty(
                type="S3_VECTORS",
                s3_vectors_configuration=bedrock.CfnKnowledgeBase.S3VectorsConfigurationProperty(
                    index_arn=self.vector_index.attr_index_arn
                ),
            )
        assert self.collection is not None and self.collection_index is not None
        return bedrock.CfnKnowledgeBase.StorageConfigurationProperty(
            type="OPENSEARCH_SERVERLESS",
            opensearch_serverless_configuration=bedrock.CfnKnowledgeBase.OpenSearchServerlessConfigurationProperty(
                collection_arn=self.collection.attr_arn,
                vector_index_name=self.collection_index.index_name,
                field_mapping=bedrock.CfnKnowledgeBase.OpenSearchServerlessFieldMappingProperty(
                    vector_field=VECTOR_FIELD, text_field=TEXT_FIELD, metadata_field=METADATA_FIELD
                ),
            ),
        )

    def _index_name(self) -> str:
        """The OpenSearch index's name: a change of model or dimension replaces the index, and
        the replacement's name must differ from the old one's."""
        model = self.embedding_model.model_id
        return f"bedrock-kb-{_short_hash(model, str(self.embedding_dimension))}"

    def _log_delivery(self, retention: logs.RetentionDays) -> logs.LogGroup:
        """The knowledge base's application logs to a log group (CloudWatch Logs vended logs:
        a delivery source on the knowledge base, a destination on the log group, a delivery
        pairing them)."""
        stack = cdk.Stack.of(self)
        log_group = logs.LogGroup(
            self,
            "KnowledgeBaseLogs",
            # under /aws/vendedlogs/: CloudWatch Logs covers the prefix with one wildcard in its
            # account-wide delivery resource policy (5,120 characters) instead of one ARN per
            # group (CloudWatch Logs user guide, "Enabling logging from AWS services")
            # (stack names are unique per account and Region, unique ids within a stack)
            log_group_name="/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/"
            f"{stack.stack_name}/{cdk.Names.unique_id(self)}",
            retention=retention,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        # names are unique per account and Region (1-60 characters of [\w-])
        name = f"kb-{_short_hash(self.node.path, stack.stack_name)}"
        source = logs.CfnDeliverySource(
            self,
            "LogSource",
            name=f"{name}-source",
            log_type="APPLICATION_LOGS",
            resource_arn=self.knowledge_base_arn,
        )
        destination = logs.CfnDeliveryDestination(
            self,
            "LogDestination",
            name=f"{name}-logs",
            destination_resource_arn=log_group.log_group_arn,
        )
        delivery = logs.CfnDelivery(
            self,
            "LogDelivery",
            delivery_source_name=source.name,
            delivery_destination_arn=destination.attr_arn,
        )
        delivery.node.add_dependency(source)
        return log_group

    def _data_source(self, max_tokens: int, overlap: int) -> bedrock.CfnDataSource:
        return bedrock.CfnDataSource(
            self,
            "DataSource",
            knowledge_base_id=self.knowledge_base_id,
            name=f"documents-{_short_hash('fixed', str(max_tokens), str(overlap))}",
            description="Documents under the knowledge base's prefix",
            # vectors of a deleted (or replaced) data source leave the index with it
            data_deletion_policy="DELETE",
            data_source_configuration=bedrock.CfnDataSource.DataSourceConfigurationProperty(
                type="S3",
                s3_configuration=bedrock.CfnDataSource.S3DataSourceConfigurationProperty(
                    bucket_arn=self.documents_bucket.bucket_arn,
                    inclusion_prefixes=[self.documents_prefix],
                ),
            ),
            vector_ingestion_configuration=bedrock.CfnDataSource.VectorIngestionConfigurationProperty(
                chunking_configuration=bedrock.CfnDataSource.ChunkingConfigurationProperty(
                    chunking_strategy="FIXED_SIZE",
                    fixed_size_chunking_configuration=bedrock.CfnDataSource.FixedSizeChunkingConfigurationProperty(
                        max_tokens=max_tokens, overlap_percentage=overlap
                    ),
                )
            ),
        )

    def _ingestion(
        self,
        window: cdk.Duration,
        batch_size: int,
        retry: cdk.Duration,
        longest: cdk.Duration,
        attempts: int,
        log_retention: logs.RetentionDays,
    ) -> None:
        self.dead_letter_queue = sqs.Queue(
            self,
            "IngestionDeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        # SQS-managed encryption: EventBridge needs no key policy, and the events hold only
        # object keys
        self.queue = sqs.Queue(
            self,
            "IngestionQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=_visibility_timeout(window),
            dead_letter_queue=sqs.DeadLetterQueue(
                max_receive_count=attempts, queue=self.dead_letter_queue
            ),
        )
        self.rule = events.Rule(
            self,
            "DocumentChanged",
            description=f"Documents created or deleted under {self.documents_prefix} wait for an ingestion",
            event_pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created", "Object Deleted"],
                detail={
                    "bucket": {"name": [self.documents_bucket.bucket_name]},
                    "object": {"key": [{"prefix": self.documents_prefix}]},
                },
            ),
            targets=[targets.SqsQueue(self.queue)],
        )
        log_group = logs.LogGroup(
            self, "IngestionLogs", retention=log_retention, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        role = iam.Role(
            self,
            "IngestionRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Starts the knowledge base's ingestion jobs",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=list(INGESTION_ACTIONS), resources=[self.knowledge_base_arn]
            )
        )
        log_group.grant_write(role)
        # changes that meet a running job come back as one delayed wait message
        self.queue.grant_send_messages(role)
        self.function = handler_function(
            self,
            "IngestionFunction",
            module="ingestion_handler",
            description="Starts one knowledge base ingestion job per batch of document changes",
            role=role,
            log_group=log_group,
            memory_size=128,
            timeout=cdk.Duration.seconds(_FUNCTION_TIMEOUT_S),
            environment={
                "KNOWLEDGE_BASE_ID": self.knowledge_base_id,
                "DATA_SOURCE_ID": self.data_source_id,
                "QUEUE_URL": self.queue.queue_url,
                "RETRY_DELAY_SECONDS": props.number_text(retry.to_seconds()),
                "MAX_WAIT_SECONDS": props.number_text(longest.to_seconds()),
            },
            runtime_reason=" whose boto3 has the bedrock-agent ingestion job API the handler "
            "calls.",
        )
        self.function.add_event_source(
            event_sources.SqsEventSource(
                self.queue,
                batch_size=batch_size,
                max_batching_window=window,
                report_batch_item_failures=True,
                # one ingestion job runs at a time per data source: no point in more pollers
                max_concurrency=2,
            )
        )

    def _name(self) -> str:
        """A knowledge base name from the construct path and a hash of what, changed, replaces
        it (so the replacement's name differs from the old one's): the embedding model and
        dimension and, unless they are the defaults (S3 Vectors on a key of its own), the
        vector store and its key."""
        path = re.sub(r"[^0-9A-Za-z]+", "-", self.node.path).strip("-")
        path = path[-80:].strip("-") or "knowledge-base"
        create_only = [self.embedding_model.model_id, str(self.embedding_dimension)]
        if self.vector_store.kind != "S3_VECTORS" or self._key_given:
            create_only += [self.vector_store.kind, _key_identity(self.encryption_key)]
        return f"{path}-{_short_hash(*create_only)}"


def _model(model: EmbeddingModel | str | None) -> EmbeddingModel:
    return TITAN_TEXT_EMBEDDINGS_V2 if model is None else embedding_model("embedding_model", model)


def _visibility_timeout(window: cdk.Duration) -> cdk.Duration:
    """Six function timeouts plus the batching window, as Lambda asks of an SQS event source
    (the longest window when it is a token)."""
    seconds = _MAX_BATCHING_WINDOW_S if props.is_token(window) else window.to_seconds()
    return cdk.Duration.seconds(6 * _FUNCTION_TIMEOUT_S + seconds)


def _key_identity(key: kms.IKey | None) -> str:
    """What names a key stably across synths: its ARN when concrete, else its construct path
    (a token's text changes with construction order)."""
    if key is None:
        return "aws-owned"
    return key.node.path if cdk.Token.is_unresolved(key.key_arn) else key.key_arn


def _short_hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:8]


def _check_props(
    scope: Construct,
    *,
    model: EmbeddingModel,
    dimension: int,
    prefix: str,
    chunk_max_tokens: int,
    chunk_overlap_percentage: int,
    window: cdk.Duration,
    batch_size: int,
    retry: cdk.Duration,
    longest: cdk.Duration,
    attempts: int,
    name: str | None,
    description: str | None,
) -> None:
    """Fail on props Bedrock, Lambda or SQS would reject, naming the prop; tokens pass where
    the value only reaches the template (the dimension names and shapes the index: concrete)."""
    if props.is_token(dimension):
        raise ValueError("embedding_dimension must be concrete (not a token): it shapes the index")
    model.check_dimension("embedding_dimension", dimension)
    _check_prefix(prefix)
    props.whole_number(
        scope,
        "chunk_max_tokens",
        chunk_max_tokens,
        minimum=1,
        maximum=model.max_input_tokens,
        unit=f"({model.model_id}'s input limit)",
    )
    props.whole_number(
        scope, "chunk_overlap_percentage", chunk_overlap_percentage, minimum=1, maximum=99
    )
    props.whole_number(
        scope, "ingestion_batch_size", batch_size, minimum=1, maximum=_MAX_BATCH_SIZE
    )
    props.whole_number(scope, "max_ingestion_attempts", attempts, minimum=1, maximum=1000)
    props.duration(
        scope,
        "ingestion_batching_window",
        window,
        maximum=cdk.Duration.seconds(_MAX_BATCHING_WINDOW_S),
    )
    props.duration(
        scope,
        "ingestion_retry_after",
        retry,
        minimum=cdk.Duration.seconds(1),
        maximum=cdk.Duration.seconds(_MAX_DELAY_S),
    )
    props.duration(
        scope,
        "max_ingestion_wait",
        longest,
        minimum=None if props.is_token(retry) else retry,
    )
    if not any(props.is_token(each) for each in (window, batch_size)) and (
        batch_size > 10 and window.to_seconds() < 1
    ):
        raise ValueError(
            "ingestion_batching_window must be at least 1 second when ingestion_batch_size is "
            "above 10 (Lambda's rule for SQS batches)"
        )
    if name is not None:
        props.text(
            scope,
            "knowledge_base_name",
            name,
            pattern=_NAME,
            allowed="1 to 100 letters or digits, each optionally followed by one '-' or '_'",
        )
    if description is not None:
        props.text(scope, "description", description, max_length=200, allowed="1 to 200 characters")


def _check_prefix(prefix: str) -> None:
    if not isinstance(prefix, str):
        raise TypeError(f"documents_prefix must be a string, got {prefix!r}")
    if cdk.Token.is_unresolved(prefix):
        return
    if not 1 <= len(prefix) <= _MAX_PREFIX or prefix.startswith("/"):
        raise ValueError(
            f"documents_prefix must be 1 to {_MAX_PREFIX} characters, not starting with '/', "
            f"got {prefix!r}"
        )
