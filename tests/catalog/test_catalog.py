"""The catalog: packaged data, look-ups, clear errors, ranking, overrides."""

from __future__ import annotations

import pytest

from green_constructs.catalog import (
    Catalog,
    CatalogError,
    UnknownInstanceTypeError,
    UnknownRegionError,
    family_of,
)

CATALOG = Catalog.default()


def test_instance_shape_comes_from_the_packaged_data() -> None:
    g5 = CATALOG.instance("ml.g5.2xlarge")
    assert (g5.kind, g5.vcpu, g5.host_cpu, g5.accelerator, g5.accelerator_count) == (
        "gpu",
        8,
        "epyc-2",
        "A10G",
        1,
    )
    assert g5.source
    trn = CATALOG.instance("ml.trn1.32xlarge")
    assert (trn.kind, trn.accelerator_count, trn.accelerator_memory_gib) == ("trainium", 16, 512)


def test_every_row_keeps_its_source() -> None:
    assert all(i.source for i in CATALOG.instances())
    assert all(CATALOG.region(r).source for r in CATALOG.region_names())
    assert CATALOG.power("Inferentia2").basis == "assumption"


def test_unknown_instance_type_names_close_matches() -> None:
    with pytest.raises(
        UnknownInstanceTypeError, match=r"unknown instance type 'ml.g5.3xlarge'; did you mean"
    ):
        CATALOG.instance("ml.g5.3xlarge")


def test_unknown_region_lists_known_regions_and_fallback_is_explicit() -> None:
    with pytest.raises(UnknownRegionError, match="unknown region 'mars-north-1'"):
        CATALOG.region("mars-north-1")
    assert CATALOG.region("mars-north-1", fallback=True).name == "*"
    assert CATALOG.has_region("eu-north-1")
    assert not CATALOG.has_region("mars-north-1") and not CATALOG.has_region("*")
    with pytest.raises(UnknownRegionError):
        CATALOG.region("*")


@pytest.mark.parametrize(
    ("instance_type", "family", "kind", "generation"),
    [
        ("ml.inf2.xlarge", "inf2", "inferentia", "current"),
        ("ml.inf1.xlarge", "inf1", "inferentia", "previous"),
        ("ml.p3.2xlarge", "p3", "gpu-previous", "previous"),
        ("g4dn.xlarge", "g4dn", "gpu-previous", "previous"),
        ("db.m4.large", "m4", "cpu", "previous"),
        ("cache.m7g.large", "m7g", "graviton", "current"),
    ],
)
def test_family_kind_and_generation(instance_type, family, kind, generation) -> None:
    found = CATALOG.family(instance_type)
    assert (family_of(instance_type), found.kind, found.generation) == (family, kind, generation)


def test_unknown_family_is_an_error_or_none() -> None:
    with pytest.raises(UnknownInstanceTypeError, match="unknown instance family 'zz9'"):
        CATALOG.family("ml.zz9.large")
    assert CATALOG.find_family("ml.zz9.large") is None


def test_regions_ranked_by_intensity_among_those_offering_the_accelerator() -> None:
    neuron = CATALOG.regions_by_intensity("inferentia")
    intensities = [r.kgco2e_per_kwh for r in neuron]
    assert intensities == sorted(intensities)
    assert neuron[0].name == "eu-north-1"
    assert all(
        any(
            CATALOG.offered(f"ml.inf2.{s}", "hosting", r.name)
            for s in ("xlarge", "8xlarge", "24xlarge", "48xlarge")
        )
        for r in neuron
    )
    assert "ca-central-1" not in {r.name for r in neuron}  # greener, but no Neuron instances
    assert "ca-central-1" in {r.name for r in CATALOG.regions_by_intensity("gpu")}
    with pytest.raises(CatalogError, match="allowed: inferentia, trainium"):
        CATALOG.regions_by_intensity("tpu")


def test_overrides_replace_coefficients_without_touching_the_default() -> None:
    default = CATALOG.region("us-east-1").kgco2e_per_kwh
    custom = CATALOG.with_overrides(
        grid_intensity={"us-east-1": 0.2},
        power={"Inferentia2": (10, 90)},
        constants={"pue_aws": 1.2},
    )
    assert custom.region("us-east-1").kgco2e_per_kwh == 0.2
    assert custom.region("us-east-1").basis == "user-override"
    assert (custom.power("Inferentia2").idle_watts, custom.power("Inferentia2").max_watts) == (
        10,
        90,
    )
    assert custom.constant("pue_aws").value == 1.2
    assert CATALOG.region("us-east-1").kgco2e_per_kwh == default != 0.2
    with pytest.raises(CatalogError, match="unknown constant"):
        CATALOG.with_overrides(constants={"pue": 1.0})


@pytest.mark.parametrize(
    ("instance_type", "cores"),
    [
        ("ml.inf2.xlarge", 2),
        ("ml.inf2.48xlarge", 24),
        ("ml.trn1.32xlarge", 32),
        ("ml.trn2.48xlarge", 128),
        ("ml.g5.xlarge", 0),
        ("ml.m5.large", 0),
    ],
)
def test_neuron_cores_per_instance(instance_type, cores) -> None:
    assert CATALOG.neuron_cores(instance_type) == cores


def test_dlc_registries_keep_their_source_and_the_exceptions() -> None:
    registries = CATALOG.dlc_registries()
    assert all(r.source for r in registries)
    assert [r.region for r in registries] == sorted(r.region for r in registries)
    assert CATALOG.dlc_registry("eu-north-1").account == "763104351884"
    assert CATALOG.dlc_registry("ap-southeast-4").account == "457447274322"
    china = CATALOG.dlc_registry("cn-north-1")
    assert (china.account, china.domain) == ("727897471807", "amazonaws.com.cn")
    assert CATALOG.dlc_registry("us-east-1").domain == "amazonaws.com"


def test_unknown_dlc_region_names_close_matches() -> None:
    with pytest.raises(
        UnknownRegionError, match=r"unknown region for Deep Learning Container images 'eu-north-9'"
    ):
        CATALOG.dlc_registry("eu-north-9")


def test_overrides_keep_the_dlc_registries() -> None:
    assert CATALOG.with_overrides(grid_intensity={"eu-north-1": 0.01}).dlc_registry("eu-north-1")


def test_trainium_and_inferentia2_regions_differ() -> None:
    trainium = [r.name for r in CATALOG.regions_by_intensity(accelerator="Trainium")]
    inferentia2 = [r.name for r in CATALOG.regions_by_intensity(accelerator="Inferentia2")]
    assert trainium == ["us-west-2", "us-east-1", "us-east-2"]  # EC2 offers trn1 there only
    assert "eu-north-1" in inferentia2 and "eu-north-1" not in trainium
    assert set(trainium) < set(inferentia2)


def test_sagemaker_features_are_bounded_by_the_ec2_offering() -> None:
    assert CATALOG.offered("ml.trn1.32xlarge", "training", "us-west-2") is True
    assert CATALOG.offered("ml.trn1.32xlarge", "training", "eu-north-1") is False
    assert CATALOG.offered("ml.inf2.xlarge", "training", "us-west-2") is False  # not in the API
    assert CATALOG.offered("ml.g5.xlarge", "hosting", "us-west-1") is False  # EC2 has no g5 there
    assert CATALOG.offered("ml.c6i.xlarge", "hosting", "us-west-2") is None  # no table covers it
    assert CATALOG.offering_regions("ml.trn1.32xlarge", "hyperpod") == [
        "us-west-2",
        "us-east-1",
        "us-east-2",
    ]
    source = CATALOG.availability_source("ml.trn1.32xlarge", "training")
    assert source.startswith("EC2 offering of trn1.32xlarge: ")
