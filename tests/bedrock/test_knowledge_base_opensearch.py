"""ServerlessKnowledgeBase on OpenSearch Serverless: the opt-in vector store."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template
from compliance import cfn_lint_errors, our_findings, synth_checked

from green_constructs.bedrock import COHERE_EMBED_ENGLISH_V3, ServerlessKnowledgeBase, VectorStore
from green_constructs.cli import main

ENV = cdk.Environment(account="111111111111", region="eu-north-1")
CREATOR = "arn:aws:iam::111111111111:role/deployer"


def _only(template: Template, resource_type: str) -> tuple[str, dict]:
    [(logical_id, resource)] = template.find_resources(resource_type).items()
    return logical_id, resource


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("kb-oss")))
    stack = cdk.Stack(app, "Oss", env=ENV)
    ServerlessKnowledgeBase(stack, "Kb", vector_store=VectorStore.opensearch_serverless())
    return synth_checked(app)


@pytest.fixture(scope="module")
def template(assembly) -> Template:
    return Template.from_json(assembly.get_stack_by_name("Oss").template)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """Production, a user's key, another model and an explicit index creator."""
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("kb-oss-prod")))
    stack = cdk.Stack(app, "OssProd", env=ENV)
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    kb = ServerlessKnowledgeBase(
        stack,
        "Kb",
        vector_store=VectorStore.opensearch_serverless(production=True, index_creator_arn=CREATOR),
        encryption_key=key,
        embedding_model=COHERE_EMBED_ENGLISH_V3,
    )
    assembly = synth_checked(app)
    return kb, key, assembly, Template.from_json(assembly.get_stack_by_name("OssProd").template)


def test_passes_every_check_and_lints_clean(assembly, capsys) -> None:
    # synth_checked already failed on any unacknowledged AwsSolutions error
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []
    capsys.readouterr()
    assert main(["lint", assembly.directory]) == 0
    out = capsys.readouterr().out
    assert "GenAI-VectorSearchStandbyReplicas" not in out
    # the deliberate choice is acknowledged, not hidden
    assert "GenAI-KnowledgeBaseVectorStore" in out and "acknowledged" in out


def test_a_vector_search_collection_without_standby_replicas_by_default(template) -> None:
    _, collection = _only(template, "AWS::OpenSearchServerless::Collection")
    assert collection["Properties"]["Type"] == "VECTORSEARCH"
    assert collection["Properties"]["StandbyReplicas"] == "DISABLED"
    assert template.find_resources("AWS::S3Vectors::VectorBucket") == {}
    # an AWS owned key: the collection shares the OCUs of the account's other collections
    assert [k for k in template.find_resources("AWS::KMS::Key") if "VectorKey" in k] == []
    encryption = [
        policy["Properties"]
        for policy in template.find_resources("AWS::OpenSearchServerless::SecurityPolicy").values()
        if policy["Properties"]["Type"] == "encryption"
    ]
    [props] = encryption
    assert json.loads(props["Policy"])["AWSOwnedKey"] is True


def test_production_turns_standby_replicas_on_and_uses_the_given_key(production) -> None:
    kb, key, assembly, template = production
    _, collection = _only(template, "AWS::OpenSearchServerless::Collection")
    assert collection["Properties"]["StandbyReplicas"] == "ENABLED"
    assert kb.encryption_key is key
    # acknowledged, with its reason: standby replicas are what production asked for
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []
    [policy] = [
        p["Properties"]
        for p in template.find_resources("AWS::OpenSearchServerless::SecurityPolicy").values()
        if p["Properties"]["Type"] == "encryption"
    ]
    text = json.dumps(policy["Policy"])
    assert "KmsARN" in text and template.find_resources("AWS::KMS::Key")


def test_the_index_is_a_knn_vector_of_the_embedding_dimension(template, production) -> None:
    for each, dimension in ((template, 512), (production[3], 1024)):
        _, index = _only(each, "AWS::OpenSearchServerless::Index")
        vector = index["Properties"]["Mappings"]["Properties"][
            "bedrock-knowledge-base-default-vector"
        ]
        assert vector["Type"] == "knn_vector"
        assert vector["Dimension"] == dimension
        assert vector["Method"]["Engine"] == "faiss"
        assert vector["Method"]["Name"] == "hnsw"
        assert index["Properties"]["Settings"]["Index"]["Knn"] is True


def test_the_knowledge_base_stores_in_the_collection_after_its_index(template) -> None:
    collection_id, _ = _only(template, "AWS::OpenSearchServerless::Collection")
    index_id, index = _only(template, "AWS::OpenSearchServerless::Index")
    _, knowledge_base = _only(template, "AWS::Bedrock::KnowledgeBase")
    storage = knowledge_base["Properties"]["StorageConfiguration"]
    assert storage == {
        "Type": "OPENSEARCH_SERVERLESS",
        "OpensearchServerlessConfiguration": {
            "CollectionArn": {"Fn::GetAtt": [collection_id, "Arn"]},
            "VectorIndexName": index["Properties"]["IndexName"],
            "FieldMapping": {
                "VectorField": "bedrock-knowledge-base-default-vector",
                "TextField": "AMAZON_BEDROCK_TEXT_CHUNK",
                "MetadataField": "AMAZON_BEDROCK_METADATA",
            },
        },
    }
    assert index_id in knowledge_base["DependsOn"]
    assert index["Properties"]["CollectionEndpoint"] == {
        "Fn::GetAtt": [collection_id, "CollectionEndpoint"]
    }


def test_the_data_access_policy_names_the_role_and_the_index_creator(template, production) -> None:
    role_id = _role_id(template)
    _, access = _only(template, "AWS::OpenSearchServerless::AccessPolicy")
    text = json.dumps(access["Properties"]["Policy"])
    assert role_id in text
    assert "cfn-exec-role" in text  # the bootstrap's CloudFormation execution role
    _, prod_access = _only(production[3], "AWS::OpenSearchServerless::AccessPolicy")
    assert CREATOR in json.dumps(prod_access["Properties"]["Policy"])
    index_id, index = _only(template, "AWS::OpenSearchServerless::Index")
    access_id, _ = _only(template, "AWS::OpenSearchServerless::AccessPolicy")
    assert access_id in index["DependsOn"]
    # and the role may call the collection's API
    statements = [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    collection_id, _ = _only(template, "AWS::OpenSearchServerless::Collection")
    assert {
        "Action": "aoss:APIAccessAll",
        "Effect": "Allow",
        "Resource": {"Fn::GetAtt": [collection_id, "Arn"]},
    } in statements


def test_collection_waits_for_its_encryption_and_network_policies(template) -> None:
    _, collection = _only(template, "AWS::OpenSearchServerless::Collection")
    policies = template.find_resources("AWS::OpenSearchServerless::SecurityPolicy")
    assert {p["Properties"]["Type"] for p in policies.values()} == {"encryption", "network"}
    assert set(policies) <= set(collection["DependsOn"])


def test_another_synthesizer_needs_the_index_creator() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Legacy", synthesizer=cdk.LegacyStackSynthesizer())
    with pytest.raises(ValueError, match="index_creator_arn"):
        ServerlessKnowledgeBase(stack, "Kb", vector_store=VectorStore.opensearch_serverless())


def test_vector_store_must_be_a_vector_store() -> None:
    stack = cdk.Stack(cdk.App(), "Bad")
    with pytest.raises(TypeError, match="vector_store"):
        ServerlessKnowledgeBase(stack, "Kb", vector_store="OPENSEARCH_SERVERLESS")  # type: ignore[arg-type]


def _role_id(template: Template) -> str:
    [role_id] = [
        logical_id
        for logical_id, role in template.find_resources("AWS::IAM::Role").items()
        if role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        == {"Service": "bedrock.amazonaws.com"}
    ]
    return role_id


def test_one_stack_deployed_under_two_names_gets_two_collection_names() -> None:
    names = set()
    for stack_name in ("Rag-dev", "Rag-prod"):
        stack = cdk.Stack(cdk.App(), "Rag", stack_name=stack_name, env=ENV)
        kb = ServerlessKnowledgeBase(stack, "Kb", vector_store=VectorStore.opensearch_serverless())
        assert kb.collection is not None
        names.add(kb.collection.name)
    assert len(names) == 2
