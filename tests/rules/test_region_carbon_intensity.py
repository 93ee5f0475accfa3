"""GenAI-RegionCarbonIntensity flags the regions that matter: dirty grids with a much cleaner
region of the same geography offering the same instances, not every region but Stockholm."""

from __future__ import annotations

import pytest

from green_constructs.catalog import Catalog
from green_constructs.rules import RuleSettings, evaluate, get_rule
from green_constructs.rules.genai.region_carbon_intensity import geography

RULE = get_rule("GenAI-RegionCarbonIntensity")


def _endpoint(instance_type: str) -> dict:
    variant = {
        "VariantName": "A",
        "ModelName": "m",
        "InstanceType": instance_type,
        "InitialInstanceCount": 1,
    }
    return {
        "Resources": {
            "Config": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {"ProductionVariants": [variant]},
            }
        }
    }


@pytest.mark.parametrize("instance_type", ["ml.g5.2xlarge", "ml.inf2.xlarge"])
def test_a_minority_of_regions_is_flagged(instance_type) -> None:
    regions = Catalog.default().region_names()
    flagged = {r for r in regions if evaluate(_endpoint(instance_type), [RULE], region=r)}
    assert {"us-east-1", "eu-central-1"} <= flagged
    assert not flagged & {"eu-north-1", "us-west-2", "ap-south-1", "cn-north-1", "eu-west-2"}
    assert len(flagged) <= len(regions) // 4  # was 36 of 37 before the geography and floor


def test_floor_and_ratio_are_settings() -> None:
    template = _endpoint("ml.g5.2xlarge")
    assert evaluate(template, [RULE], region="eu-west-2") == []  # 0.176, below the floor
    lowered = RuleSettings(carbon_intensity_floor=0.1)
    assert evaluate(template, [RULE], region="eu-west-2", settings=lowered)
    assert (
        evaluate(
            template, [RULE], region="us-east-1", settings=RuleSettings(carbon_intensity_ratio=20)
        )
        == []
    )


@pytest.mark.parametrize(
    ("region", "area"),
    [
        ("us-east-1", "north-america"),
        ("ca-west-1", "north-america"),
        ("mx-central-1", "north-america"),
        ("sa-east-1", "south-america"),
        ("eu-north-1", "europe"),
        ("il-central-1", "middle-east"),
        ("me-central-1", "middle-east"),
        ("af-south-1", "africa"),
        ("ap-southeast-6", "asia-pacific"),
        ("cn-northwest-1", "china"),
        ("us-gov-west-1", "us-gov"),
        ("eusc-de-east-1", "eusc"),
        ("us-isob-east-1", "us-isob-east-1"),
    ],
)
def test_geography_follows_aws_region_groups_and_partitions(region, area) -> None:
    assert geography(region) == area
