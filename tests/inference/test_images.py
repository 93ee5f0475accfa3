"""Neuron DLC image URIs: regions and accounts from the SDK's image tables, FindInMap for
env-agnostic stacks, clear errors where an image is not published."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from green_constructs.availability import AVAILABILITY_METADATA, NotOfferedError
from green_constructs.catalog import Catalog
from green_constructs.inference.images import (
    image_regions,
    image_registries,
    mapping_id,
    neuron_dlc_image,
)

VLLM = "huggingface-vllm-inference-neuronx"
VLLM_TAG = "0.11.0-optimum0.4.4-neuronx-py310-sdk2.26.1-ubuntu22.04"
TGI = "huggingface-pytorch-tgi-inference"
TGI_TAG = "2.7.0-optimum3.3.6-neuronx-py310-ubuntu22.04"


def _stack(region: str | None = None) -> cdk.Stack:
    env = cdk.Environment(account="111111111111", region=region) if region else None
    return cdk.Stack(cdk.App(), "Images", env=env)


@pytest.mark.parametrize(
    ("repository", "tag", "region", "account"),
    [
        (VLLM, VLLM_TAG, "eu-west-3", "763104351884"),
        (VLLM, VLLM_TAG, "us-east-1", "763104351884"),
        (TGI, TGI_TAG, "eu-north-1", "763104351884"),
        (TGI, TGI_TAG, "ap-southeast-4", "457447274322"),
    ],
)
def test_a_region_publishing_the_image_gets_a_plain_uri_from_its_registry(
    repository, tag, region, account
) -> None:
    image = neuron_dlc_image(_stack(region), repository=repository, tag=tag)
    assert image.uri == f"{account}.dkr.ecr.{region}.amazonaws.com/{repository}:{tag}"
    assert (image.account, image.region) == (account, region)


def test_the_vllm_image_is_published_in_the_sdks_eleven_regions_only() -> None:
    regions = image_regions(VLLM, VLLM_TAG)
    assert len(regions) == 11
    assert {"us-east-1", "us-west-2", "eu-west-3", "sa-east-1", "ap-south-1"} <= set(regions)
    assert not {"eu-north-1", "eu-west-2", "ap-southeast-4"} & set(regions)


def test_regions_come_greenest_first() -> None:
    catalog = Catalog.default()
    intensities = [catalog.region(r).kgco2e_per_kwh for r in image_regions(VLLM, VLLM_TAG)]
    assert intensities == sorted(intensities)


@pytest.mark.parametrize(
    ("repository", "tag", "region"),
    [(VLLM, VLLM_TAG, "eu-north-1"), (VLLM, VLLM_TAG, "eu-west-2"), (TGI, TGI_TAG, "mars-north-1")],
)
def test_a_region_not_publishing_the_image_fails_naming_property_region_and_regions(
    repository, tag, region
) -> None:
    with pytest.raises(NotOfferedError) as raised:
        neuron_dlc_image(_stack(region), repository=repository, tag=tag, property_name="source")
    message = str(raised.value)
    assert message.startswith(f"source: image {repository}:{tag} is not published in {region}; ")
    greenest = image_regions(repository, tag)
    assert f"published in (greenest first): {', '.join(greenest)}" in message


def test_a_tag_the_tables_do_not_list_takes_its_repositorys_regions() -> None:
    unlisted = image_registries(VLLM, "9.9.9-neuronx-py310-sdk9.9.9-ubuntu22.04")
    listed = {r for i in Catalog.default().dlc_images(VLLM) for r in i.regions}
    assert set(unlisted) == listed


@pytest.fixture(scope="module")
def agnostic() -> Template:
    stack = _stack()
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    for name in ("One", "Two"):  # two uses of one image share one mapping
        image = neuron_dlc_image(stack, repository=VLLM, tag=VLLM_TAG)
        image.grant_pull(role)
        cdk.CfnOutput(stack, name, value=image.uri)
    return Template.from_stack(stack)


def test_env_agnostic_stack_maps_the_publishing_regions_to_their_accounts(agnostic) -> None:
    mappings = agnostic.to_json()["Mappings"]
    assert list(mappings) == [mapping_id(VLLM, VLLM_TAG)]
    assert mappings[mapping_id(VLLM, VLLM_TAG)] == {
        region: {"account": account}
        for region, account in sorted(image_registries(VLLM, VLLM_TAG).items())
    }


def test_env_agnostic_stack_notes_the_unchecked_image_in_its_metadata(agnostic) -> None:
    notes = agnostic.to_json()["Metadata"][AVAILABILITY_METADATA]
    assert notes == [f"image {VLLM}:{VLLM_TAG} (published in 11 regions)"]


def test_env_agnostic_uri_finds_the_account_in_the_map(agnostic) -> None:
    find = {"Fn::FindInMap": [mapping_id(VLLM, VLLM_TAG), {"Ref": "AWS::Region"}, "account"]}
    agnostic.has_output(
        "One",
        {
            "Value": {
                "Fn::Join": [
                    "",
                    [
                        find,
                        ".dkr.ecr.",
                        {"Ref": "AWS::Region"},
                        ".",
                        {"Ref": "AWS::URLSuffix"},
                        f"/{VLLM}:{VLLM_TAG}",
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
