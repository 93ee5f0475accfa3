"""Neuron DLC image URIs: per-region registries, FindInMap for env-agnostic stacks, clear errors."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from green_constructs.inference.images import MAPPING_ID, neuron_dlc_image, neuron_image_regions

REPOSITORY = "huggingface-vllm-inference-neuronx"
TAG = "0.11.0-optimum0.4.5-neuronx-py310-sdk2.26.1-ubuntu22.04"


def _stack(region: str | None = None) -> cdk.Stack:
    env = cdk.Environment(account="111111111111", region=region) if region else None
    return cdk.Stack(cdk.App(), "Images", env=env)


@pytest.mark.parametrize(
    ("region", "account"),
    [("eu-north-1", "763104351884"), ("us-east-1", "763104351884"), ("ap-southeast-4", "457447274322")],
)
def test_concrete_region_gives_a_plain_uri_from_that_regions_registry(region, account) -> None:
    image = neuron_dlc_image(_stack(region), repository=REPOSITORY, tag=TAG)
    assert image.uri == f"{account}.dkr.ecr.{region}.amazonaws.com/{REPOSITORY}:{TAG}"
    assert (image.account, image.region) == (account, region)


def test_allowed_regions_host_the_images_and_offer_neuron() -> None:
    regions = neuron_image_regions()
    assert {"us-east-1", "us-west-2", "eu-north-1", "eu-west-1", "ap-southeast-4"} <= set(regions)
    assert not {"us-west-1", "ca-central-1", "cn-north-1", "us-gov-west-1"} & set(regions)


@pytest.mark.parametrize(
    ("region", "why"),
    [
        ("us-west-1", "offers no Neuron"),  # registry, no Inferentia2/Trainium
        ("ap-southeast-6", "is not known to offer Neuron"),  # registry, not in the grid data
        ("mars-north-1", "has no Deep Learning Container registry"),
    ],
)
def test_unusable_region_fails_naming_it_and_listing_allowed_regions(region, why) -> None:
    with pytest.raises(ValueError) as raised:
        neuron_dlc_image(_stack(region), repository=REPOSITORY, tag=TAG)
    message = str(raised.value)
    assert message.startswith(f"region: {region} {why}")
    assert "allowed regions: ap-northeast-1, " in message and "eu-north-1" in message


@pytest.fixture(scope="module")
def agnostic() -> Template:
    stack = _stack()
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    for name in ("One", "Two"):  # two images share one mapping
        image = neuron_dlc_image(stack, repository=REPOSITORY, tag=TAG)
        image.grant_pull(role)
        cdk.CfnOutput(stack, name, value=image.uri)
    return Template.from_stack(stack)


def test_env_agnostic_stack_maps_every_allowed_region_to_its_account(agnostic) -> None:
    mappings = agnostic.to_json()["Mappings"]
    assert list(mappings) == [MAPPING_ID]
    assert mappings[MAPPING_ID] == {
        region: {"account": "457447274322" if region == "ap-southeast-4" else "763104351884"}
        for region in neuron_image_regions()
    }


def test_env_agnostic_uri_finds_the_account_in_the_map(agnostic) -> None:
    find = {"Fn::FindInMap": [MAPPING_ID, {"Ref": "AWS::Region"}, "account"]}
    agnostic.has_output(
        "One",
        {
            "Value": {
                "Fn::Join": [
                    "",
                    [
                        find, ".dkr.ecr.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"},
                        f"/{REPOSITORY}:{TAG}",
                    ],
                ]
            }
        },
    )
    statements = agnostic.to_json()["Resources"]
    policy = next(r for r in statements.values() if r["Type"] == "AWS::IAM::Policy")
    pull = policy["Properties"]["PolicyDocument"]["Statement"][0]
    assert pull["Action"] == ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    assert find in pull["Resource"]["Fn::Join"][1]
