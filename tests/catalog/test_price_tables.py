"""SageMaker prices and embodied emissions: the generators of ``refresh`` on small fixtures,
the Price List API path on a stubbed ``GetProducts``, and the shipped tables' sources."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from green_constructs.catalog import Catalog, Price, refresh

DATA = Path(refresh.__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader((DATA / name).read_text(encoding="utf-8").splitlines()))


SNAPSHOT = {
    "source": "AWS SageMaker on-demand list prices, us-east-1",
    "lastUpdated": "2026-04-21",
    "instances": {
        "training": [{"type": "ml.trn1.32xlarge", "pricePerHour": 24.73}],
        "inference": [
            {"type": "ml.inf2.xlarge", "pricePerHour": 0.99},
            {"type": "ml.g6e.xlarge", "pricePerHour": 2.6054},  # not a catalog type: left out
        ],
        "cpu": [{"type": "ml.m5.xlarge", "pricePerHour": 0.23}],
    },
}


def test_snapshot_rows_give_each_list_its_feature_and_cite_the_snapshot() -> None:
    rows = refresh.price_snapshot_rows(
        SNAPSHOT, ["ml.inf2.xlarge", "ml.trn1.32xlarge", "ml.m5.xlarge"], "us-east-1", "snap @abc"
    )
    assert [(r["instance_type"], r["feature"], r["region"], r["usd_per_hour"]) for r in rows] == [
        ("ml.inf2.xlarge", "hosting", "us-east-1", "0.99"),
        ("ml.m5.xlarge", "any", "us-east-1", "0.23"),
        ("ml.trn1.32xlarge", "training", "us-east-1", "24.73"),
    ]
    assert all(r["source"].startswith("snap @abc") for r in rows)
    assert "lowest price over SageMaker's components" in rows[1]["source"]
    assert refresh._snapshot_region(SNAPSHOT["source"]) == "us-east-1"


CCF_2026 = """Category,Instance Type,vCPUs,Memory (GiB),Platform CPU Name,Platform Embedded Emissions (mtCo2eq)
Accelerated Computing,inf2.xlarge,4,16,AMD EPYC 7R13,1.9
Accelerated Computing,trn2.48xlarge,192,2048,Intel Xeon Sapphire Rapids,
"""


def test_embodied_from_ccf_coefficients_2026_in_kg_with_a_source_per_row() -> None:
    found = refresh.ccf_embodied(CCF_2026)
    assert found == {"inf2.xlarge": (1900.0, "AMD EPYC 7R13")}
    rows = [
        {"instance_type": "ml.inf2.xlarge", "embodied_platform_kgco2e": ""},
        {"instance_type": "ml.trn2.48xlarge", "embodied_platform_kgco2e": ""},
        {
            "instance_type": "ml.p3.2xlarge",
            "embodied_platform_kgco2e": "3543",
            "embodied_source": "old",
        },
    ]
    updated = refresh.instances_with_embodied(rows, found, "ccf @b0032d9 (2026-04-24)")
    assert updated[0]["embodied_platform_kgco2e"] == "1900"
    assert (
        updated[0]["embodied_source"]
        == "ccf @b0032d9 (2026-04-24): inf2.xlarge platform (AMD EPYC 7R13) 1.9 t"
    )
    assert updated[1]["embodied_platform_kgco2e"] == ""
    assert updated[1]["embodied_source"].startswith("no figure for trn2.48xlarge in ccf @b0032d9")
    assert updated[2]["embodied_platform_kgco2e"] == "3543"  # an older figure keeps its source
    assert updated[2]["embodied_source"] == "old"


def _offer(usage: str, region: str, usd: str, unit: str = "Hrs") -> str:
    """A GetProducts ``PriceList`` entry as the Price List API returns it (trimmed)."""
    return json.dumps(
        {
            "product": {
                "productFamily": "ML Instance",
                "attributes": {
                    "usagetype": usage,
                    "regionCode": region,
                    "instanceName": usage.partition(":")[2],
                    "servicecode": "AmazonSageMaker",
                },
                "sku": "SKU" + usage.replace(":", ""),
            },
            "serviceCode": "AmazonSageMaker",
            "terms": {
                "OnDemand": {
                    "SKU.JRTCKXETXF": {
                        "priceDimensions": {
                            "SKU.JRTCKXETXF.6YS6EN2CT7": {
                                "unit": unit,
                                "pricePerUnit": {"USD": usd},
                                "description": f"${usd} per {usage} hour",
                            }
                        },
                        "sku": "SKU",
                        "effectiveDate": "2026-04-01T00:00:00Z",
                        "offerTermCode": "JRTCKXETXF",
                        "termAttributes": {},
                    }
                }
            },
            "version": "20260401000000",
            "publicationDate": "2026-04-01T00:00:00Z",
        }
    )


def test_price_list_api_rows_per_feature_and_region() -> None:
    pricing = boto3.client(
        "pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(pricing)
    offers = {
        "us-east-1": [
            _offer("USE1-Host:ml.inf2.xlarge", "us-east-1", "0.9900000000"),
            _offer("USE1-AsyncInf:ml.inf2.xlarge", "us-east-1", "0.9900000000"),
            _offer("USE1-Tsform:ml.inf2.xlarge", "us-east-1", "0.9900000000"),
            _offer("USE1-TrSpt:ml.trn1.32xlarge", "us-east-1", "7.4190000000"),  # Spot: left out
            _offer("USE1-Train:ml.trn1.32xlarge", "us-east-1", "24.7300000000"),
            _offer("USE1-Notebk:ml.t3.medium", "us-east-1", "0.0500000000"),  # not a feature
        ],
        "eu-north-1": [
            _offer("EUN1-Host:ml.inf2.xlarge", "eu-north-1", "1.0500000000"),
            _offer("EUN1-Host:ml.g5.xlarge", "eu-north-1", "0.0000000000"),  # no price: left out
        ],
    }
    for region, items in offers.items():
        stubber.add_response(
            "get_products",
            {"PriceList": items, "FormatVersion": "aws_v1"},
            {
                "ServiceCode": "AmazonSageMaker",
                "Filters": [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}],
                "FormatVersion": "aws_v1",
            },
        )
    with stubber:
        rows = refresh.sagemaker_price_rows(
            pricing,
            list(offers),
            ["ml.inf2.xlarge", "ml.trn1.32xlarge", "ml.g5.xlarge"],
            "AWS Price List API AmazonSageMaker on-demand (2026-04-01)",
        )
    assert {(r["instance_type"], r["feature"], r["region"], r["usd_per_hour"]) for r in rows} == {
        ("ml.inf2.xlarge", "hosting", "us-east-1", "0.99"),
        ("ml.inf2.xlarge", "async", "us-east-1", "0.99"),
        ("ml.inf2.xlarge", "transform", "us-east-1", "0.99"),
        ("ml.trn1.32xlarge", "training", "us-east-1", "24.73"),
        ("ml.inf2.xlarge", "hosting", "eu-north-1", "1.05"),
    }
    assert {r["source"] for r in rows} == {
        "AWS Price List API AmazonSageMaker on-demand (2026-04-01)"
    }
    assert list(rows[0]) == list(refresh.PRICE_COLUMNS)


def test_every_shipped_price_names_its_snapshot_and_date() -> None:
    rows = _rows(refresh.PRICES_FILE)
    catalog_types = {i.name for i in Catalog.default().instances()}
    assert rows
    for row in rows:
        assert row["instance_type"] in catalog_types
        assert row["feature"] in ("hosting", "async", "transform", "training", "any")
        assert float(row["usd_per_hour"]) > 0
        assert "@" in row["source"] and "20" in row["source"]  # commit and date


def test_every_embodied_figure_has_its_own_source() -> None:
    for row in _rows("instances.csv"):
        assert row["embodied_source"], row["instance_type"]
        if row["embodied_platform_kgco2e"]:
            assert "@" in row["embodied_source"]  # a repository at a commit
        if row["ec2_on_demand_usd_per_hour_us_east_1_2023"]:
            assert row["ec2_price_source"].startswith("EC2 on-demand")


def test_catalog_price_lookup_and_override() -> None:
    base = Catalog.default()
    assert base.price("ml.inf2.xlarge", "hosting", "us-east-1").usd_per_hour == pytest.approx(0.99)
    assert base.price("ml.inf2.xlarge", "hosting", "mars-north-1") is None
    cheaper = base.with_prices([Price("ml.inf2.xlarge", "hosting", "us-east-1", 0.5, "test")])
    assert cheaper.price("ml.inf2.xlarge", "hosting", "us-east-1").source == "test"
    assert base.price("ml.inf2.xlarge", "hosting", "us-east-1").source != "test"


OFFER = Path(__file__).parent / "data" / "sagemaker_offer_eu-north-1.json"
"""A fabricated bulk offer file in the format of AWS Price List's
``AmazonSageMaker/current/eu-north-1/index.json``: four ml.g5.xlarge SKUs (Host, AsyncInf,
Tsform, Train), an ML storage SKU and a zero-priced one."""
OFFER_SOURCE = "AWS Price List bulk offer AmazonSageMaker/current (test fixture)"
STOCKHOLM_G5 = {
    ("ml.g5.xlarge", "hosting", "eu-north-1", "1.498"),
    ("ml.g5.xlarge", "async", "eu-north-1", "1.499"),
    ("ml.g5.xlarge", "transform", "eu-north-1", "1.501"),
    ("ml.g5.xlarge", "training", "eu-north-1", "1.502"),
}


def _offer_rows(offer: dict) -> tuple[list[dict[str, str]], set[str]]:
    types = [i.name for i in Catalog.default().instances()]
    return refresh.sagemaker_offer_rows([offer], types, OFFER_SOURCE)


def test_bulk_offer_products_join_their_on_demand_terms_by_sku() -> None:
    offer = json.loads(OFFER.read_text())
    rows, regions = _offer_rows(offer)
    assert regions == {"eu-north-1"}
    # the storage SKU (not ml.*, per GB-month) and the zero price are left out
    assert {(r["instance_type"], r["feature"], r["region"], r["usd_per_hour"]) for r in rows} == (
        STOCKHOLM_G5
    )
    assert {r["source"] for r in rows} == {
        f"{OFFER_SOURCE} (eu-north-1 offer, published 2026-04-01)"
    }
    assert list(rows[0]) == list(refresh.PRICE_COLUMNS)


def test_a_bulk_offer_without_region_codes_is_placed_by_its_location() -> None:
    offer = json.loads(OFFER.read_text())
    for product in offer["products"].values():
        del product["attributes"]["regionCode"]  # "EU (Stockholm)" remains
    rows, regions = _offer_rows(offer)
    assert regions == {"eu-north-1"} and len(rows) == len(STOCKHOLM_G5)


def test_offer_rows_replace_their_regions_rows_and_keep_the_others() -> None:
    rows, regions = _offer_rows(json.loads(OFFER.read_text()))
    kept = [
        {**_rows(refresh.PRICES_FILE)[0]},
        {
            "instance_type": "ml.inf2.xlarge",
            "feature": "hosting",
            "region": "eu-north-1",
            "usd_per_hour": "1.05",
            "source": "an older eu-north-1 price",
        },
    ]
    merged = refresh.merge_prices(kept, rows, regions)
    assert kept[0] in merged  # another region: kept
    assert all(r["source"] != "an older eu-north-1 price" for r in merged)
    assert len(merged) == 1 + len(STOCKHOLM_G5)


def test_refresh_rewrites_the_price_table_from_offer_files(tmp_path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("sagemaker_prices.csv", "instances.csv"):
        (data / name).write_text((DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    shipped = _rows(refresh.PRICES_FILE)
    refresh._refresh_price_offers(data, [OFFER], OFFER_SOURCE)
    written = list(csv.DictReader((data / refresh.PRICES_FILE).read_text().splitlines()))
    assert [r for r in written if r["region"] != "eu-north-1"] == shipped  # us-east-1 kept
    assert {
        (r["instance_type"], r["feature"], r["region"], r["usd_per_hour"])
        for r in written
        if r["region"] == "eu-north-1"
    } == STOCKHOLM_G5
    assert "sagemaker_prices.csv" in capsys.readouterr().out
    # the estimator takes the region's own price once the table has it
    prices = [
        Price(r["instance_type"], r["feature"], r["region"], float(r["usd_per_hour"]), r["source"])
        for r in written
    ]
    catalog = Catalog.default().with_prices(prices)
    assert catalog.price("ml.g5.xlarge", "transform", "eu-north-1").usd_per_hour == 1.501


def test_the_offer_option_needs_its_source_and_writes_nothing_without(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit):
        refresh.main(["--data", str(tmp_path), "--sagemaker-offer", str(OFFER)])
    assert "--sagemaker-offer needs --sagemaker-offer-source" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
