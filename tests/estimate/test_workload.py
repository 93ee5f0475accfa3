"""Workload profiles: parsing, defaults, matching, and errors that name the field."""

from __future__ import annotations

import pytest

from green_constructs.estimate.workload import (
    ResourceProfile,
    WorkloadError,
    load_workload,
    parse_workload,
)


def test_full_profile_parses_and_merges_over_the_default() -> None:
    workload = parse_workload(
        {
            "default": {"utilization": 0.4, "seconds_per_request": 1},
            "resources": {"Llm": {"requests_per_day": 100, "active_hours_per_day": 8}},
            "strategies": {
                "peft": {"instance_type": "ml.trn1.32xlarge", "hours_per_month": 5},
                "rag": {"instance_type": "ml.inf2.xlarge", "hours_per_month": 1},
            },
        }
    )
    profile = workload.profile("Llm")
    assert profile == ResourceProfile(
        requests_per_day=100, active_hours_per_day=8, seconds_per_request=1, utilization=0.4
    )
    assert [s.name for s in workload.strategies] == ["rag", "peft"]  # least compute first
    assert workload.profile(None) == workload.default


def test_empty_document_is_all_defaults() -> None:
    assert parse_workload(None).resources == {}


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"resources": {"Llm": {"utilization": 1.5}}},
            "workload.resources.Llm.utilization: must be between 0 and 1, got 1.5",
        ),
        (
            {"resources": {"Llm": {"requests_per_day": "many"}}},
            "workload.resources.Llm.requests_per_day: must be a number, got 'many'",
        ),
        (
            {"resources": {"Llm": {"active_hours_per_day": 0}}},
            "workload.resources.Llm.active_hours_per_day: must be greater than 0",
        ),
        (
            {"resources": {"Llm": {"nodes": 1.5}}},
            "workload.resources.Llm.nodes: must be a whole number",
        ),
        ({"resources": {"Llm": {"qps": 3}}}, "workload.resources.Llm.qps: unknown field"),
        ({"resources": {"Llm": 3}}, "workload.resources.Llm: must be a mapping"),
        ({"resources": []}, "workload.resources: must be a mapping"),
        ({"default": {"job_hours": 30}}, "workload.default.job_hours: must be between 0 and 24"),
        ({"extras": {}}, "workload.extras: unknown section"),
        ({"strategies": {"magic": {}}}, "workload.strategies.magic: unknown strategy"),
        (
            {"strategies": {"rag": {"hours_per_month": 1}}},
            "workload.strategies.rag.instance_type: required",
        ),
        (
            {"strategies": {"rag": {"instance_type": "ml.inf2.xlarge"}}},
            "workload.strategies.rag.hours_per_month: required",
        ),
        ([1, 2], "workload: must be a mapping, got a list"),
    ],
)
def test_errors_name_the_field(data, message) -> None:
    with pytest.raises(WorkloadError) as raised:
        parse_workload(data)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_files_yaml_json_and_unreadable(tmp_path) -> None:
    (tmp_path / "w.yaml").write_text("resources:\n  Llm: {requests_per_day: 10}\n")
    (tmp_path / "w.json").write_text('{"resources": {"Llm": {"requests_per_day": 10}}}')
    (tmp_path / "bad.yaml").write_text("resources: [unclosed\n")
    assert (
        load_workload(tmp_path / "w.yaml").resources == load_workload(tmp_path / "w.json").resources
    )
    with pytest.raises(WorkloadError, match="not valid YAML or JSON"):
        load_workload(tmp_path / "bad.yaml")
    with pytest.raises(WorkloadError, match="not found"):
        load_workload(tmp_path / "missing.yaml")


def test_keys_match_logical_ids_construct_paths_and_parents() -> None:
    workload = parse_workload({"resources": {"Llm": {}, "Llm/Results": {}, "Exact123": {}}})
    assert workload.match(logical_id="Llm20BDA581", path="/Stack/Llm/Resource") == "Llm"
    assert (
        workload.match(logical_id="LlmBucket1", path="/Stack/Llm/Results/Bucket/Resource")
        == "Llm/Results"
    )
    assert workload.match(logical_id="Exact123", path="/Stack/Llm/Resource") == "Exact123"
    assert workload.match(logical_id="Other", path="/Stack/Llmx/Resource") is None
    assert workload.match(logical_id="Other", path=None) is None
