"""``green-constructs rules``: text, JSON (the public contract) and Markdown."""

from __future__ import annotations

import json

CONTRACT = {"id", "pack", "severity", "title", "resource_types", "best_practices", "equivalents"}


def test_json_lists_every_rule_with_the_contract_fields(cli) -> None:
    run = cli("rules", "--format", "json")
    assert run.code == 0
    rules = json.loads(run.out)
    ids = [r["id"] for r in rules]
    assert {"Sustainability-LogGroupRetention", "GenAI-AsyncFailureHandling"} <= set(ids)
    assert len(ids) == len(set(ids))
    for entry in rules:
        assert CONTRACT <= set(entry)
        assert entry["id"].startswith(entry["pack"] + "-")
        assert entry["severity"] in {"error", "warning", "info"}
    retention = next(r for r in rules if r["id"] == "Sustainability-LogGroupRetention")
    assert retention["equivalents"] == [
        "sustainability-scanner:ensure_all_loggroups_have_retention"
    ]


def test_pack_filter(cli) -> None:
    rules = json.loads(cli("rules", "--format", "json", "--pack", "GenAI").out)
    assert rules and all(r["pack"] == "GenAI" for r in rules)


def test_text_groups_by_pack(cli) -> None:
    run = cli("rules")
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0] == "Sustainability"
    assert "GenAI" in lines
    assert any(line.split()[:2] == ["GenAI-AsyncFailureHandling", "warning"] for line in lines)
    assert lines[-1].endswith(" rules")


def test_markdown_has_a_table_per_pack_and_a_section_per_rule(cli) -> None:
    text = cli("rules", "--format", "markdown").out
    assert text.startswith("# green-constructs rules\n")
    assert "## Sustainability\n\n| Rule | Severity | Title | Best practices | Equivalents |" in text
    assert "## GenAI\n\n| Rule |" in text
    assert (
        "| [Sustainability-LogGroupRetention](#sustainability-loggroupretention) | warning | "
        in text
    )
    assert "### GenAI-AsyncFailureHandling\n" in text
    assert "**Remediation.** Set AsyncInferenceConfig.OutputConfig.S3FailurePath" in text


def test_unknown_pack_or_format_exits_two(cli) -> None:
    for argv in (["rules", "--pack", "Nope"], ["rules", "--format", "html"]):
        run = cli(*argv)
        assert run.code == 2
        assert run.err.startswith("green-constructs: error: ") and run.err.count("\n") == 1
