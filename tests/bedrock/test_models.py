"""BedrockModel (catalog choice, region check, parameters) and PromptRouter."""

from __future__ import annotations

import csv
import json
import re

import aws_cdk as cdk
import botocore.session
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template
from compliance import cfn_lint_errors, our_findings, synth_checked

from green_constructs.availability import AVAILABILITY_METADATA, NotOfferedError
from green_constructs.bedrock import BedrockModel, PromptRouter
from green_constructs.bedrock.models import MODEL_METADATA, TABLE, bedrock_models
from green_constructs.bedrock.prompt_router import ROUTABLE_MODELS

US_EAST_1 = cdk.Environment(account="111111111111", region="us-east-1")
SIZE_CLASSES = {"small": 0, "medium": 1, "large": 2}


def _stack(env: cdk.Environment | None = US_EAST_1) -> cdk.Stack:
    return cdk.Stack(cdk.App(), "S", env=env)


@pytest.fixture(scope="module")
def router_assembly(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("router")))
    stack = cdk.Stack(app, "Router", env=US_EAST_1)
    router = PromptRouter(
        stack,
        "Chat",
        small=BedrockModel.smallest("anthropic.claude"),
        large=BedrockModel.of("anthropic.claude-3-5-sonnet-20240620-v1:0"),
    )
    router.grant_invoke(iam.Role(stack, "Client", assumed_by=iam.AccountRootPrincipal()))
    return synth_checked(app)


@pytest.fixture(scope="module")
def router_template(router_assembly) -> Template:
    return Template.from_json(router_assembly.get_stack_by_name("Router").template)


# --- the catalog table ---------------------------------------------------------------------


def test_every_row_is_sourced_dated_and_uses_the_apis_vocabulary() -> None:
    session = botocore.session.get_session()
    model = session.get_service_model("bedrock")
    modalities = set(model.shape_for("ModelModality").enum)
    regions = set(session.get_available_regions("bedrock"))
    with TABLE.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[-2:] == ["source", "retrieved"]
    for row in bedrock_models():
        assert "docs.aws.amazon.com/bedrock" in row.source, row.model_id
        assert re.match(r"\d{4}-\d{2}-\d{2} \(hand-transcribed\)$", row.retrieved)
        assert set(row.input_modalities + row.output_modalities) <= modalities
        assert row.regions and set(row.regions) <= regions, row.model_id
        assert row.confidence in {"high", "medium", "low"}
        assert re.fullmatch(r"[a-z0-9-]+\.[a-z0-9.-]+(:\d+)?", row.model_id)


def test_size_ranks_agree_with_the_estimators_size_classes() -> None:
    """Within a family, a smaller rank never has a larger size class
    (bedrock_model_sizes.csv, longest id prefix)."""
    with (TABLE.parent / "bedrock_model_sizes.csv").open(encoding="utf-8") as handle:
        classes = {row["model"]: row["size_class"] for row in csv.DictReader(handle)}

    def size_class(model_id: str) -> str:
        prefix = max((p for p in classes if model_id.startswith(p)), key=len)
        return classes[prefix]

    for a in bedrock_models():
        for b in bedrock_models():
            if a.family == b.family and a.size_rank < b.size_rank:
                assert SIZE_CLASSES[size_class(a.model_id)] <= SIZE_CLASSES[size_class(b.model_id)]


# --- choosing ------------------------------------------------------------------------------


def test_an_unknown_id_names_the_prop_and_lists_the_allowed_ids() -> None:
    with pytest.raises(ValueError) as error:
        BedrockModel.of("anthropic.claude-9-giant")
    message = str(error.value)
    assert message.startswith("model_id: 'anthropic.claude-9-giant' is not in")
    for row in bedrock_models():
        assert row.model_id in message


@pytest.mark.parametrize(
    ("family", "capability", "expected"),
    [
        ("amazon.nova", "text", "amazon.nova-micro-v1:0"),
        ("anthropic.claude", "text", "anthropic.claude-3-haiku-20240307-v1:0"),
        ("meta.llama", "text", "meta.llama3-1-8b-instruct-v1:0"),
        ("mistral", "text", "mistral.mistral-7b-instruct-v0:2"),
        ("amazon.titan-embed", "embedding", "amazon.titan-embed-text-v2:0"),
    ],
)
def test_smallest_picks_the_smallest_of_the_family(family, capability, expected) -> None:
    model = BedrockModel.smallest(family, capability)
    assert model.model_id == expected
    assert model.size_rank == 1
    assert model.chosen_by == "smallest"


def test_smallest_filters_by_region_and_batch_support() -> None:
    assert (
        BedrockModel.smallest("mistral", batch_inference=True).model_id
        == "mistral.mistral-large-2407-v1:0"
    )
    assert (
        BedrockModel.smallest("anthropic.claude", region="eu-central-1").model_id
        == "anthropic.claude-3-haiku-20240307-v1:0"
    )
    with pytest.raises(ValueError, match="family: no text model of meta.llama in eu-west-1"):
        BedrockModel.smallest("meta.llama", region="eu-west-1")
    with pytest.raises(ValueError, match="family: 'openai' is not in the catalog"):
        BedrockModel.smallest("openai")
    with pytest.raises(ValueError, match="capability"):
        BedrockModel.smallest("amazon.nova", "video")


def test_a_geography_prefix_is_a_cross_region_inference_profile() -> None:
    model = BedrockModel.of("us.amazon.nova-micro-v1:0")
    assert (model.geography, model.base_model_id) == ("us", "amazon.nova-micro-v1:0")
    assert model.is_inference_profile
    stack = _stack()
    arns = [stack.resolve(arn) for arn in model.invoke_arns(stack)]
    assert ":inference-profile/us.amazon.nova-micro-v1:0" in json.dumps(arns[0])
    assert ":bedrock:*::foundation-model/amazon.nova-micro-v1:0" in json.dumps(arns[1])


@pytest.mark.parametrize(
    ("params", "prop"),
    [
        ({"temperature": 1.5}, "temperature"),
        ({"temperature": float("nan")}, "temperature"),
        ({"top_p": -0.1}, "top_p"),
        ({"top_k": 0}, "top_k"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"max_tokens": True}, "max_tokens"),
    ],
)
def test_inference_parameters_are_validated(params, prop) -> None:
    with pytest.raises(ValueError, match=f"^{prop} must be"):
        BedrockModel.of("amazon.nova-micro-v1:0", **params)


def test_default_parameters_and_converse_config() -> None:
    params = BedrockModel.of("amazon.nova-micro-v1:0", top_p=0.9).inference_parameters
    assert params.to_metadata() == {"temperature": 0.2, "top_p": 0.9, "max_tokens": 512}
    assert params.converse_config() == {"maxTokens": 512, "temperature": 0.2, "topP": 0.9}


# --- binding to a stack ----------------------------------------------------------------------


def test_a_model_not_offered_in_the_stacks_region_fails_naming_the_prop() -> None:
    stack = _stack(cdk.Environment(account="111111111111", region="eu-west-1"))
    with pytest.raises(NotOfferedError) as error:
        BedrockModel.of("amazon.nova-micro-v1:0").bind(stack, prop="small")
    assert str(error.value).startswith(
        "small: Amazon Bedrock model amazon.nova-micro-v1:0 is not offered in eu-west-1; "
        "offered in (greenest first): us-east-1"
    )


def test_an_inference_profile_must_serve_the_stacks_region() -> None:
    BedrockModel.of("eu.anthropic.claude-3-haiku-20240307-v1:0").bind(
        _stack(cdk.Environment(account="111111111111", region="eu-west-1"))
    )
    with pytest.raises(NotOfferedError, match="model: the inference profile eu.anthropic"):
        BedrockModel.of("eu.anthropic.claude-3-haiku-20240307-v1:0").bind(_stack())


def test_a_region_token_skips_the_check_with_a_metadata_note() -> None:
    stack = _stack(env=None)
    BedrockModel.of("amazon.nova-micro-v1:0").bind(stack)
    template = Template.from_stack(stack).to_json()
    assert template["Metadata"][AVAILABILITY_METADATA] == [
        "Amazon Bedrock model amazon.nova-micro-v1:0"
    ]


def test_binding_records_the_choice_in_construct_metadata() -> None:
    stack = _stack()
    BedrockModel.smallest("amazon.nova", max_tokens=256).bind(stack, prop="model")
    [entry] = [m for m in stack.node.metadata if m.type == MODEL_METADATA]
    assert entry.data["model_id"] == "amazon.nova-micro-v1:0"
    assert entry.data["chosen_by"] == "smallest"
    assert entry.data["inference_parameters"] == {"temperature": 0.2, "max_tokens": 256}
    assert "bedrock_models.csv" in entry.data["catalog"]


def test_batch_binding_refuses_models_without_batch_inference() -> None:
    with pytest.raises(ValueError, match="^model: meta.llama3-8b-instruct-v1:0 does not take"):
        BedrockModel.of("meta.llama3-8b-instruct-v1:0").bind(_stack(), batch_inference=True)


# --- PromptRouter --------------------------------------------------------------------------


def test_router_passes_every_check(router_assembly) -> None:
    assert our_findings(router_assembly) == []
    assert cfn_lint_errors(router_assembly) == []


def test_router_routes_between_the_two_models_falling_back_to_the_large(router_template) -> None:
    def arn(model_id: str) -> dict:
        return {
            "ModelArn": {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        f":bedrock:us-east-1::foundation-model/{model_id}",
                    ],
                ]
            }
        }

    small, large = (
        "anthropic.claude-3-haiku-20240307-v1:0",
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
    )
    router_template.has_resource_properties(
        "AWS::Bedrock::IntelligentPromptRouter",
        {
            "Models": [arn(small), arn(large)],
            "FallbackModel": arn(large),
            "RoutingCriteria": {"ResponseQualityDifference": 10},
            "PromptRouterName": Match.string_like_regexp(r"^[0-9a-zA-Z]+$"),
        },
    )
    router_template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {
                            "Action": [
                                "bedrock:InvokeModel",
                                "bedrock:InvokeModelWithResponseStream",
                            ],
                            "Resource": Match.array_with(
                                [
                                    {
                                        "Fn::GetAtt": [
                                            Match.string_like_regexp("ChatRouter"),
                                            "PromptRouterArn",
                                        ]
                                    }
                                ]
                            ),
                        }
                    )
                ]
            }
        },
    )


def test_router_default_child_is_the_l1_router() -> None:
    from aws_cdk import aws_bedrock as bedrock

    router = PromptRouter(
        _stack(),
        "Router",
        small=BedrockModel.of("amazon.nova-lite-v1:0"),
        large=BedrockModel.of("amazon.nova-pro-v1:0"),
    )
    assert isinstance(router.node.default_child, bedrock.CfnIntelligentPromptRouter)
    assert router.fallback is router.large


def test_router_models_of_different_families_are_rejected() -> None:
    with pytest.raises(ValueError, match="^small, large, fallback: a prompt router routes within"):
        PromptRouter(
            _stack(),
            "Mixed",
            small=BedrockModel.of("amazon.nova-micro-v1:0"),
            large=BedrockModel.of("anthropic.claude-3-5-sonnet-20240620-v1:0"),
        )


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {
                "small": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                "large": "anthropic.claude-3-haiku-20240307-v1:0",
            },
            "^small: anthropic.claude-3-5-sonnet",
        ),
        ({"response_quality_difference": 101}, "^response_quality_difference must be"),
        ({"response_quality_difference": -1}, "^response_quality_difference must be"),
        ({"router_name": "no/slashes"}, "^router_name must be"),
    ],
)
def test_router_props_are_validated(props, message) -> None:
    small = BedrockModel.of(props.pop("small", "amazon.nova-lite-v1:0"))
    large = BedrockModel.of(props.pop("large", "amazon.nova-pro-v1:0"))
    with pytest.raises(ValueError, match=message):
        PromptRouter(_stack(), "Router", small=small, large=large, **props)


@pytest.mark.parametrize(
    ("small", "large", "prop"),
    [
        ("amazon.nova-micro-v1:0", "amazon.nova-pro-v1:0", "small"),
        ("meta.llama3-8b-instruct-v1:0", "meta.llama3-70b-instruct-v1:0", "small"),
        ("meta.llama3-1-8b-instruct-v1:0", "meta.llama3-70b-instruct-v1:0", "large"),
        ("mistral.mistral-7b-instruct-v0:2", "mistral.mistral-large-2407-v1:0", "small"),
    ],
)
def test_models_prompt_routers_do_not_route_to_are_refused_unless_allowed(
    small, large, prop
) -> None:
    models = {"small": BedrockModel.of(small), "large": BedrockModel.of(large)}
    with pytest.raises(
        ValueError,
        match=rf"^{prop}: Bedrock prompt routers do not route to .*allowed: amazon.nova-lite-v1:0, ",
    ):
        PromptRouter(_stack(), "Router", **models)
    # an environment-agnostic stack: the models' regions are not the point here
    router = PromptRouter(_stack(None), "Router", **models, allow_unlisted_models=True)
    assert router.small.model_id == small


def test_an_inference_profile_of_a_routable_model_is_accepted() -> None:
    router = PromptRouter(
        _stack(),
        "Router",
        small=BedrockModel.of("us.amazon.nova-lite-v1:0"),
        large=BedrockModel.of("us.amazon.nova-pro-v1:0"),
    )
    assert router.large.base_model_id in ROUTABLE_MODELS


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"allow_unlisted_models": "yes"}, "^allow_unlisted_models must be True or False"),
        ({"small": "amazon.nova-lite-v1:0"}, "^small must be a BedrockModel, got 'amazon"),
        ({"response_quality_difference": "10"}, "^response_quality_difference must be a finite"),
        ({"router_name": 7}, "^router_name must be 1-64 letters"),
    ],
)
def test_router_props_of_the_wrong_kind_are_refused(props, message) -> None:
    models = {"small": BedrockModel.of("amazon.nova-lite-v1:0")}
    models["large"] = BedrockModel.of("amazon.nova-pro-v1:0")
    with pytest.raises(TypeError, match=message):
        PromptRouter(_stack(), "Router", **{**models, **props})


def test_router_takes_token_name_description_and_difference() -> None:
    stack = _stack()
    difference = cdk.CfnParameter(stack, "Difference", type="Number").value_as_number
    name = cdk.CfnParameter(stack, "Name").value_as_string
    router = PromptRouter(
        stack,
        "Router",
        small=BedrockModel.of("amazon.nova-lite-v1:0"),
        large=BedrockModel.of("amazon.nova-pro-v1:0"),
        response_quality_difference=difference,
        router_name=name,
        description=cdk.Fn.import_value("RouterDescription"),
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::Bedrock::IntelligentPromptRouter",
        {
            "PromptRouterName": {"Ref": "Name"},
            "Description": {"Fn::ImportValue": "RouterDescription"},
            "RoutingCriteria": {"ResponseQualityDifference": {"Ref": "Difference"}},
        },
    )
    notes = [e.data for e in router.node.metadata if e.type == "green-constructs:unchecked"]
    assert [note.split(" ")[0] for note in notes] == [
        "response_quality_difference",
        "router_name",
        "description",
    ]


def test_router_fallback_must_be_a_routed_model() -> None:
    with pytest.raises(ValueError, match="^fallback: amazon.nova-micro-v1:0 must be one of"):
        PromptRouter(
            _stack(),
            "Router",
            small=BedrockModel.of("amazon.nova-lite-v1:0"),
            large=BedrockModel.of("amazon.nova-pro-v1:0"),
            fallback=BedrockModel.of("amazon.nova-micro-v1:0"),
        )


def test_router_schema_range_matches_the_cloudformation_schema() -> None:
    from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

    from green_constructs.bedrock.prompt_router import QUALITY_DIFFERENCE_RANGE

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(
        "us-east-1", "AWS::Bedrock::IntelligentPromptRouter"
    ).schema
    criteria = schema["definitions"]["RoutingCriteria"]["properties"]["ResponseQualityDifference"]
    assert (criteria["minimum"], criteria["maximum"]) == QUALITY_DIFFERENCE_RANGE
    assert {"FallbackModel", "Models", "PromptRouterName", "RoutingCriteria"} <= set(
        schema["required"]
    )
