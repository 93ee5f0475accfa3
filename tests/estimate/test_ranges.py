"""Ranges, not points: assumed coefficients have low, central and high values; estimates give
the central figure, its range, and the assumptions that drive it (issue 12)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from templates import endpoint, state_machine, training_state

from green_constructs.catalog import Catalog, loader
from green_constructs.catalog.loader import load_assumption_ranges
from green_constructs.estimate.report import render

CATALOG = Catalog.default()
DATA = Path(loader.__file__).parent / "data"
HOURS = 730
PUE = 1.135
PUE_HIGH = 1.15  # AWS's reported 2024 global PUE


def _ordered(pair, central) -> None:
    low, high = pair
    assert low <= central + 1e-9 and central <= high + 1e-9


def test_every_range_is_ordered_and_centred_on_the_catalog() -> None:
    for row in load_assumption_ranges().values():
        assert row.low <= row.central <= row.high, row.name
        assert row.basis and row.source, row.name
        if row.section == "power" and CATALOG.power(row.name).kind == "cpu-per-vcpu":
            # a CPU's range is of its maximum watts per vCPU
            assert CATALOG.power(row.name).max_watts == row.central, row.name
        elif row.section == "power":
            power = CATALOG.power(row.name)
            # the central board power gives the row's idle and max by CCF's GPU ratios
            assert power.idle_watts == pytest.approx(0.12 * row.central, abs=0.1), row.name
            assert power.max_watts == pytest.approx(1.02 * row.central, abs=0.1), row.name
        else:
            assert CATALOG.constant(row.name).value == row.central, row.name


def test_json_has_ranges_in_order(run) -> None:
    template = {
        "Resources": {
            **endpoint()["Resources"],
            **state_machine(training_state(), name="Train")["Resources"],
        }
    }
    workload = {"resources": {"Train": {"training_hours_per_month": 10}}}
    report = json.loads(render("json", run(template, workload)))
    for side in ("total", "baseline"):
        spread = report[side]["range"]
        for key in ("kwh_month", "kgco2e_month", "embodied_kgco2e_month"):
            _ordered(spread[key], report[side][key])
    for part, units in report["ratios_range"].items():
        for unit, pair in units.items():
            _ordered(pair, report["ratios"][part][unit])
    names = [d["name"] for d in report["drivers"]]
    assert {"Inferentia2", "Trainium", "pue_aws", "training_time_ratio_gpu"} <= set(names)
    swings = [d["swing_kgco2e_month"] for d in report["drivers"]]
    assert swings == sorted(swings, reverse=True)
    for driver in report["drivers"]:
        assert driver["low"] <= driver["central"] <= driver["high"] and driver["source"]


def test_one_inf2_xlarge_24_7_at_half_load_by_hand(run) -> None:
    # ml.inf2.xlarge: 4 vCPU EPYC-3 (0.45-2.02 W) + 1 Inferentia2 + 2.477 W of memory
    # (inf2.48xlarge: 768 GB on 2 chips, (384 - 80.69) * 16/768 = 6.319 GB x 0.392 W).
    # Inferentia2 central: 20.8-176.5 W, at 50%: 98.65 W; its board power range 96.5-173-250 W
    # scales that by 96.5/173 (55.03 W) and 250/173 (142.56 W). PUE: 1.135 low, 1.15 high.
    host = 4 * (0.45 + 0.5 * (2.02 - 0.45)) + 6.3193 * 0.392
    chip = 20.8 + 0.5 * (176.5 - 20.8)
    central_w = host + chip
    low_w = host + chip * 96.5 / 173
    high_w = host + chip * 250 / 173
    assert (low_w, central_w, high_w) == pytest.approx((62.44, 106.06, 149.97), abs=0.01)
    estimate = run(endpoint(), {"default": {"utilization": 0.5}})
    grid = CATALOG.region("us-east-1").kgco2e_per_kwh
    total = estimate.to_dict()["total"]
    assert total["kwh_month"] == pytest.approx(central_w * HOURS * PUE / 1000, rel=1e-3)
    low, high = total["range"]["kwh_month"]
    assert low == pytest.approx(low_w * HOURS * PUE / 1000, rel=1e-3)
    assert high == pytest.approx(high_w * HOURS * PUE_HIGH / 1000, rel=1e-3)
    low, high = total["range"]["kgco2e_month"]
    assert low == pytest.approx(low_w * HOURS * PUE / 1000 * grid, rel=1e-3)
    assert high == pytest.approx(high_w * HOURS * PUE_HIGH / 1000 * grid, rel=1e-3)


def test_drivers_name_the_neuron_power_of_an_inf2_design(run) -> None:
    estimate = run(endpoint(), {"default": {"utilization": 0.5}})
    first = estimate.to_dict()["drivers"][0]
    assert first["name"] == "Inferentia2" and first["swing_kgco2e_month"] > 0
    text = render("text", estimate)
    assert "kg CO2e (" in text and "Driven by" in text and "Inferentia2 power" in text
    assert "Driven by" in render("markdown", estimate) and "Driven by" in render("html", estimate)


def test_an_overridden_coefficient_has_no_range(run) -> None:
    overrides = {"power": {"Inferentia2": [10, 90]}, "constants": {"pue_aws": 1.2}}
    estimate = run(endpoint(), coefficient_overrides=overrides)
    report = estimate.to_dict()
    total = report["total"]
    assert total["range"]["kgco2e_month"] == [total["kgco2e_month"]] * 2
    pinned = {d["name"]: d for d in report["drivers"]}
    for name in ("Inferentia2", "pue_aws"):
        assert name not in pinned  # overridden: low = central = high, nothing to move
    assert "Driven by" not in render("text", estimate)


def test_trainium_power_is_not_derived_from_the_gpu_baseline() -> None:
    trainium = load_assumption_ranges()["Trainium"]
    trainium2 = load_assumption_ranges()["Trainium2"]
    # the central figure comes from Trainium2's (the same source and method), not from p4d
    assert trainium.central == pytest.approx(trainium2.central * 2 / 4)
    row = CATALOG.power("Trainium")
    assert "p4d" not in row.source and "A100" not in row.source
    central = trainium.source.split("low:")[0]
    assert "p4d" not in central
    # changing the baseline GPU's coefficients leaves Trainium's alone
    changed = CATALOG.with_overrides(power={"A100": (1.0, 2.0), "cascade-lake": (0.1, 0.2)})
    assert changed.power("Trainium") == row


def test_training_baseline_is_the_same_job_on_demand_with_an_assumed_time_ratio(run) -> None:
    workload = {"default": {"training_hours_per_month": 10}}
    estimate = run(state_machine(training_state()), workload)
    naive = estimate.baseline[0]
    assert naive.plan.instance_type == "ml.p4d.24xlarge"
    assert sum(line.hours for line in naive.lines) == pytest.approx(10)
    assert any("no Spot" in note for note in naive.plan.notes)
    assert any("training comparison rests on" in a for a in estimate.assumptions)
    slower = run(
        state_machine(training_state()),
        workload,
        coefficient_overrides={"constants": {"training_time_ratio_gpu": 1.25}},
    )
    assert sum(line.hours for line in slower.baseline[0].lines) == pytest.approx(12.5)
    trn2 = run(state_machine(training_state("ml.trn2.48xlarge")), workload)
    assert trn2.baseline[0].plan.instance_type == "ml.p5.48xlarge"


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader((DATA / name).read_text(encoding="utf-8").splitlines()))


def test_every_assumed_coefficient_has_a_range() -> None:
    ranged = load_assumption_ranges()
    power = [r["component"] for r in _rows("power_coefficients.csv") if r["basis"] == "assumption"]
    constants = [r["name"] for r in _rows("constants.csv") if r["source"].startswith("assumption")]
    assert "graviton3" in power and "training_time_ratio_gpu" in constants
    assert [n for n in power if n not in ranged or ranged[n].section != "power"] == []
    assert [n for n in constants if n not in ranged or ranged[n].section != "constant"] == []


def _readme_assumption_table() -> list[list[str]]:
    """The rows of the data README's assumption table (the Markdown table under the
    ``| assumption | low | central | high |`` header, up to the first line that is not one)."""
    lines = (DATA / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("| assumption |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.strip().startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_every_range_is_in_the_data_readmes_assumption_table() -> None:
    named = {word for row in _readme_assumption_table() for word in re.findall(r"\w+", row[0])}
    missing = [name for name in load_assumption_ranges() if name not in named]
    assert missing == []
    graviton = next(r for r in _readme_assumption_table() if "graviton3" in r[0])
    row = load_assumption_ranges()["graviton3"]
    assert [float(v) for v in graviton[1:4]] == [row.low, row.central, row.high]


def test_a_graviton3_design_is_ranged_by_its_cpu_power(run) -> None:
    estimate = run(endpoint(instance_type="ml.c7g.xlarge"), {"default": {"utilization": 0.5}})
    drivers = {d["name"]: d for d in estimate.to_dict()["drivers"]}
    graviton = drivers["graviton3"]
    assert (graviton["low"], graviton["central"], graviton["high"]) == (1.352, 1.69, 2.028)
    # ml.c7g.xlarge: 4 vCPU at 0.47-1.69 W, at 50% 4 x 1.08 = 4.32 W; each end scales idle
    # and max alike, so the CPU term by 0.8 and 1.2; memory is not ranged: c7g.16xlarge has
    # 128 GB on 1 chip, (128 - 80.69) * 8/128 = 2.957 GB x 0.392 W = 1.159 W
    grid = CATALOG.region("us-east-1").kgco2e_per_kwh
    memory = (128 - 80.69) * 8 / 128 * 0.392
    watts = [4 * (0.47 + 0.5 * 1.22) * scale + memory for scale in (0.8, 1, 1.2)]
    kg = [w * HOURS * PUE / 1000 * grid for w in watts]
    assert graviton["kgco2e_month"] == pytest.approx([kg[0], kg[2]], rel=1e-3)
    assert estimate.total.kgco2e == pytest.approx(kg[1], rel=1e-3)
    assert "graviton3 power" in render("text", estimate)
