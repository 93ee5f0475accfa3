"""``--grid``: the default lifecycle grid factors, CCF's as a named alternative, and the
assumptions an estimate lists when it uses a fallback factor."""

from __future__ import annotations

import json

import pytest
from templates import endpoint

from green_constructs.catalog import Catalog
from green_constructs.cli import main

CATALOG = Catalog.default()


@pytest.fixture
def template(tmp_path):
    path = tmp_path / "endpoint.template.json"
    path.write_text(json.dumps(endpoint(instance_type="ml.g5.2xlarge", count=1)))
    return path


def _grid_factor(report: dict, region: str) -> dict:
    return next(c for c in report["coefficients"] if c["name"] == f"grid intensity ({region})")


def _estimate(capsys, template, *extra: str) -> tuple[int, dict | None, str]:
    code = main(["estimate", str(template), "--format", "json", "--region", "us-east-1", *extra])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out else None), err


def test_ccf_grid_reproduces_ccfs_factor_and_the_default_is_lifecycle(capsys, template) -> None:
    code, ccf, err = _estimate(capsys, template, "--grid", "ccf")
    assert (code, err) == (0, "")
    assert _grid_factor(ccf, "us-east-1")["value"] == pytest.approx(0.379069)
    code, default, _ = _estimate(capsys, template)
    assert code == 0
    factor = _grid_factor(default, "us-east-1")
    assert factor["value"] == pytest.approx(0.418)  # PJM, Electricity Maps 2025 lifecycle
    assert factor["basis"] == "published"
    _, named, _ = _estimate(capsys, template, "--grid", "lifecycle")
    assert named["total"] == default["total"]
    # same energy, emissions in proportion to the factors
    assert ccf["total"]["kwh_month"] == default["total"]["kwh_month"]
    assert default["total"]["kgco2e_month"] / ccf["total"]["kgco2e_month"] == pytest.approx(
        0.418 / 0.379069, rel=1e-3
    )


def test_bad_grid_is_a_one_line_usage_error(capsys, template) -> None:
    code = main(["estimate", str(template), "--grid", "egrid"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "argument --grid: invalid choice: 'egrid' (choose from 'lifecycle', 'ccf')" in err


def test_fallback_grid_factors_are_listed_as_assumptions(run) -> None:
    fallback = CATALOG.region("us-gov-west-1")
    assert fallback.basis == "fallback-country-average"
    template = endpoint(instance_type="ml.g5.2xlarge", count=1)
    found = run(template, region="us-gov-west-1")
    lines = [a for a in found.assumptions if a.startswith("grid intensity (us-gov-west-1)")]
    assert lines == [
        f"grid intensity (us-gov-west-1) is {fallback.kgco2e_per_kwh:g} kgCO2e/kWh, "
        f"fallback-country-average: {fallback.source}"
    ]
    published = run(template, region="eu-west-1")
    assert not any(a.startswith("grid intensity (eu-west-1)") for a in published.assumptions)


def test_an_assumed_location_is_listed_too(run) -> None:
    found = run(endpoint(instance_type="ml.g5.2xlarge", count=1), region="us-west-2")
    assert any(
        a.startswith("grid intensity (us-west-2)") and "location assumed" in a
        for a in found.assumptions
    )
