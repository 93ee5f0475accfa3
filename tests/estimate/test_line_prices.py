"""Indicative cost: each line is priced with SageMaker's price for its instance type, feature
and region, with the price's own source; fallbacks say so. Embodied emissions cite
ccf-coefficients. (No grid figures here: another table.)"""

from __future__ import annotations

import pytest

from green_constructs.catalog import Catalog, Price
from green_constructs.estimate import instance_footprint
from green_constructs.estimate.footprint import price_coefficient

CATALOG = Catalog.default()
STOCKHOLM = Price(
    "ml.inf2.xlarge", "hosting", "eu-north-1", 1.05, "test snapshot @abc (2026-01-01)"
)


def _coefficient(found, prefix: str):
    return next(c for c in found.coefficients if c.name.startswith(prefix))


def test_a_line_costs_its_instance_hours_at_the_regions_sagemaker_price() -> None:
    catalog = CATALOG.with_prices([STOCKHOLM])
    found = instance_footprint(
        "ml.inf2.xlarge", hours=730, region="eu-north-1", count=2, catalog=catalog
    )
    assert found.usd == pytest.approx(2 * 730 * 1.05)  # instance-hours x price, by hand
    price = _coefficient(found, "price (")
    assert price.value == 1.05
    assert price.basis == "published"
    assert price.source == STOCKHOLM.source
    assert "eu-north-1" in price.unit


def test_the_shipped_price_cites_the_price_snapshot_not_the_embodied_source() -> None:
    found = instance_footprint("ml.inf2.xlarge", hours=10, region="us-east-1")
    price = _coefficient(found, "price (")
    embodied = _coefficient(found, "embodied emissions")
    assert found.usd == pytest.approx(10 * 0.99)
    assert price.source.startswith("johbro/ocp-ai-cost-modeler data/sagemaker-prices.json @9a0e3fe")
    assert "2026-04-21" in price.source
    assert embodied.value == 1900
    assert embodied.source.startswith(
        "cloud-carbon-footprint/ccf-coefficients data/aws-instances-latest-2026.csv @b0032d9"
    )
    assert price.source != embodied.source


def test_a_region_without_a_price_uses_us_east_1_and_says_so() -> None:
    found = instance_footprint("ml.inf2.xlarge", hours=10, region="ap-southeast-3")
    price = _coefficient(found, "price (")
    assert price.value == pytest.approx(0.99)
    assert price.basis == "fallback: us-east-1 price, no ap-southeast-3 price in the table"


def test_features_are_priced_as_their_usage_type_or_marked() -> None:
    shape = CATALOG.instance("ml.trn1.32xlarge")
    training = price_coefficient(shape, "training", "us-east-1", CATALOG)
    assert (training.value, training.basis) == (pytest.approx(24.73), "published")
    hyperpod = price_coefficient(shape, "hyperpod", "us-east-1", CATALOG)
    assert hyperpod.value == pytest.approx(24.73)
    assert hyperpod.basis == "fallback: training price, no hyperpod price in the table"
    asynchronous = price_coefficient(
        CATALOG.instance("ml.inf2.xlarge"), "async", "us-east-1", CATALOG
    )
    assert asynchronous.basis == "fallback: hosting price, no async price in the table"


def test_no_sagemaker_price_falls_back_to_ec2_marked_dearer() -> None:
    shape = CATALOG.instance("ml.trn1n.32xlarge")
    price = price_coefficient(shape, "training", "us-east-1", CATALOG)
    assert price.value == shape.usd_per_hour
    assert price.basis.startswith("fallback: EC2 price, SageMaker is dearer")
    assert price.source.startswith("EC2 on-demand")
    none = price_coefficient(CATALOG.instance("ml.trn2.48xlarge"), "training", "us-east-1", CATALOG)
    assert none.value is None and none.basis == "unknown"


def test_p4d_is_priced_after_its_2025_cut() -> None:
    price = price_coefficient(CATALOG.instance("ml.p4d.24xlarge"), "hosting", "us-east-1", CATALOG)
    assert price.value == pytest.approx(25.2512883)
    assert price.value < CATALOG.instance("ml.p4d.24xlarge").usd_per_hour  # the 2023 EC2 price
