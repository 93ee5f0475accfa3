"""The grid factor tables: one basis (Electricity Maps' yearly lifecycle intensity of each
region's grid zone), every region botocore knows, fallbacks marked, CCF's table as an
alternative."""

from __future__ import annotations

import csv
import json
import os

import botocore
import pytest

from green_constructs.catalog import Catalog, CatalogError, loader, refresh

CATALOG = Catalog.default()
DATA = refresh.DATA


def _botocore_regions() -> dict[str, str]:
    """Region -> partition, for every partition of the installed botocore's endpoints.json."""
    path = os.path.join(os.path.dirname(botocore.__file__), "data", "endpoints.json")
    with open(path, encoding="utf-8") as stream:
        endpoints = json.load(stream)
    return {
        region: partition["partition"]
        for partition in endpoints["partitions"]
        for region in partition["regions"]
    }


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_every_region_botocore_knows_has_a_grid_factor() -> None:
    known = _botocore_regions()
    missing = sorted(set(known) - set(CATALOG.region_names()))
    assert not missing, f"regions botocore knows without a row in grid_intensity.csv: {missing}"
    zones = {row["region"]: row["partition"] for row in _rows(refresh.GRID_ZONES_FILE)}
    assert {r: zones.get(r) for r in known} == known  # the location table names each partition


def test_every_row_has_one_basis_and_a_dated_source() -> None:
    rows = _rows(refresh.GRID_FILE)
    assert [r["region"] for r in rows].count("*") == 1
    for row in rows:
        assert row["basis"] in {"published", "fallback-country-average", "fallback-average"}
        assert "Electricity Maps yearly 2025" in row["source"] and "lifecycle" in row["source"]
        assert "@27cbe83" in row["source"]
        assert 0 < float(row["kgco2e_per_kwh"]) < 1.5
    assert all(r["location_source"] for r in _rows(refresh.GRID_ZONES_FILE))


def test_the_table_is_what_the_generator_writes() -> None:
    """Regenerating from the shipped rows' own values gives the shipped table: every number
    comes from the zone the location table names."""
    rows = _rows(refresh.GRID_FILE)
    export = {
        r["zone"]: {
            "zone": {"zoneName": _zone_name(r["source"], r["zone"])},
            "carbonIntensity": {
                "value": round(float(r["kgco2e_per_kwh"]) * 1000),
                "unit": "gCO2eq/kWh",
            },
        }
        for r in rows
        if r["zone"]
    }
    source = rows[0]["source"].split("; zone ")[0]
    regenerated = refresh.grid_rows(
        _rows(refresh.GRID_ZONES_FILE),
        refresh.electricity_maps_intensities(json.dumps(export)),
        source,
    )
    assert regenerated == rows


def _zone_name(source: str, zone: str) -> str:
    return source.split(f"zone {zone} (", 1)[1].split(")", 1)[0]


def test_fallbacks_are_marked() -> None:
    zones = [
        {"region": "r-sub", "zone": "AA-1", "country_zone": "AA", "location_source": "x"},
        {"region": "r-country", "zone": "AA-9", "country_zone": "AA", "location_source": "x"},
        {"region": "r-unknown", "zone": "", "country_zone": "", "location_source": "x"},
        {
            "region": "r-assumed",
            "zone": "AA-1",
            "country_zone": "AA",
            "location_source": "AA-1 - an assumption",
        },
    ]
    export = {
        "AA": {
            "zone": {"zoneName": "Aland"},
            "carbonIntensity": {"value": 300, "unit": "gCO2eq/kWh"},
        },
        "AA-1": {
            "zone": {"zoneName": "North"},
            "carbonIntensity": {"value": 100, "unit": "gCO2eq/kWh"},
        },
        "BB": {"zone": {"zoneName": "B"}, "carbonIntensity": {"value": None, "unit": "gCO2eq/kWh"}},
    }
    rows = {
        r["region"]: r
        for r in refresh.grid_rows(
            zones, refresh.electricity_maps_intensities(json.dumps(export)), "S"
        )
    }
    assert (rows["r-sub"]["kgco2e_per_kwh"], rows["r-sub"]["basis"]) == ("0.1", "published")
    assert (rows["r-country"]["kgco2e_per_kwh"], rows["r-country"]["basis"]) == (
        "0.3",
        "fallback-country-average",
    )
    assert (rows["r-unknown"]["kgco2e_per_kwh"], rows["r-unknown"]["basis"]) == (
        "0.1",
        "fallback-average",
    )
    assert rows["*"]["basis"] == "fallback-average"
    assert "location assumed" in rows["r-assumed"]["source"]


def test_sub_national_grids_differ_from_their_country() -> None:
    """Alberta burns gas, Quebec runs on hydro; Sweden's factor is lifecycle, not direct."""
    alberta, quebec = CATALOG.region("ca-west-1"), CATALOG.region("ca-central-1")
    assert alberta.kgco2e_per_kwh > 5 * quebec.kgco2e_per_kwh
    assert "CA-AB" in alberta.source and "CA-QC" in quebec.source
    assert CATALOG.region("eu-north-1").kgco2e_per_kwh == pytest.approx(0.020)  # SE3, 20 g
    assert CATALOG.region("us-east-1").kgco2e_per_kwh == pytest.approx(0.418)  # PJM, 418 g
    assert CATALOG.region("ap-southeast-6").basis == "published"  # New Zealand
    assert (
        CATALOG.region("eusc-de-east-1").kgco2e_per_kwh
        == CATALOG.region("eu-central-1").kgco2e_per_kwh
    )
    assert CATALOG.region("us-gov-west-1").basis == "fallback-country-average"


def test_ccf_grid_is_a_named_alternative() -> None:
    ccf = CATALOG.with_grid("ccf")
    assert ccf.region("us-east-1").kgco2e_per_kwh == pytest.approx(0.379069)
    assert "eGRID2020" in ccf.region("us-east-1").source
    assert ccf.region("eu-north-1").kgco2e_per_kwh == pytest.approx(0.0088)
    # a region CCF does not list gets CCF's own average, marked
    assert ccf.region("ap-southeast-6").basis == "fallback-average"
    assert (
        ccf.region("ap-southeast-6").kgco2e_per_kwh
        == ccf.region("mars-9", fallback=True).kgco2e_per_kwh
    )
    assert set(ccf.region_names()) == set(CATALOG.region_names())
    assert CATALOG.with_grid("lifecycle").region("us-east-1") == CATALOG.region("us-east-1")
    assert CATALOG.region("us-east-1").kgco2e_per_kwh == pytest.approx(0.418)  # untouched
    with pytest.raises(CatalogError, match="unknown grid 'egrid'; allowed: lifecycle, ccf"):
        CATALOG.with_grid("egrid")
    assert tuple(loader.GRIDS) == ("lifecycle", "ccf")
