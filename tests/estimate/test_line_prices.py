"""Indicative cost: each line is priced with SageMaker's price for its instance type, feature
and region, with the price's own source; fallbacks say so. Embodied emissions cite
ccf-coefficients. (No grid figures here: another table.)"""

from __future__ import annotations

import json

import pytest
from templates import endpoint, state_machine, transform_state

from green_constructs.catalog import Catalog, Price
from green_constructs.estimate import instance_footprint
from green_constructs.estimate.footprint import price_coefficient
from green_constructs.estimate.report import render
from green_constructs.estimate.synth import summary

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
    assert price.price_region_fallback == "ap-southeast-3"
    assert price.unit == "USD/hour (SageMaker hosting on-demand, us-east-1, for ap-southeast-3)"
    home = _coefficient(
        instance_footprint("ml.inf2.xlarge", hours=10, region="us-east-1"), "price ("
    )
    assert home.price_region_fallback is None and home.unit.endswith("us-east-1)")


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


def test_transform_jobs_are_priced_at_the_hosting_price_not_ec2s() -> None:
    shape = CATALOG.instance("ml.g5.xlarge")
    hosting = CATALOG.price("ml.g5.xlarge", "hosting", "us-east-1")
    assert CATALOG.price("ml.g5.xlarge", "transform", "us-east-1") is None  # none shipped
    transform = price_coefficient(shape, "transform", "us-east-1", CATALOG)
    assert transform.value == hosting.usd_per_hour == pytest.approx(1.408)
    assert transform.value != shape.usd_per_hour  # not the 2023 EC2 price (1.006)
    assert transform.basis == "fallback: hosting price, no transform price in the table"
    assert transform.unit == "USD/hour (SageMaker hosting on-demand, us-east-1)"
    assert transform.source == hosting.source
    # a transform price of its own comes first
    own = CATALOG.with_prices([Price("ml.g5.xlarge", "transform", "us-east-1", 1.2, "test")])
    assert price_coefficient(shape, "transform", "us-east-1", own).basis == "published"


def test_a_transform_job_line_costs_its_hours_at_the_hosting_price(run) -> None:
    template = state_machine(transform_state("ml.g5.xlarge", count=2), name="Batch")
    workload = {"resources": {"Batch": {"jobs_per_day": 1, "job_hours": 2}}}
    estimate = run(template, workload)
    (ours,) = estimate.resources
    hours = sum(line.hours * line.count for line in ours.lines)
    assert hours == pytest.approx(2 * 2 * 730 / 24)  # 2 instances x 2 h a day x 30.4 days
    assert ours.usd == pytest.approx(hours * 1.408)


def test_no_sagemaker_price_falls_back_to_ec2_marked_dearer() -> None:
    shape = CATALOG.instance("ml.trn1n.32xlarge")
    price = price_coefficient(shape, "training", "us-east-1", CATALOG)
    assert price.value == shape.usd_per_hour
    assert price.basis == (
        "fallback: us-east-1 2023 EC2 on-demand price, SageMaker is dearer "
        "(no SageMaker price in the table)"
    )
    assert price.unit == "USD/hour (EC2 on-demand, us-east-1, 2023)"
    assert price.source.startswith("EC2 on-demand")
    assert price.price_region_fallback is None
    elsewhere = price_coefficient(shape, "training", "eu-north-1", CATALOG)
    assert elsewhere.basis.startswith("fallback: us-east-1 2023 EC2 on-demand price")
    assert elsewhere.basis.endswith("; us-east-1 price, no eu-north-1 price in the table")
    assert elsewhere.price_region_fallback == "eu-north-1"
    none = price_coefficient(CATALOG.instance("ml.trn2.48xlarge"), "training", "us-east-1", CATALOG)
    assert none.value is None and none.basis == "unknown"


def test_p4d_is_priced_after_its_2025_cut() -> None:
    price = price_coefficient(CATALOG.instance("ml.p4d.24xlarge"), "hosting", "us-east-1", CATALOG)
    assert price.value == pytest.approx(25.2512883)
    assert price.value < CATALOG.instance("ml.p4d.24xlarge").usd_per_hour  # the 2023 EC2 price


def _priced_elsewhere(run, region: str = "eu-north-1"):
    return run(endpoint(instance_type="ml.g5.xlarge"), region=region)


def test_a_cost_priced_at_us_east_1_for_another_region_is_marked_in_every_report(run) -> None:
    estimate = _priced_elsewhere(run)
    footnote = "* us-east-1 price: no price for eu-north-1 in the catalog"
    text = render("text", estimate)
    [row] = [line for line in text.splitlines() if line.startswith("Endpoint ")]
    assert row.endswith("$1,027.84*")  # 730 h x 1.408, marked
    [total] = [line for line in text.splitlines() if line.startswith("TOTAL")]
    assert total.endswith("$1,027.84*")
    [baseline] = [line for line in text.splitlines() if line.startswith("NAIVE BASELINE")]
    assert not baseline.endswith("*")  # the baseline is priced in us-east-1, for us-east-1
    assert footnote in text.splitlines()
    problem = (
        "eu-north-1: no SageMaker price for this region in the catalog: ml.g5.xlarge (hosting) "
        "is priced at the us-east-1 price (USD marked *)"
    )
    assert text.count(problem) == 1
    markdown = render("markdown", estimate)
    assert "| $1,027.84* |" in markdown and "\\" + footnote in markdown.splitlines()
    html = render("html", estimate)
    assert ">$1,027.84*</td>" in html and footnote in html
    report = json.loads(render("json", estimate))
    assert report["problems"].count({"where": "eu-north-1", "message": problem[12:]}) == 1
    prices = {
        c["unit"]: c["basis"]
        for c in report["coefficients"]
        if c["name"] == "price (ml.g5.xlarge, hosting)"
    }
    assert prices == {  # ours, then the baseline's: listed apart
        "USD/hour (SageMaker hosting on-demand, us-east-1, for eu-north-1)": (
            "fallback: us-east-1 price, no eu-north-1 price in the table"
        ),
        "USD/hour (SageMaker hosting on-demand, us-east-1)": "published",
    }
    assert f"{len(report['problems'])} problem(s)" in summary(estimate)


def test_a_cost_priced_for_its_own_region_is_not_marked(run) -> None:
    estimate = _priced_elsewhere(run, region="us-east-1")
    text = render("text", estimate)
    assert "us-east-1 price: no price" not in text and "$1,027.84*" not in text
    assert "no SageMaker price for this region" not in render("json", estimate)


def test_each_region_priced_at_us_east_1_is_listed_once(run) -> None:
    estimate = _priced_elsewhere(run)
    other = _priced_elsewhere(run, region="ap-southeast-3")
    estimate.resources += other.resources
    estimate.coefficients += other.coefficients
    text = render("text", estimate)
    assert "* us-east-1 price: no price for ap-southeast-3, eu-north-1 in the catalog" in text
    assert text.count("no SageMaker price for this region") == 2
