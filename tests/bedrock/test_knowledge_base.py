"""ServerlessKnowledgeBase: Bedrock knowledge base on S3 Vectors, batched ingestion on S3 events."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match, Template
from compliance import cfn_lint_errors, our_findings, synth_checked

from green_constructs.bedrock import (
    COHERE_EMBED_ENGLISH_V3,
    TITAN_TEXT_EMBEDDINGS_V2,
    ServerlessKnowledgeBase,
    VectorStore,
)
from green_constructs.bedrock.knowledge_base import _short_hash

ENV = cdk.Environment(account="111111111111", region="eu-north-1")
MODEL_ARN = {
    "Fn::Join": [
        "",
        [
            "arn:",
            {"Ref": "AWS::Partition"},
            ":bedrock:eu-north-1::foundation-model/amazon.titan-embed-text-v2:0",
        ],
    ]
}


def _only(template: Template, resource_type: str) -> tuple[str, dict]:
    [(logical_id, resource)] = template.find_resources(resource_type).items()
    return logical_id, resource


def _ingestion_queue_id(template: Template) -> str:
    [queue_id] = template.find_resources(
        "AWS::SQS::Queue", {"Properties": {"RedrivePolicy": Match.any_value()}}
    )
    return queue_id


def _statements(template: Template, role_id: str) -> list[dict]:
    """Every statement of the inline policies attached to the role ``role_id``."""
    return [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def _role_assumed_by(template: Template, service: str) -> str:
    [logical_id] = [
        logical_id
        for logical_id, role in template.find_resources("AWS::IAM::Role").items()
        if role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        == {"Service": service}
    ]
    return logical_id


@pytest.fixture(scope="module")
def default_assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("kb-default")))
    stack = cdk.Stack(app, "Rag", env=ENV)
    kb = ServerlessKnowledgeBase(stack, "Kb")
    kb.grant_retrieve(iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal()))
    kb.grant_write_documents(iam.Role(stack, "Writer", assumed_by=iam.AccountRootPrincipal()))
    return synth_checked(app)


@pytest.fixture(scope="module")
def template(default_assembly) -> Template:
    return Template.from_json(default_assembly.get_stack_by_name("Rag").template)


@pytest.fixture(scope="module")
def user_bucket_template(tmp_path_factory) -> Template:
    """A user's bucket, a token prefix and Cohere Embed English v3, under every check."""
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("kb-user-bucket")))
    stack = cdk.Stack(app, "Own", env=ENV)
    prefix = cdk.CfnParameter(stack, "Prefix", default="manuals/").value_as_string
    bucket = s3.Bucket(
        stack,
        "Docs",
        encryption=s3.BucketEncryption.KMS,
        enforce_ssl=True,
        versioned=True,
        lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=cdk.Duration.days(7))],
        server_access_logs_prefix="access-logs/",
    )
    kb = ServerlessKnowledgeBase(
        stack,
        "Kb",
        documents_bucket=bucket,
        documents_prefix=prefix,
        embedding_model=COHERE_EMBED_ENGLISH_V3,
        chunk_max_tokens=500,
    )
    kb.grant_write_documents(iam.Role(stack, "Writer", assumed_by=iam.AccountRootPrincipal()))
    assembly = synth_checked(app)
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []
    return Template.from_json(assembly.get_stack_by_name("Own").template)


def test_defaults_pass_every_check(default_assembly) -> None:
    # synth_checked already failed on any unacknowledged AwsSolutions error
    assert our_findings(default_assembly) == []
    assert cfn_lint_errors(default_assembly) == []


def test_vectors_are_in_s3_vectors_with_the_embedding_dimension(template) -> None:
    index_id, index = _only(template, "AWS::S3Vectors::Index")
    _, knowledge_base = _only(template, "AWS::Bedrock::KnowledgeBase")
    props = knowledge_base["Properties"]
    vector = props["KnowledgeBaseConfiguration"]["VectorKnowledgeBaseConfiguration"]
    dimensions = vector["EmbeddingModelConfiguration"]["BedrockEmbeddingModelConfiguration"]
    assert index["Properties"]["Dimension"] == dimensions["Dimensions"] == 512
    assert dimensions["EmbeddingDataType"] == "FLOAT32"
    assert vector["EmbeddingModelArn"] == MODEL_ARN
    assert index["Properties"]["DistanceMetric"] == "cosine"
    assert index["Properties"]["DataType"] == "float32"
    assert props["StorageConfiguration"] == {
        "Type": "S3_VECTORS",
        "S3VectorsConfiguration": {"IndexArn": {"Fn::GetAtt": [index_id, "IndexArn"]}},
    }
    # Bedrock's text and metadata exceed S3 Vectors' 2 KB of filterable metadata
    assert index["Properties"]["MetadataConfiguration"] == {
        "NonFilterableMetadataKeys": ["AMAZON_BEDROCK_TEXT", "AMAZON_BEDROCK_METADATA"]
    }


def test_vector_bucket_is_encrypted_with_a_key_s3_vectors_can_use(template) -> None:
    _, bucket = _only(template, "AWS::S3Vectors::VectorBucket")
    encryption = bucket["Properties"]["EncryptionConfiguration"]
    assert encryption["SseType"] == "aws:kms"
    [key_id, _] = encryption["KmsKeyArn"]["Fn::GetAtt"]
    statements = template.to_json()["Resources"][key_id]["Properties"]["KeyPolicy"]["Statement"]
    [indexing] = [s for s in statements if s.get("Sid") == "AllowS3VectorsIndexing"]
    assert indexing["Principal"] == {"Service": "indexing.s3vectors.amazonaws.com"}
    assert indexing["Action"] == "kms:Decrypt"
    assert indexing["Condition"]["StringEquals"] == {"aws:SourceAccount": "111111111111"}


def test_other_dimensions_and_models_keep_index_and_knowledge_base_equal() -> None:
    for props, expected in (
        ({"embedding_dimension": 1024}, 1024),
        ({"embedding_dimension": 256}, 256),
        ({"embedding_model": "cohere.embed-multilingual-v3"}, 1024),
        ({"embedding_model": "amazon.titan-embed-text-v1"}, 1536),
    ):
        stack = cdk.Stack(cdk.App(), "Dims", env=ENV)
        ServerlessKnowledgeBase(stack, "Kb", **props)
        template = Template.from_stack(stack)
        template.has_resource_properties("AWS::S3Vectors::Index", {"Dimension": expected})
        template.has_resource_properties(
            "AWS::Bedrock::KnowledgeBase",
            {
                "KnowledgeBaseConfiguration": {
                    "VectorKnowledgeBaseConfiguration": {
                        "EmbeddingModelConfiguration": {
                            "BedrockEmbeddingModelConfiguration": {"Dimensions": expected}
                        }
                    }
                }
            },
        )


def test_a_dimension_the_model_does_not_output_is_rejected_naming_the_prop() -> None:
    stack = cdk.Stack(cdk.App(), "Bad", env=ENV)
    with pytest.raises(ValueError, match=r"embedding_dimension: .*256, 512, 1024.* got 768"):
        ServerlessKnowledgeBase(stack, "Kb", embedding_dimension=768)
    with pytest.raises(ValueError, match=r"embedding_dimension: .*1024.* got 512"):
        ServerlessKnowledgeBase(
            stack, "Cohere", embedding_model=COHERE_EMBED_ENGLISH_V3, embedding_dimension=512
        )


def test_data_source_reads_the_prefix_in_fixed_size_chunks(template) -> None:
    bucket_id, _ = _only(template, "AWS::S3::Bucket")
    _, source = _only(template, "AWS::Bedrock::DataSource")
    props = source["Properties"]
    assert props["DataSourceConfiguration"] == {
        "Type": "S3",
        "S3Configuration": {
            "BucketArn": {"Fn::GetAtt": [bucket_id, "Arn"]},
            "InclusionPrefixes": ["documents/"],
        },
    }
    assert props["VectorIngestionConfiguration"]["ChunkingConfiguration"] == {
        "ChunkingStrategy": "FIXED_SIZE",
        "FixedSizeChunkingConfiguration": {"MaxTokens": 300, "OverlapPercentage": 20},
    }
    assert props["DataDeletionPolicy"] == "DELETE"


def test_documents_live_in_a_retained_dataset_bucket_with_lifecycle(template) -> None:
    _, bucket = _only(template, "AWS::S3::Bucket")
    assert bucket["DeletionPolicy"] == "Retain"
    props = bucket["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["LifecycleConfiguration"]["Rules"]
    assert (
        props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
            "ServerSideEncryptionByDefault"
        ]["SSEAlgorithm"]
        == "aws:kms"
    )
    assert props["NotificationConfiguration"] == {
        "EventBridgeConfiguration": {"EventBridgeEnabled": True}
    }


def test_s3_object_events_under_the_prefix_go_through_eventbridge_to_the_queue(template) -> None:
    bucket_id, _ = _only(template, "AWS::S3::Bucket")
    queues = template.find_resources(
        "AWS::SQS::Queue", {"Properties": {"RedrivePolicy": Match.any_value()}}
    )
    [queue_id] = queues
    _, rule = _only(template, "AWS::Events::Rule")
    assert rule["Properties"]["EventPattern"] == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created", "Object Deleted"],
        "detail": {
            "bucket": {"name": [{"Ref": bucket_id}]},
            "object": {"key": [{"prefix": "documents/"}]},
        },
    }
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [queue_id, "Arn"]}


def test_queue_is_encrypted_ssl_only_with_a_dead_letter_queue(template) -> None:
    queues = template.find_resources("AWS::SQS::Queue")
    assert len(queues) == 2
    for queue in queues.values():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
    [(queue_id, queue)] = [(k, q) for k, q in queues.items() if "RedrivePolicy" in q["Properties"]]
    [dead_letters_id] = set(queues) - {queue_id}
    assert queue["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dead_letters_id, "Arn"]},
        "maxReceiveCount": 5,
    }
    # six function timeouts (30 s) plus the batching window (300 s), as Lambda asks
    assert queue["Properties"]["VisibilityTimeout"] == 480
    for logical_id in queues:
        template.has_resource_properties(
            "AWS::SQS::QueuePolicy",
            {
                "Queues": [{"Ref": logical_id}],
                "PolicyDocument": {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Effect": "Deny",
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                }
                            )
                        ]
                    )
                },
            },
        )


def test_an_arm64_function_takes_large_batches_after_the_batching_window(template) -> None:
    function_id, function = _only(template, "AWS::Lambda::Function")
    props = function["Properties"]
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == "ingestion_handler.handler"
    kb_id, _ = _only(template, "AWS::Bedrock::KnowledgeBase")
    source_id, _ = _only(template, "AWS::Bedrock::DataSource")
    assert props["Environment"]["Variables"] == {
        "KNOWLEDGE_BASE_ID": {"Fn::GetAtt": [kb_id, "KnowledgeBaseId"]},
        "DATA_SOURCE_ID": {"Fn::GetAtt": [source_id, "DataSourceId"]},
        "QUEUE_URL": {"Ref": _ingestion_queue_id(template)},
        "RETRY_DELAY_SECONDS": "900",
        "MAX_WAIT_SECONDS": "86400",
    }
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": function_id},
            "BatchSize": 1000,
            "MaximumBatchingWindowInSeconds": 300,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "ScalingConfig": {"MaximumConcurrency": 2},
        },
    )
    log_group_id = props["LoggingConfig"]["LogGroup"]["Ref"]
    log_group = template.find_resources("AWS::Logs::LogGroup")[log_group_id]
    assert log_group["Properties"]["RetentionInDays"] == 30


def test_knowledge_base_role_reaches_only_the_model_index_and_prefix(template) -> None:
    role_id = _role_assumed_by(template, "bedrock.amazonaws.com")
    role = template.to_json()["Resources"][role_id]
    [trust] = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": "111111111111"}
    assert trust["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Join"][1][-1] == (
        ":bedrock:eu-north-1:111111111111:knowledge-base/*"
    )
    statements = {
        (s["Action"] if isinstance(s["Action"], str) else tuple(s["Action"])): s
        for s in _statements(template, role_id)
    }
    index_id, _ = _only(template, "AWS::S3Vectors::Index")
    bucket_id, _ = _only(template, "AWS::S3::Bucket")
    assert statements["bedrock:InvokeModel"]["Resource"] == MODEL_ARN
    vectors = statements[
        (
            "s3vectors:PutVectors",
            "s3vectors:GetVectors",
            "s3vectors:DeleteVectors",
            "s3vectors:QueryVectors",
            "s3vectors:GetIndex",
        )
    ]
    assert vectors["Resource"] == {"Fn::GetAtt": [index_id, "IndexArn"]}
    assert statements["s3:GetObject"]["Resource"] == {
        "Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/documents/*"]]
    }
    # unconditioned: HeadBucket is authorized by s3:ListBucket and carries no s3:prefix
    assert statements["s3:ListBucket"]["Resource"] == {"Fn::GetAtt": [bucket_id, "Arn"]}
    assert "Condition" not in statements["s3:ListBucket"]
    assert all(s["Resource"] != "*" for s in statements.values())


def test_ingestion_function_may_only_run_jobs_of_this_knowledge_base_and_requeue(template) -> None:
    role_id = _role_assumed_by(template, "lambda.amazonaws.com")
    kb_id, _ = _only(template, "AWS::Bedrock::KnowledgeBase")
    statements = _statements(template, role_id)
    [bedrock] = [s for s in statements if "bedrock:StartIngestionJob" in s["Action"]]
    assert bedrock["Action"] == [
        "bedrock:StartIngestionJob",
        "bedrock:ListIngestionJobs",
        "bedrock:GetIngestionJob",
    ]
    assert bedrock["Resource"] == {"Fn::GetAtt": [kb_id, "KnowledgeBaseArn"]}
    [send] = [s for s in statements if "sqs:SendMessage" in s["Action"]]
    assert send["Resource"] == {"Fn::GetAtt": [_ingestion_queue_id(template), "Arn"]}
    assert all(s["Resource"] != "*" for s in statements)


def test_grant_retrieve_scopes_retrieve_to_the_knowledge_base(template) -> None:
    kb_id, _ = _only(template, "AWS::Bedrock::KnowledgeBase")
    reader = next(i for i in template.find_resources("AWS::IAM::Role") if i.startswith("Reader"))
    retrieve = {
        "Action": "bedrock:Retrieve",
        "Effect": "Allow",
        "Resource": {"Fn::GetAtt": [kb_id, "KnowledgeBaseArn"]},
    }
    assert retrieve in _statements(template, reader)
    # RetrieveAndGenerate has no resource type in IAM: only "*" grants it, in a policy of its
    # own, where the acknowledgement reaches no other wildcard of the role
    [(policy_id, policy)] = template.find_resources(
        "AWS::IAM::Policy",
        {"Properties": {"PolicyName": Match.string_like_regexp("RetrieveAndGenerate")}},
    ).items()
    assert policy_id.startswith("ReaderRetrieveAndGenerate")
    assert policy["Properties"]["Roles"] == [{"Ref": reader}]
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {"Action": "bedrock:RetrieveAndGenerate", "Effect": "Allow", "Resource": "*"}
    ]
    assert len(_statements(template, reader)) == 2


def test_grant_retrieve_acknowledges_no_other_wildcard_of_the_role(tmp_path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Wildcards", env=ENV)
    kb = ServerlessKnowledgeBase(stack, "Kb")
    reader = iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal())
    kb.grant_retrieve(reader)
    kb.grant_retrieve(reader)  # twice: one policy
    reader.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"]))
    with pytest.raises(RuntimeError, match=r"AwsSolutions-IAM5\[Resource::\*\]") as raised:
        synth_checked(app)
    assert "Wildcards/Reader/DefaultPolicy/Resource" in str(raised.value)
    assert "RetrieveAndGenerate/Resource" not in str(raised.value)


def test_grant_retrieve_to_a_function_uses_its_role() -> None:
    stack = cdk.Stack(cdk.App(), "Function", env=ENV)
    kb = ServerlessKnowledgeBase(stack, "Kb")
    function = lambda_.Function(
        stack,
        "Assistant",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): return None"),
    )
    kb.grant_retrieve(function)
    assert function.role is not None
    assert function.role.node.try_find_child("RetrieveAndGenerate") is not None


def test_a_user_bucket_and_a_token_prefix_are_used_as_given(user_bucket_template) -> None:
    template = user_bucket_template
    prefix = {"Ref": "Prefix"}
    template.has_resource_properties(
        "AWS::Bedrock::DataSource",
        {"DataSourceConfiguration": {"S3Configuration": {"InclusionPrefixes": [prefix]}}},
    )
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {"NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}},
    )
    template.has_resource_properties(
        "AWS::Events::Rule",
        {"EventPattern": {"detail": {"object": {"key": [{"prefix": prefix}]}}}},
    )
    role_id = _role_assumed_by(template, "bedrock.amazonaws.com")
    [listing] = [s for s in _statements(template, role_id) if s["Action"] == "s3:ListBucket"]
    [get] = [s for s in _statements(template, role_id) if s["Action"] == "s3:GetObject"]
    [bucket_id] = template.find_resources("AWS::S3::Bucket")
    bucket_arn = {"Fn::GetAtt": [bucket_id, "Arn"]}
    assert get["Resource"] == {"Fn::Join": ["", [bucket_arn, "/", prefix, "*"]]}
    assert listing["Resource"] == bucket_arn
    template.has_resource_properties("AWS::S3Vectors::Index", {"Dimension": 1024})


def test_metrics_watch_the_queue_and_the_dead_letters() -> None:
    stack = cdk.Stack(cdk.App(), "Metrics", env=ENV)
    kb = ServerlessKnowledgeBase(stack, "Kb")
    backlog = kb.metric_ingestion_backlog()
    failures = kb.metric_ingestion_failures(period=cdk.Duration.minutes(1), statistic="Sum")
    for metric in (backlog, failures):
        assert metric.namespace == "AWS/SQS"
        assert metric.metric_name == "ApproximateNumberOfMessagesVisible"
    assert (backlog.statistic, backlog.period.to_seconds()) == ("Maximum", 300)
    assert (failures.statistic, failures.period.to_seconds()) == ("Sum", 60)
    resolve = stack.resolve
    assert resolve(backlog.dimensions)["QueueName"] == resolve(kb.queue.queue_name)
    assert resolve(failures.dimensions)["QueueName"] == resolve(kb.dead_letter_queue.queue_name)
    waiting = kb.metric_ingestion_waiting()
    assert waiting.metric_name == "ApproximateNumberOfMessagesDelayed"
    assert (waiting.statistic, resolve(waiting.dimensions)["QueueName"]) == (
        "Maximum",
        resolve(kb.queue.queue_name),
    )


def test_default_child_is_the_knowledge_base() -> None:
    stack = cdk.Stack(cdk.App(), "Child", env=ENV)
    kb = ServerlessKnowledgeBase(stack, "Kb")
    assert kb.node.default_child is kb.knowledge_base
    assert kb.embedding_model is TITAN_TEXT_EMBEDDINGS_V2
    assert kb.embedding_dimension == 512


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"documents_prefix": "/docs/"}, "documents_prefix"),
        ({"documents_prefix": ""}, "documents_prefix"),
        ({"documents_prefix": "x" * 301}, "documents_prefix"),
        ({"embedding_model": "openai.text-embedding-3"}, "embedding_model: unknown"),
        ({"chunk_max_tokens": 0}, "chunk_max_tokens"),
        (
            {"embedding_model": COHERE_EMBED_ENGLISH_V3, "chunk_max_tokens": 1000},
            r"chunk_max_tokens .* 512 \(cohere.embed-english-v3's input limit\)",
        ),
        ({"chunk_overlap_percentage": 0}, "chunk_overlap_percentage"),
        ({"ingestion_batching_window": cdk.Duration.minutes(6)}, "ingestion_batching_window"),
        ({"ingestion_batch_size": 10_001}, "ingestion_batch_size"),
        ({"ingestion_retry_after": cdk.Duration.minutes(16)}, "ingestion_retry_after .* 15 min"),
        ({"ingestion_retry_after": cdk.Duration.seconds(0)}, "ingestion_retry_after"),
        (
            {
                "ingestion_retry_after": cdk.Duration.minutes(10),
                "max_ingestion_wait": cdk.Duration.minutes(5),
            },
            "max_ingestion_wait .* at least 10 minutes",
        ),
        ({"max_ingestion_attempts": 0}, "max_ingestion_attempts"),
        ({"knowledge_base_name": "my kb"}, "knowledge_base_name"),
        ({"description": "x" * 201}, "description"),
    ],
)
def test_bad_props_are_rejected_naming_the_prop(props, message) -> None:
    stack = cdk.Stack(cdk.App(), "Bad", env=ENV)
    with pytest.raises(ValueError, match=message):
        ServerlessKnowledgeBase(stack, "Kb", **props)


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"documents_prefix": 3}, "^documents_prefix must be a string"),
        ({"chunk_max_tokens": "300"}, "^chunk_max_tokens must be a whole number from 1 to 8192"),
        ({"ingestion_batch_size": 1.5}, None),
        ({"ingestion_batching_window": 60}, "^ingestion_batching_window must be a cdk.Duration"),
        ({"knowledge_base_name": 7}, "^knowledge_base_name must be 1 to 100 letters"),
    ],
)
def test_props_of_the_wrong_kind_are_refused_naming_the_prop(props, message) -> None:
    stack = cdk.Stack(cdk.App(), "Kind", env=ENV)
    expected = (ValueError, "^ingestion_batch_size must be a whole number from 1 to 10000")
    error, pattern = expected if message is None else (TypeError, message)
    with pytest.raises(error, match=pattern):
        ServerlessKnowledgeBase(stack, "Kb", **props)


@pytest.fixture(scope="module")
def token_knowledge_base() -> tuple[Template, ServerlessKnowledgeBase]:
    stack = cdk.Stack(cdk.App(), "Tokens", env=ENV)
    number = {
        name: cdk.CfnParameter(stack, name, type="Number").value_as_number
        for name in ("ChunkTokens", "Overlap", "BatchSize", "Attempts", "Window", "Retry", "Wait")
    }
    kb = ServerlessKnowledgeBase(
        stack,
        "Kb",
        chunk_max_tokens=number["ChunkTokens"],
        chunk_overlap_percentage=number["Overlap"],
        ingestion_batch_size=number["BatchSize"],
        max_ingestion_attempts=number["Attempts"],
        ingestion_batching_window=cdk.Duration.seconds(number["Window"]),
        ingestion_retry_after=cdk.Duration.seconds(number["Retry"]),
        max_ingestion_wait=cdk.Duration.seconds(number["Wait"]),
        knowledge_base_name=cdk.CfnParameter(stack, "Name").value_as_string,
        description=cdk.Fn.import_value("KbDescription"),
    )
    return Template.from_stack(stack), kb


def test_token_props_reach_the_template_unchecked(token_knowledge_base) -> None:
    template, kb = token_knowledge_base
    template.has_resource_properties(
        "AWS::Bedrock::KnowledgeBase",
        {"Name": {"Ref": "Name"}, "Description": {"Fn::ImportValue": "KbDescription"}},
    )
    template.has_resource_properties(
        "AWS::Bedrock::DataSource",
        {
            "VectorIngestionConfiguration": {
                "ChunkingConfiguration": {
                    "FixedSizeChunkingConfiguration": {
                        "MaxTokens": {"Ref": "ChunkTokens"},
                        "OverlapPercentage": {"Ref": "Overlap"},
                    }
                }
            }
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {"BatchSize": {"Ref": "BatchSize"}, "MaximumBatchingWindowInSeconds": {"Ref": "Window"}},
    )
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {"VisibilityTimeout": 480, "RedrivePolicy": Match.any_value()},
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like(
                    {"RETRY_DELAY_SECONDS": {"Ref": "Retry"}, "MAX_WAIT_SECONDS": {"Ref": "Wait"}}
                )
            }
        },
    )
    notes = [e.data for e in kb.node.metadata if e.type == "green-constructs:unchecked"]
    assert [note.split(" ")[0] for note in notes] == [
        "chunk_max_tokens",
        "chunk_overlap_percentage",
        "ingestion_batch_size",
        "max_ingestion_attempts",
        "ingestion_batching_window",
        "ingestion_retry_after",
        "max_ingestion_wait",
        "knowledge_base_name",
        "description",
    ]


def test_a_token_dimension_is_refused_naming_the_prop() -> None:
    stack = cdk.Stack(cdk.App(), "Dimension", env=ENV)
    dimension = cdk.CfnParameter(stack, "Dimension", type="Number").value_as_number
    with pytest.raises(ValueError, match="^embedding_dimension must be concrete"):
        ServerlessKnowledgeBase(stack, "Kb", embedding_dimension=dimension)


def test_a_change_that_replaces_the_knowledge_base_changes_its_name() -> None:
    names = set()
    for dimension in (256, 512):
        stack = cdk.Stack(cdk.App(), "Names", env=ENV)
        ServerlessKnowledgeBase(stack, "Kb", embedding_dimension=dimension)
        [kb] = Template.from_stack(stack).find_resources("AWS::Bedrock::KnowledgeBase").values()
        names.add(kb["Properties"]["Name"])
    assert len(names) == 2
    assert all(name.startswith("Names-Kb-") for name in names)


@pytest.mark.parametrize(
    "options",
    [
        {"vector_store": VectorStore.opensearch_serverless()},
        {"encryption_key": "given"},
    ],
)
def test_a_change_of_vector_store_or_key_changes_the_name(options) -> None:
    def name(**kwargs) -> str:
        stack = cdk.Stack(cdk.App(), "Names", env=ENV)
        if kwargs.get("encryption_key") == "given":
            kwargs["encryption_key"] = kms.Key(stack, "Key", enable_key_rotation=True)
        ServerlessKnowledgeBase(stack, "Kb", **kwargs)
        [kb] = Template.from_stack(stack).find_resources("AWS::Bedrock::KnowledgeBase").values()
        return kb["Properties"]["Name"]

    default = name()
    # the default's name is the one it had before the store and key were hashed
    assert default == f"Names-Kb-{_short_hash(TITAN_TEXT_EMBEDDINGS_V2.model_id, '512')}"
    assert name(**options) != default
    assert name(**options) == name(**options)  # stable across synths


def test_an_imported_vector_key_warns_of_the_key_policy_it_needs() -> None:
    stack = cdk.Stack(cdk.App(), "Imported", env=ENV)
    key = kms.Key.from_key_arn(
        stack, "Key", "arn:aws:kms:eu-north-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    ServerlessKnowledgeBase(stack, "Kb", encryption_key=key)
    Annotations.from_stack(stack).has_warning(
        "/Imported/Kb",
        Match.string_like_regexp("^encryption_key is imported.*indexing.s3vectors.amazonaws.com"),
    )
    own = cdk.Stack(cdk.App(), "Own", env=ENV)
    ServerlessKnowledgeBase(own, "Kb")
    assert Annotations.from_stack(own).find_warning("*", Match.any_value()) == []


def test_the_function_ships_only_its_handler(default_assembly) -> None:
    from green_constructs.bedrock.handler_function import _asset_dir

    assert sorted(p.name for p in Path(_asset_dir("ingestion_handler")).iterdir()) == [
        "ingestion_handler.py"
    ]


def test_a_library_bucket_is_used_with_its_prefix_grants() -> None:
    from green_constructs.storage import DatasetBucket

    stack = cdk.Stack(cdk.App(), "Library", env=ENV)
    corpus = DatasetBucket(stack, "Corpus")
    kb = ServerlessKnowledgeBase(stack, "Kb", documents_bucket=corpus, documents_prefix="kb/")
    assert kb.documents is corpus
    template = Template.from_stack(stack)
    assert len(template.find_resources("AWS::S3::Bucket")) == 1
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {"NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}},
    )
    role_id = _role_assumed_by(template, "bedrock.amazonaws.com")
    [listing] = [s for s in _statements(template, role_id) if s["Action"] == "s3:ListBucket"]
    [get] = [s for s in _statements(template, role_id) if s["Action"] == "s3:GetObject"]
    [bucket_id] = template.find_resources("AWS::S3::Bucket")
    assert get["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/kb/*"]]}
    assert listing["Resource"] == {"Fn::GetAtt": [bucket_id, "Arn"]}
    # the library bucket's key decrypts the documents
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [{"Ref": role_id}],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Action": "kms:Decrypt", "Resource": Match.any_value()})]
                )
            },
        },
    )


def test_documents_bucket_must_be_a_bucket() -> None:
    stack = cdk.Stack(cdk.App(), "NotABucket", env=ENV)
    with pytest.raises(TypeError, match="documents_bucket must be"):
        ServerlessKnowledgeBase(stack, "Kb", documents_bucket="my-bucket")


def test_knowledge_base_logs_go_to_a_log_group_with_retention(template) -> None:
    kb_id, _ = _only(template, "AWS::Bedrock::KnowledgeBase")
    source_id, source = _only(template, "AWS::Logs::DeliverySource")
    assert source["Properties"]["LogType"] == "APPLICATION_LOGS"
    assert source["Properties"]["ResourceArn"] == {"Fn::GetAtt": [kb_id, "KnowledgeBaseArn"]}
    destination_id, destination = _only(template, "AWS::Logs::DeliveryDestination")
    log_group_id, attribute = destination["Properties"]["DestinationResourceArn"]["Fn::GetAtt"]
    assert attribute == "Arn"
    log_group = template.find_resources("AWS::Logs::LogGroup")[log_group_id]
    assert log_group["Properties"]["RetentionInDays"] == 30
    # under /aws/vendedlogs/, which CloudWatch Logs' delivery resource policy covers by prefix
    assert log_group["Properties"]["LogGroupName"].startswith(
        "/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/"
    )
    _, delivery = _only(template, "AWS::Logs::Delivery")
    assert delivery["Properties"] == {
        "DeliverySourceName": source["Properties"]["Name"],
        "DeliveryDestinationArn": {"Fn::GetAtt": [destination_id, "Arn"]},
    }
    assert source_id in delivery["DependsOn"]


def test_knowledge_base_logs_can_be_turned_off() -> None:
    stack = cdk.Stack(cdk.App(), "NoLogs", env=ENV)
    kb = ServerlessKnowledgeBase(stack, "Kb", knowledge_base_logs=False)
    assert kb.log_group is None
    template = Template.from_stack(stack)
    for each in ("AWS::Logs::DeliverySource", "AWS::Logs::Delivery"):
        assert template.find_resources(each) == {}
    # the vectors stay in S3 Vectors by default
    assert kb.collection is None and kb.vector_index is not None
