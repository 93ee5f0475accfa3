"""Previous-generation instance types fail synth naming a type the construct's feature takes."""

from __future__ import annotations

import re

import pytest

from green_constructs.catalog import Catalog
from green_constructs.inference._instances import check_current_generation

PREVIOUS = (
    "ml.m4.xlarge",
    "ml.c4.2xlarge",
    "ml.r4.large",
    "ml.t2.medium",
    "ml.p2.xlarge",
    "ml.p3.2xlarge",
    "ml.p3.16xlarge",
    "ml.g4dn.xlarge",
    "ml.g4dn.12xlarge",
    "ml.inf1.xlarge",
)


@pytest.mark.parametrize("feature", ["hosting", "transform", "training"])
@pytest.mark.parametrize("instance_type", PREVIOUS)
def test_the_suggestion_is_a_type_the_feature_takes(instance_type, feature) -> None:
    with pytest.raises(ValueError, match="is a previous-generation instance; use ") as raised:
        check_current_generation("instance_type", instance_type, feature=feature)
    suggested = re.search(r"; use (.+?) \(allowed", str(raised.value)).group(1)
    if suggested != "a current-generation type":
        assert Catalog.default().api_accepts(suggested, feature) is True, suggested


@pytest.mark.parametrize(
    ("feature", "use"),
    [("hosting", "ml.p5.4xlarge"), ("transform", "ml.g6.xlarge"), ("training", "ml.trn1.2xlarge")],
)
def test_trainium_is_suggested_for_training_only(feature, use) -> None:
    message = rf"^instance_type: ml\.p3\.2xlarge is a previous-generation instance; use {use} "
    with pytest.raises(ValueError, match=message):
        check_current_generation("instance_type", "ml.p3.2xlarge", feature=feature)
