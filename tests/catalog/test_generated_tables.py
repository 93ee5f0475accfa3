"""The generated tables match the sources they are generated from, where those are installed:
botocore's SageMaker model (always, it comes with boto3) and sagemaker-core's image tables
(installed without dependencies by the Makefile). A mismatch means: run ``make catalog``."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from green_constructs.catalog import Catalog
from green_constructs.catalog import refresh

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
