"""One verdict everywhere: under whichever cdk-nag major is installed, the packs report at synth
exactly what ``green-constructs lint`` reports on the synthesized ``cdk.out``, as (rule id,
template, logical id), for the default app, every example and L2 constructs whose properties
are lazy values until synthesis. One synth per app."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_bedrock as bedrock
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchserverless as aoss
from aws_cdk import aws_s3 as s3
from nag_findings import Key, lint_findings, nag_findings

from app import build_app as build_default_app
from green_constructs.inference import AsyncInferenceEndpoint, HuggingFaceNeuronModel
from green_constructs.nag import enable_sustainability_checks

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.parent.name for p in (ROOT / "examples").glob("*/app.py"))
# A region that publishes the Neuron serving image AsyncInferenceEndpoint picks.
ENV = cdk.Environment(account="111111111111", region="eu-west-3")
CODE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
EXPIRE = [s3.LifecycleRule(expiration=cdk.Duration.days(30))]


def _example(name: str) -> Callable[[str], cdk.App]:
    def build(outdir: str) -> cdk.App:
        path = ROOT / "examples" / name / "app.py"
        spec = importlib.util.spec_from_file_location(f"parity_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.build_app(outdir=outdir)

    return build


def _function(scope: cdk.Stack, construct_id: str, **props) -> lambda_.Function:
    return lambda_.Function(
        scope,
        construct_id,
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=CODE,
        **props,
    )


def _key(rule_id: str, construct) -> Key:
    """The finding ``rule_id`` would be on the resource of the L2 (or L1) ``construct``."""
    resource = construct if isinstance(construct, cdk.CfnResource) else construct.node.default_child
    stack = cdk.Stack.of(resource)
    return (rule_id, stack.template_file, stack.resolve(stack.get_logical_id(resource)))


def _collection(scope: cdk.Stack, construct_id: str) -> aoss.CfnCollection:
    return aoss.CfnCollection(scope, construct_id, name=construct_id.lower(), type="VECTORSEARCH")


def _bedrock_stacks(app: cdk.App) -> set[Key]:
    """Bedrock L1s in N. Virginia (a region GenAI-RegionCarbonIntensity flags for Titan
    embeddings, which Oregon offers): a knowledge base on an OpenSearch Serverless collection
    with the default standby replicas, model invocation logs kept forever; and the same
    collection in a stack tagged as production (stack tags reach its resources' Tags)."""
    region = cdk.Environment(account="111111111111", region="us-east-1")
    stack = cdk.Stack(app, "BedrockFixture", env=region)
    kb = bedrock.CfnKnowledgeBase
    collection = _collection(stack, "Vectors")
    base = kb(
        stack,
        "KnowledgeBase",
        name="manuals",
        role_arn=f"arn:aws:iam::{stack.account}:role/kb",
        knowledge_base_configuration=kb.KnowledgeBaseConfigurationProperty(
            type="VECTOR",
            vector_knowledge_base_configuration=kb.VectorKnowledgeBaseConfigurationProperty(
                embedding_model_arn=stack.format_arn(
                    service="bedrock",
                    account="",
                    resource="foundation-model",
                    resource_name="amazon.titan-embed-text-v2:0",
                )
            ),
        ),
        storage_configuration=kb.StorageConfigurationProperty(
            type="OPENSEARCH_SERVERLESS",
            opensearch_serverless_configuration=kb.OpenSearchServerlessConfigurationProperty(
                collection_arn=collection.attr_arn,
                vector_index_name="manuals",
                field_mapping=kb.OpenSearchServerlessFieldMappingProperty(
                    metadata_field="metadata", text_field="text", vector_field="vector"
                ),
            ),
        ),
    )
    invocations = logs.LogGroup(
        stack,
        "InvocationLogs",
        log_group_name="/aws/bedrock/modelinvocations",
        retention=logs.RetentionDays.INFINITE,
    )
    production = cdk.Stack(app, "BedrockProduction", env=region)
    cdk.Tags.of(production).add("environment", "production")
    _collection(production, "ProductionVectors")
    return {
        _key("GenAI-VectorSearchStandbyReplicas", collection),
        _key("GenAI-KnowledgeBaseVectorStore", base),
        _key("GenAI-RegionCarbonIntensity", base),
        _key("Sustainability-LogGroupRetention", invocations),
    }


def _l2_app(outdir: str) -> tuple[cdk.App, set[Key]]:
    """L2s whose L1 properties are lazy values, escape-hatch overrides, a cross-stack
    reference and a nested stack, with the findings the packs must report."""
    app = cdk.App(outdir=outdir)
    stack = cdk.Stack(app, "L2Fixture", env=ENV)
    plain = s3.Bucket(stack, "Plain")
    s3.Bucket(stack, "Expiring", lifecycle_rules=EXPIRE)
    versioned = s3.Bucket(stack, "Versioned", versioned=True, lifecycle_rules=EXPIRE)
    s3.Bucket(
        stack,
        "VersionsExpire",
        versioned=True,
        lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=cdk.Duration.days(30))],
    )
    later = s3.Bucket(stack, "RuleAddedLater")
    later.add_lifecycle_rule(expiration=cdk.Duration.days(7))
    forever = logs.LogGroup(stack, "Forever", retention=logs.RetentionDays.INFINITE)
    logs.LogGroup(stack, "Month", retention=logs.RetentionDays.ONE_MONTH)
    _function(stack, "Arm", architecture=lambda_.Architecture.ARM_64)
    x86 = _function(stack, "X86", architecture=lambda_.Architecture.X86_64)
    overridden = _function(stack, "Overridden")
    overridden.node.default_child.add_property_override("Architectures", ["arm64"])
    AsyncInferenceEndpoint(
        stack,
        "Llm",
        source=HuggingFaceNeuronModel(model_id="Qwen/Qwen3-4B", parameters_billion=4.0),
    )
    consumer = cdk.Stack(app, "Consumer", env=ENV)
    uses_bucket = _function(consumer, "UsesBucket", environment={"BUCKET": later.bucket_name})
    nested = cdk.NestedStack(consumer, "Inner")
    nested_forever = logs.LogGroup(nested, "NestedForever", retention=logs.RetentionDays.INFINITE)
    bedrock_findings = _bedrock_stacks(app)
    enable_sustainability_checks(app)
    return app, bedrock_findings | {
        _key("Sustainability-S3BucketLifecycle", plain),
        _key("Sustainability-S3NoncurrentVersionExpiration", versioned),
        _key("Sustainability-LogGroupRetention", forever),
        _key("Sustainability-LogGroupRetention", nested_forever),
        _key("Sustainability-LambdaGraviton", x86),
        _key("Sustainability-LambdaGraviton", uses_bucket),
    }


APPS: dict[str, Callable[[str], cdk.App]] = {
    "default": lambda outdir: build_default_app({"account": "210987654321"}, outdir=outdir),
    **{name: _example(name) for name in EXAMPLES},
}


@pytest.fixture(scope="module")
def l2(tmp_path_factory) -> tuple[set[Key], cdk.cx_api.CloudAssembly]:
    app, expected = _l2_app(str(tmp_path_factory.mktemp("l2")))
    return expected, app.synth()


@pytest.fixture(scope="module", params=[*APPS, "l2"])
def assembly(request, tmp_path_factory) -> cdk.cx_api.CloudAssembly:
    if request.param == "l2":
        return request.getfixturevalue("l2")[1]
    return APPS[request.param](str(tmp_path_factory.mktemp(request.param))).synth()


def test_packs_report_what_lint_reports(assembly) -> None:
    assert nag_findings(assembly) == lint_findings(assembly.directory)


def test_lazy_properties_and_overrides_are_read_as_synthesized(l2) -> None:
    expected, assembly = l2
    # the rules the fixture is written for; others may come to apply to the same resources
    rules = {rule for rule, _, _ in expected} | {
        "GenAI-AsyncScaleToZero",
        "GenAI-AsyncFailureHandling",
        "GenAI-EndpointMonitoring",
    }
    assert {k for k in nag_findings(assembly) if k[0] in rules} == expected


def test_compliant_l2_stack_passes_strict_synth(tmp_path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Compliant", env=ENV)
    s3.Bucket(stack, "Expiring", lifecycle_rules=EXPIRE)
    AsyncInferenceEndpoint(
        stack,
        "Llm",
        source=HuggingFaceNeuronModel(model_id="Qwen/Qwen3-4B", parameters_billion=4.0),
    )
    enable_sustainability_checks(app, strict=True)
    assert nag_findings(app.synth()) == set()  # cdk-nag 3 raises on a finding, 2 records errors
