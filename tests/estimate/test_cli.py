"""``green-constructs estimate`` and ``regions`` on real files: formats, exit codes, contract."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from template_helpers import write_assembly
from templates import endpoint

from green_constructs.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def template(tmp_path) -> Path:
    path = tmp_path / "endpoint.template.json"
    path.write_text(json.dumps(endpoint(instance_type="ml.g5.2xlarge", count=2)))
    return path


@pytest.fixture
def workload(tmp_path) -> Path:
    path = tmp_path / "workload.yaml"
    path.write_text(
        "resources:\n  Endpoint:\n    requests_per_day: 1000\n    active_hours_per_day: 8\n"
    )
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(capsys, template, workload) -> None:
    code, out, err = _run(
        capsys,
        "estimate",
        str(template),
        "--workload",
        str(workload),
        "--format",
        "json",
        "--region",
        "eu-west-1",
    )
    assert (code, err) == (0, "")
    report = json.loads(out)
    for key in ("total", "baseline"):
        assert {"kwh_month", "kgco2e_month", "usd_month"} <= set(report[key])
        assert all(
            isinstance(report[key][k], float) for k in ("kwh_month", "kgco2e_month", "usd_month")
        )
    assert {"resources", "comparisons", "coefficients", "problems", "assumptions"} <= set(report)
    resource = report["resources"][0]
    assert resource["resource"] == "Endpoint" and resource["workload_key"] == "Endpoint"
    assert {"name", "value", "unit", "basis", "source"} == set(report["coefficients"][0])
    assert report["baseline"]["resources"][0]["region"] == "us-east-1"


@pytest.mark.parametrize(
    "fmt, marker",
    [("text", "NAIVE BASELINE"), ("markdown", "# Carbon and cost estimate"), ("html", "<svg")],
)
def test_human_formats(capsys, template, fmt, marker) -> None:
    code, out, _ = _run(capsys, "estimate", str(template), "--format", fmt)
    assert code == 0 and marker in out


def test_markdown_to_a_file_writes_the_chart_beside_it(capsys, tmp_path, template) -> None:
    report = tmp_path / "report.md"
    code, out, _ = _run(
        capsys, "estimate", str(template), "--format", "markdown", "--output", str(report)
    )
    assert code == 0 and out == ""
    assert "](report.svg)" in report.read_text()
    assert (tmp_path / "report.svg").read_text().startswith("<svg")


def test_markdown_on_stdout_embeds_a_data_uri(capsys, template) -> None:
    _, out, _ = _run(capsys, "estimate", str(template), "--format", "markdown")
    assert "](data:image/svg+xml;base64," in out


def test_html_has_no_script_and_fetches_nothing(capsys, template) -> None:
    _, out, _ = _run(capsys, "estimate", str(template), "--format", "html")
    assert "<script" not in out and "http://" not in out.replace("http://www.w3.org/2000/svg", "")


def test_coefficients_file(capsys, tmp_path, template) -> None:
    overrides = tmp_path / "c.yaml"
    overrides.write_text("grid_intensity: {us-east-1: 0.0}\n")
    _, out, _ = _run(
        capsys,
        "estimate",
        str(template),
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--coefficients",
        str(overrides),
    )
    assert json.loads(out)["total"]["kgco2e_month"] == 0.0


@pytest.mark.parametrize(
    "extra, content, message",
    [
        (
            ["--workload", "{w}"],
            "resources:\n  Endpoint: {utilization: 1.5}\n",
            "workload.resources.Endpoint.utilization: must be between 0 and 1, got 1.5",
        ),
        (["--workload", "{w}"], "resources: [\n", "invalid YAML"),
        (["--workload", "/nonexistent/w.yaml"], None, "workload file not found"),
        (
            ["--coefficients", "{w}"],
            "power: {Inferentia2: [5]}\n",
            "coefficients.power.Inferentia2: must be [idle_watts, max_watts]",
        ),
        (["--coefficients", "{w}"], "constants: {no_such: 1}\n", "unknown constant 'no_such'"),
        (["--region", "mars-1"], None, "--region: unknown region 'mars-1'"),
        (["--format", "pdf"], None, "invalid choice: 'pdf'"),
        (
            ["--workload", "{w}"],
            "resources:\n  Endpoint: {requests_per_day: .inf}\n",
            "workload.resources.Endpoint.requests_per_day: must be a finite number, got inf",
        ),
        (
            ["--workload", "{w}"],
            "resources:\n  Endpoint: {requests_per_day: 1e6}\n",
            "got '1e6' (YAML 1.1 reads 1e6 and quoted numbers as text: write 1.0e+6 or 1000000)",
        ),
        (
            ["--workload", "{w}"],
            'resources:\n  "a\\nb": {utilization: 5}\n',
            "workload.resources.'a\\nb'.utilization: must be between 0 and 1, got 5",
        ),
        (
            ["--workload", "{w}"],
            "coefficients: {constants: {server_lifespan_hours: 0}}\n",
            "workload.coefficients.constants.server_lifespan_hours: must be a number between 1",
        ),
        (
            ["--coefficients", "{w}"],
            "constants: {pue_aws: .inf}\n",
            "coefficients.constants.pue_aws: must be a number between 1 and 10, got inf",
        ),
        (
            ["--workload", "{w}"],
            "strategies:\n  rag: {instance_type: ml.inf2.xlarge, hours_per_month: 100000}\n",
            "workload.strategies.rag.hours_per_month: must be between 0 and 730, got 100000",
        ),
        (
            ["--format", "markdown", "--output", "{w}.svg"],
            None,
            "--output: the Markdown report and its chart would both be",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys, tmp_path, template, extra, content, message
) -> None:
    path = tmp_path / "input.yaml"
    if content is not None:
        path.write_text(content)
    code, out, err = _run(capsys, "estimate", str(template), *(a.format(w=path) for a in extra))
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.glob("*.svg"))  # nothing written


def test_unreadable_paths_exit_2(capsys, tmp_path) -> None:
    code, _, err = _run(capsys, "estimate", str(tmp_path / "missing"))
    assert code == 2 and "no such file or directory" in err
    (tmp_path / "t.json").write_text("{not json")
    code, _, err = _run(capsys, "estimate", str(tmp_path / "t.json"))
    assert code == 2 and err.count("\n") == 1
    code, _, err = _run(capsys, "estimate", str(tmp_path / ("t" * 5000)))
    assert code == 2 and "cannot read: File name too long" in err and err.count("\n") == 1


def test_resources_not_estimated_make_totals_partial_and_the_ratio_absent(capsys, tmp_path) -> None:
    template = endpoint(instance_type="ml.inf2.xlarge")
    variants = template["Resources"]["Config"]["Properties"]["ProductionVariants"]
    variants.append({**variants[0], "VariantName": "Old", "InstanceType": "ml.inf1.xlarge"})
    path = tmp_path / "mixed.template.json"
    path.write_text(json.dumps(template))
    code, out, _ = _run(capsys, "estimate", str(path), "--region", "us-east-1")
    assert code == 0
    total = next(line for line in out.splitlines() if line.startswith("TOTAL"))
    assert total.count("(partial)") == 4  # kWh, kg CO2e, embodied kg CO2e and USD
    assert "(partial: 1 resource(s) not estimated)" in out
    assert "no ratio: resources not estimated are left out" in out
    _, out, _ = _run(capsys, "estimate", str(path), "--region", "us-east-1", "--format", "json")
    report = json.loads(out)
    assert report["ratio_to_baseline"] is None and report["total"]["usd_complete"] is False


def test_a_manifest_region_unknown_to_the_catalog_is_a_problem(capsys, tmp_path) -> None:
    write_assembly(tmp_path, endpoint(), region="mars-9")
    code, out, _ = _run(capsys, "estimate", str(tmp_path), "--format", "json")
    assert code == 0
    problems = [(p["where"], p["message"]) for p in json.loads(out)["problems"]]
    unknown = "region 'mars-9' is unknown to the catalog: its average grid intensity is used"
    assert ("S", unknown) in problems


def test_regions_ranks_neuron_regions(capsys) -> None:
    code, out, _ = _run(capsys, "regions", "--accelerator", "inferentia2", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["kind"] == "inferentia"
    intensities = [r["kgco2e_per_kwh"] for r in data["regions"]]
    assert intensities == sorted(intensities)
    assert all(r["offered"] for r in data["regions"])
    assert data["regions"][0]["region"] == "eu-north-1"
    assert "ml.inf2.xlarge (hosting)" in data["regions"][0]["offered"]


def test_regions_differ_by_chip_and_filter_by_feature(capsys) -> None:
    def names(*argv: str) -> list[str]:
        code, out, _ = _run(capsys, "regions", *argv, "--format", "json")
        assert code == 0
        return [r["region"] for r in json.loads(out)["regions"]]

    trainium = names("--accelerator", "trainium")
    assert trainium == ["us-west-2", "us-east-1", "us-east-2"]
    assert names("--accelerator", "inferentia2")[:2] == ["eu-north-1", "eu-west-3"]
    assert names("--accelerator", "trainium", "--feature", "training") == trainium
    assert names("--accelerator", "trainium2") == []  # no on-demand trn2 in the sources
    code, _, err = _run(capsys, "regions", "--feature", "training")
    assert code == 2 and "--feature goes with a Neuron --accelerator" in err


def test_regions_text_and_errors(capsys) -> None:
    code, out, _ = _run(capsys, "regions", "--top", "3")
    assert code == 0 and len(out.strip().splitlines()) == 4
    code, _, err = _run(capsys, "regions", "--accelerator", "tpu")
    assert code == 2 and "unknown accelerator 'tpu'" in err


def test_regions_and_the_carbon_rule_share_one_source() -> None:
    from green_constructs.catalog import Catalog

    ranked = Catalog.default().regions_by_intensity("inferentia")
    assert ranked[0].name == "eu-north-1"  # the region GenAI-RegionCarbonIntensity names first


def test_estimate_imports_no_jsii(template) -> None:
    code = (
        "import sys; from green_constructs.cli import main; "
        f"assert main(['estimate', {str(template)!r}, '--format', 'json']) == 0; "
        "heavy = ('aws_cdk', 'jsii', 'constructs', 'boto3', 'cdk_nag'); "
        "loaded = [m for m in sys.modules if m.split('.')[0] in heavy]; "
        "assert not loaded, loaded"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr


def test_workload_that_matches_nothing_is_an_error_unless_allowed(
    capsys, template, tmp_path
) -> None:
    stray = tmp_path / "stray.yaml"
    stray.write_text("resources:\n  Endpont:\n    requests_per_day: 1000\n")
    code, out, err = _run(capsys, "estimate", str(template), "--workload", str(stray))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "workload.resources.Endpont matches no estimated resource" in err
    assert "--allow-unmatched" in err
    code, out, _ = _run(
        capsys,
        "estimate",
        str(template),
        "--workload",
        str(stray),
        "--format",
        "json",
        "--allow-unmatched",
    )
    assert code == 0
    problems = json.loads(out)["problems"]
    assert {
        "where": "workload.resources.Endpont",
        "message": "matches no estimated resource",
    } in problems


def test_text_report_takes_the_ratio_apart(capsys, template, workload) -> None:
    code, out, _ = _run(capsys, "estimate", str(template), "--workload", str(workload))
    assert code == 0
    [headline] = [line for line in out.splitlines() if line.startswith("Our design:")]
    found = re.search(
        r"; ([\d.]+) times ours.*\. Baseline over ours: energy \(kWh\) ([\d.]+)x design, 1x "
        r"region \(the grid changes no kWh\); emissions \(kg CO2e\) ([\d.]+)x design \(same "
        r"region\), ([\d.]+)x region, ([\d.]+)x combined\.",
        headline,
    )
    assert found, headline
    ratio, energy, design, region, combined = map(float, found.groups())
    assert ratio == combined
    assert design * region == pytest.approx(combined, abs=0.011)  # each rounded to 0.01
    assert energy == design  # one region: the design saves as much energy as emissions
