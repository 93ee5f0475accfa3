"""The generated tables match the sources they are generated from, where those are installed:
botocore's SageMaker model (always, it comes with boto3) and sagemaker-core's image tables
(installed without dependencies by the Makefile). A mismatch means: run ``make catalog``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from green_constructs.catalog import Availability, Catalog, refresh

DATA = Path(refresh.__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader((DATA / name).read_text(encoding="utf-8").splitlines()))


def _without_source(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in row.items() if k != "source"} for row in rows]


def test_api_instance_types_of_catalog_instances_match_installed_botocore() -> None:
    ours = {i.name for i in Catalog.default().instances()}
    shipped = {(r["feature"], r["instance_type"]) for r in _rows(refresh.INSTANCE_TYPES_FILE)}
    installed = {(r["feature"], r["instance_type"]) for r in refresh.instance_type_rows()}
    assert {p for p in shipped if p[1] in ours} == {p for p in installed if p[1] in ours}


def test_every_api_instance_type_row_names_its_source_and_date() -> None:
    for row in _rows(refresh.INSTANCE_TYPES_FILE):
        assert row["source"].startswith("botocore ") and row["source"].endswith(")")


def test_image_table_matches_installed_sagemaker_core() -> None:
    found = refresh.image_uri_config_dir()
    if found is None:
        pytest.skip("sagemaker-core is not installed (the Makefile installs it)")
    shipped = _rows(refresh.IMAGES_FILE)
    assert _without_source(shipped) == _without_source(refresh.image_rows(*found))
    assert all(row["source"].startswith(f"sagemaker-core {found[1]} ") for row in shipped)


def test_image_tags_are_built_as_the_sdk_builds_them() -> None:
    catalog = Catalog.default()
    assert catalog.dlc_image(
        "huggingface-vllm-inference-neuronx",
        "0.11.0-optimum0.4.4-neuronx-py310-sdk2.26.1-ubuntu22.04",
    )
    assert catalog.dlc_image(
        "huggingface-pytorch-tgi-inference", "2.7.0-optimum3.3.6-neuronx-py310-ubuntu22.04"
    )
    newest = catalog.newest_dlc_image("huggingface-neuronx", "training")
    assert newest.tag == "2.7.0-transformers4.55.4-neuronx-py310-sdk2.26.0-ubuntu22.04"


def test_training_and_endpoint_apis_take_different_neuron_types() -> None:
    catalog = Catalog.default()
    assert catalog.api_accepts("ml.trn1.32xlarge", "training") is True
    assert catalog.api_accepts("ml.inf2.xlarge", "training") is False
    assert catalog.api_accepts("ml.inf2.xlarge", "hosting") is True
    assert catalog.api_accepts("ml.trn1n.32xlarge", "transform") is False
    assert catalog.api_accepts("ml.trn1.32xlarge", "ec2") is None


def test_a_published_tag_matches_its_release_in_the_tables() -> None:
    # the SDK's huggingface-neuronx training entry keys PyTorch 2.7.0; the image is tagged 2.8.0
    catalog = Catalog.default()
    published = "2.8.0-transformers4.55.4-neuronx-py310-sdk2.26.0-ubuntu22.04"
    entry = catalog.dlc_image("huggingface-pytorch-training-neuronx", published)
    assert entry is not None and entry.version == "4.55.4/pytorch2.7.0"
    # other images match their exact tag only: vLLM 0.4.5 is not in the SDK's table
    vllm = "0.11.0-optimum0.4.5-neuronx-py310-sdk2.26.1-ubuntu22.04"
    assert catalog.dlc_image("huggingface-vllm-inference-neuronx", vllm) is None


def _product(usage: str) -> str:
    return json.dumps({"product": {"attributes": {"usagetype": usage, "regionCode": "x"}}})


def test_price_list_usage_types_give_sagemakers_own_availability_per_feature() -> None:
    pricing = boto3.client(
        "pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(pricing)
    for region, usages in (
        (
            "us-west-2",
            ["USW2-Host:ml.inf2.xlarge", "USW2-TrSpt:ml.trn1.32xlarge", "USW2-Notebk:ml.t3.medium"],
        ),
        ("eu-north-1", ["EUN1-AsyncInf:ml.inf2.xlarge"]),
    ):
        stubber.add_response(
            "get_products",
            {"PriceList": [_product(u) for u in usages], "FormatVersion": "aws_v1"},
            {
                "ServiceCode": "AmazonSageMaker",
                "Filters": [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}],
                "FormatVersion": "aws_v1",
            },
        )
    with stubber:
        rows = refresh.sagemaker_availability_rows(
            pricing, ["us-west-2", "eu-north-1"], ["ml.inf2.xlarge", "ml.trn1.32xlarge"], "test"
        )
    offered = {
        (r["instance_type"], r["feature"], r["region"]) for r in rows if r["offered"] == "yes"
    }
    assert offered == {
        ("ml.inf2.xlarge", "hosting", "us-west-2"),
        ("ml.trn1.32xlarge", "training", "us-west-2"),
        ("ml.inf2.xlarge", "hosting", "eu-north-1"),
    }
    assert len(rows) == 2 * 2 * 3  # every type, feature and region asked: yes or no


def test_own_feature_rows_take_precedence_over_the_ec2_bound() -> None:
    base = Catalog.default()
    catalog = base.with_availability(
        [Availability("ml.trn1.32xlarge", "training", "us-west-2", False, "a Price List answer")]
    )
    assert base.offered("ml.trn1.32xlarge", "training", "us-west-2") is True  # EC2 bound
    assert catalog.offered("ml.trn1.32xlarge", "training", "us-west-2") is False
    assert catalog.offered("ml.trn1.32xlarge", "training", "us-east-1") is None  # no own row
    assert catalog.availability_source("ml.trn1.32xlarge", "training") == "a Price List answer"


def _stable(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows without their source (it names the botocore version and the date)."""
    return _without_source(rows)


def test_family_table_matches_installed_botocore_and_shipped_data() -> None:
    shipped = _rows(refresh.FAMILIES_FILE)
    assert _stable(shipped) == _stable(refresh.family_table(DATA))
    types, _ = refresh.ec2_instance_types()
    families = {row["family"] for row in shipped}
    assert {t.split(".", 1)[0] for t in types} == families  # every family botocore names


def test_every_family_row_cites_botocore_and_the_naming_convention() -> None:
    for row in _rows(refresh.FAMILIES_FILE):
        assert row["source"].startswith("botocore ") and "naming convention" in row["source"]


def test_api_instance_types_match_installed_botocore_for_every_feature() -> None:
    shipped = {(r["feature"], r["instance_type"]) for r in _rows(refresh.INSTANCE_TYPES_FILE)}
    installed = {(r["feature"], r["instance_type"]) for r in refresh.instance_type_rows()}
    assert shipped == installed
    assert {feature for feature, _ in shipped} == set(refresh.FEATURE_SHAPES)


def test_shape_rows_cover_botocore_types_and_cite_dated_snapshots() -> None:
    types, _ = refresh.ec2_instance_types()
    shapes = _rows(refresh.SHAPES_FILE)
    assert {r["instance_type"] for r in shapes} <= set(types)
    assert len(shapes) > 0.9 * len(types)
    for row in shapes:
        assert row["source"] and all(part.endswith(")") for part in row["source"].split("; "))


def test_rds_classes_match_installed_cfn_lint() -> None:
    installed = refresh.rds_class_rows()
    if installed is None:
        pytest.skip("cfn-lint is not installed")
    assert _stable(_rows(refresh.RDS_FILE)) == _stable(installed)
