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
            "workload.strategies.rag: needs instance_type (with hours_per_month) or bedrock",
        ),
        (
            {"strategies": {"rag": {"instance_type": "ml.inf2.xlarge"}}},
            "workload.strategies.rag.hours_per_month: required",
        ),
        ([1, 2], "workload: must be a mapping, got a list"),
        (
            {"resources": {"Llm": {"requests_per_day": float("inf")}}},
            "workload.resources.Llm.requests_per_day: must be a finite number, got inf",
        ),
        (
            {"resources": {"Llm": {"seconds_per_request": float("nan")}}},
            "workload.resources.Llm.seconds_per_request: must be a finite number, got nan",
        ),
        (
            {"resources": {"Llm": {"nodes": float("inf")}}},
            "workload.resources.Llm.nodes: must be a finite number, got inf",
        ),
        (
            {"default": {"jobs_per_day": float("-inf")}},
            "workload.default.jobs_per_day: must be a finite number, got -inf",
        ),
        (
            {"resources": {"Llm": {"requests_per_day": 1e308}}},
            "workload.resources.Llm.requests_per_day: must be between 0 and 1e+10, got 1e+308",
        ),
        (
            {"resources": {"Llm": {"seconds_per_request": 1e308}}},
            "workload.resources.Llm.seconds_per_request: must be between 0 and 3600",
        ),
        ({"default": {"jobs_per_day": 1e308}}, "workload.default.jobs_per_day: must be between"),
        ({"default": {"nodes": 10**400}}, "workload.default.nodes: must be between 1 and 10000"),
        ({"default": {"storage_gb": 1e308}}, "workload.default.storage_gb: must be between 0 and"),
        (
            {"strategies": {"rag": {"instance_type": "ml.inf2.xlarge", "hours_per_month": 1e5}}},
            "workload.strategies.rag.hours_per_month: must be between 0 and 730, got 100000",
        ),
        (
            {
                "strategies": {
                    "rag": {"instance_type": "ml.inf2.xlarge", "hours_per_month": 1, "nodes": 1e300}
                }
            },
            "workload.strategies.rag.nodes: must be between 1 and 10000",
        ),
        (
            {"resources": {"a\nb": {"utilization": 5}}},
            "workload.resources.'a\\nb'.utilization: must be between 0 and 1, got 5",
        ),
        ({"resources": {"Llm": {"x\ny": 1}}}, "workload.resources.Llm.'x\\ny': unknown field"),
        ({"x\ny": {}}, "workload.'x\\ny': unknown section"),
    ],
)
def test_errors_name_the_field(data, message) -> None:
    with pytest.raises(WorkloadError) as raised:
        parse_workload(data)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_a_number_yaml_reads_as_text_gets_a_hint(tmp_path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("resources:\n  Llm: {requests_per_day: 1e6}\n")  # YAML 1.1: a string
    with pytest.raises(WorkloadError) as raised:
        load_workload(path)
    assert str(raised.value) == (
        "workload.resources.Llm.requests_per_day: must be a number, got '1e6' "
        "(YAML 1.1 reads 1e6 and quoted numbers as text: write 1.0e+6 or 1000000)"
    )
    path.write_text("resources:\n  Llm: {requests_per_day: 1.0e+6}\n")
    assert load_workload(path).resources["Llm"].requests_per_day == 1e6
    with pytest.raises(WorkloadError) as raised:
        parse_workload({"resources": {"Llm": {"requests_per_day": "many"}}})
    assert "YAML 1.1" not in str(raised.value)  # no hint for text that is no number


def test_files_yaml_json_and_unreadable(tmp_path) -> None:
    (tmp_path / "w.yaml").write_text("resources:\n  Llm: {requests_per_day: 10}\n")
    (tmp_path / "w.json").write_text('{"resources": {"Llm": {"requests_per_day": 10}}}')
    (tmp_path / "bad.yaml").write_text("resources: [unclosed\n")
    assert (
        load_workload(tmp_path / "w.yaml").resources == load_workload(tmp_path / "w.json").resources
    )
    with pytest.raises(WorkloadError, match="bad.yaml:2: invalid YAML"):
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


def test_reference_workloads_load_by_name_and_ship_in_the_package() -> None:
    from green_constructs.estimate.workload import (
        REFERENCE_WORKLOADS,
        load_workload,
        reference_workloads,
    )

    names = reference_workloads()
    assert names == [
        "bursty-chat",
        "default-app",
        "nightly-batch-summarization",
        "rag-knowledge-base",
        "weekly-finetune",
    ]
    assert REFERENCE_WORKLOADS.parent.name == "estimate"  # inside the package
    for name in names:
        assert load_workload(name).source == str(REFERENCE_WORKLOADS / f"{name}.yaml")
    with pytest.raises(WorkloadError, match="reference workloads by name: bursty-chat, "):
        load_workload("bursty-chats")


def test_a_file_wins_over_a_reference_name(tmp_path, monkeypatch) -> None:
    from green_constructs.estimate.workload import load_workload

    monkeypatch.chdir(tmp_path)
    (tmp_path / "bursty-chat").write_text("resources: {}\n")
    assert load_workload("bursty-chat").source == "bursty-chat"
