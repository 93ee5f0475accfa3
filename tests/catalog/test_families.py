"""Instance families: every family botocore names, classified by AWS's naming convention and
dated instance data, with curated successors."""

from __future__ import annotations

import pytest

from green_constructs.catalog import Catalog, naming

CATALOG = Catalog.default()


@pytest.mark.parametrize(
    ("instance_type", "kind", "architecture", "accelerator"),
    [
        ("p6-b200.48xlarge", "gpu", "x86_64", "B200"),
        ("ml.p5en.48xlarge", "gpu", "x86_64", "H200"),
        ("g6e.xlarge", "gpu", "x86_64", "L40S"),
        ("g6f.large", "gpu", "x86_64", "L4"),
        ("gr6.4xlarge", "gpu", "x86_64", "L4"),
        ("g5g.xlarge", "gpu", "arm64", "T4G"),
        ("ml.trn2.48xlarge", "trainium", "x86_64", "Trainium2"),
        ("trn1n.32xlarge", "trainium", "x86_64", "Trainium"),
        ("inf2.xlarge", "inferentia", "x86_64", "Inferentia2"),
        ("c8g.large", "graviton", "arm64", None),
        ("m8g.large", "graviton", "arm64", None),
        ("r8g.large", "graviton", "arm64", None),
        ("i8g.large", "graviton", "arm64", None),
        ("c7i-flex.large", "cpu", "x86_64", None),
        ("f2.6xlarge", "accelerator", "x86_64", None),
    ],
)
def test_current_families_botocore_names_are_classified(
    instance_type, kind, architecture, accelerator
) -> None:
    family = CATALOG.find_family(instance_type)
    assert family is not None and not family.previous_generation
    assert (family.kind, family.architecture, family.accelerator) == (
        kind,
        architecture,
        accelerator,
    )


@pytest.mark.parametrize("name", ["m1", "t1", "c3", "r3", "i2", "a1", "g2"])
def test_previous_generation_comes_from_the_price_list(name) -> None:
    family = CATALOG.find_family(f"{name}.large")
    assert family is not None and family.previous_generation
    assert "ManageIQ" in family.source  # the Price List's currentGeneration, via ManageIQ


@pytest.mark.parametrize("name", ["p3", "g4dn", "inf1", "m4", "c4", "t2"])
def test_superseded_families_are_curated_with_a_source(name) -> None:
    family = CATALOG.find_family(f"{name}.xlarge")
    assert family is not None and family.previous_generation
    assert "curated: superseded although the Price List calls it current" in family.source


def test_a_family_botocore_does_not_name_yet_is_classified_by_its_name() -> None:
    assert CATALOG.find_family("trn3.48xlarge").kind == "trainium"
    assert CATALOG.find_family("ml.p7.48xlarge").kind == "gpu"
    graviton = CATALOG.find_family("c9gd.large")
    assert (graviton.kind, graviton.architecture, graviton.generation) == (
        "graviton",
        "arm64",
        "current",
    )
    assert CATALOG.find_family("db.x2g.large").architecture == "arm64"  # an RDS-only family
    assert CATALOG.find_family("ml.geospatial.interactive") is None
    assert CATALOG.find_family("zz9.large") is None  # not a known line


@pytest.mark.parametrize(
    ("family", "parts"),
    [
        ("c7gn", ("c", 7, "g", "n", None)),
        ("x2iedn", ("x", 2, "i", "edn", None)),
        ("p6e-gb200", ("p", 6, None, "e", "gb200")),
        ("c7i-flex", ("c", 7, "i", "", "flex")),
        ("is4gen", ("is", 4, "g", "en", None)),
        ("trn2u", ("trn", 2, None, "u", None)),
        ("u-6tb1", ("u", None, None, "", "6tb1")),
        ("mac-m4pro", ("mac", None, None, "", "m4pro")),
    ],
)
def test_naming_convention_parts(family, parts) -> None:
    assert tuple(naming.parse(family)) == parts


def test_successors_are_curated_then_later_families_of_the_line() -> None:
    assert CATALOG.successors(CATALOG.family("ml.inf1.xlarge"))[0] == "inf2"
    m4 = CATALOG.successors(CATALOG.family("m4.large"))
    assert m4.index("m8g") < m4.index("m8i") < m4.index("m8gd")  # plain, Graviton first
    assert "m5" in m4 and "m3" not in m4
    assert CATALOG.family("p3.2xlarge").superseded_by.startswith("trn1 or p5")
