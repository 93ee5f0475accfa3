"""``green-constructs lint`` in-process: formats, exit codes, line numbers, acknowledgements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
LOG_GROUPS = DATA / "log_groups.json"
ENDPOINT = DATA / "endpoint.yaml"
CLEAN = DATA / "clean.yaml"
ASSEMBLY = DATA / "assembly"
# The two rules the fixtures are written for; other rules are still being added.
RULES = ("--rule", "GenAI-AsyncFailureHandling", "--rule", "Sustainability-LogGroupRetention")


def test_text_lists_findings_with_lines_then_acknowledged_then_summary(cli) -> None:
    run = cli("lint", ENDPOINT, LOG_GROUPS, *RULES)
    assert run.code == 0  # warnings only; --fail-on defaults to error
    assert run.err == ""
    lines = run.out.splitlines()
    assert lines == [
        f"{ENDPOINT}:11: warning GenAI-AsyncFailureHandling Config "
        "(AWS::SageMaker::EndpointConfig): Async endpoint config Config has neither "
        "S3FailurePath nor NotificationConfig.ErrorTopic: failed requests are neither stored "
        "nor announced.",
        f"{LOG_GROUPS}:10: warning Sustainability-LogGroupRetention Forever (AWS::Logs::LogGroup): "
        "Log group Forever has no RetentionInDays: its logs never expire.",
        f"{ENDPOINT}:32: warning Sustainability-LogGroupRetention Audit (AWS::Logs::LogGroup): "
        "Log group Audit has no RetentionInDays: its logs never expire. "
        "[acknowledged: Audit logs are kept by law.]",
        "2 findings (0 error, 2 warning, 0 info), 1 acknowledged; 2 templates, 7 resources, "
        "2 rules",
    ]


def test_json_is_findings_not_evaluated_and_summary(cli) -> None:
    run = cli("lint", ENDPOINT, "--format", "json", "--rule", "Sustainability-LogGroupRetention")
    assert run.code == 0
    document = json.loads(run.out)
    assert set(document) == {"findings", "not_evaluated", "summary"}
    assert document["not_evaluated"] == []
    assert document["summary"] == {
        "templates": 1,
        "resources": 5,
        "rules": 1,
        "findings": 0,
        "acknowledged": 1,
        "by_severity": {"error": 0, "warning": 0, "info": 0},
        "not_evaluated": 0,
    }
    [finding] = document["findings"]
    assert finding == {
        "rule_id": "Sustainability-LogGroupRetention",
        "severity": "warning",
        "template": str(ENDPOINT),
        "resource": "Audit",
        "resource_type": "AWS::Logs::LogGroup",
        "message": "Log group Audit has no RetentionInDays: its logs never expire.",
        "best_practices": ["SUS04-BP03", "SUS04-BP05"],
        "acknowledged": True,
        "reason": "Audit logs are kept by law.",
        "line": 32,
    }


def test_acknowledged_finding_does_not_fail(cli) -> None:
    run = cli("lint", ENDPOINT, "--rule", "Sustainability-LogGroupRetention", "--fail-on", "info")
    assert run.code == 0
    assert "[acknowledged: Audit logs are kept by law.]" in run.out


@pytest.mark.parametrize(
    ("fail_on", "code"), [("error", 0), ("warning", 1), ("info", 1), ("never", 0)]
)
def test_fail_on_threshold(cli, fail_on: str, code: int) -> None:
    assert cli("lint", LOG_GROUPS, *RULES, "--fail-on", fail_on).code == code


def test_clean_template_exits_zero_even_on_info(cli) -> None:
    run = cli("lint", CLEAN, *RULES, "--fail-on", "info")
    assert run.code == 0
    assert run.out.startswith("0 findings (0 error, 0 warning, 0 info), 0 acknowledged; ")


def test_pack_rule_and_exclude_select_rules(cli) -> None:
    def rule_ids(*options: str) -> set[str]:
        run = cli("lint", ENDPOINT, LOG_GROUPS, "--format", "json", *options)
        return {f["rule_id"] for f in json.loads(run.out)["findings"]}

    assert rule_ids(*RULES) == {"GenAI-AsyncFailureHandling", "Sustainability-LogGroupRetention"}
    assert rule_ids("--rule", "GenAI-AsyncFailureHandling") == {"GenAI-AsyncFailureHandling"}
    in_pack = rule_ids("--pack", "GenAI")
    assert "GenAI-AsyncFailureHandling" in in_pack
    assert all(rule_id.startswith("GenAI-") for rule_id in in_pack)
    excluded = rule_ids(*RULES, "--exclude", "GenAI-AsyncFailureHandling")
    assert excluded == {"Sustainability-LogGroupRetention"}


def test_cdk_out_directory_with_stage_and_nested_stack(cli) -> None:
    run = cli("lint", ASSEMBLY, *RULES, "--format", "json", "--fail-on", "warning")
    assert run.code == 1
    document = json.loads(run.out)
    located = {(f["template"], f["resource"], f["line"]) for f in document["findings"]}
    assert located == {
        ("AppStack", "AppLogs", 3),
        (
            "Prod/Api/ProdApiInferenceNestedStackInferenceNestedStackResourceA1B2C3D4.nested",
            "AsyncConfig",
            6,
        ),
    }
    assert document["summary"]["templates"] == 3


def test_text_of_cdk_out_points_at_template_files(cli) -> None:
    run = cli("lint", ASSEMBLY, "--rule", "Sustainability-LogGroupRetention")
    assert run.out.splitlines()[0].startswith(f"{ASSEMBLY / 'AppStack.template.json'}:3: warning ")


def test_output_file(cli, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    run = cli("lint", LOG_GROUPS, *RULES, "--format", "json", "--output", report)
    assert (run.code, run.out, run.err) == (0, "", "")
    assert json.loads(report.read_text())["summary"]["findings"] == 1


def test_same_file_twice_is_linted_once(cli) -> None:
    run = cli("lint", LOG_GROUPS, LOG_GROUPS, "--format", "json")
    assert json.loads(run.out)["summary"]["templates"] == 1


def test_region_and_carbon_threshold_are_accepted(cli) -> None:
    run = cli("lint", CLEAN, *RULES, "--region", "eu-north-1", "--carbon-threshold", "1.5")
    assert run.code == 0


def test_help_exits_zero(cli) -> None:
    run = cli("lint", "--help")
    assert run.code == 0
    assert "--fail-on" in run.out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["lint", LOG_GROUPS, "--rule", "GenAI-NoSuchRule"], "unknown rule 'GenAI-NoSuchRule'"),
        (["lint", LOG_GROUPS, "--exclude", "Nope"], "unknown rule 'Nope'"),
        (["lint", LOG_GROUPS, "--pack", "Security"], "unknown pack 'Security'"),
        (["lint", LOG_GROUPS, "--format", "xml"], "invalid choice: 'xml'"),
        (["lint", LOG_GROUPS, "--fail-on", "critical"], "invalid choice: 'critical'"),
        (["lint", LOG_GROUPS, "--carbon-threshold", "-1"], "not a positive number"),
        (["lint", LOG_GROUPS, "--region", "mars-north-1"], "mars-north-1"),
        (["lint", DATA / "missing.json"], "missing.json: cannot read"),
        (["lint", DATA / "not_a_template.json"], "not a CloudFormation template"),
        (["lint", DATA / "invalid.yaml"], "invalid.yaml:4: invalid YAML"),
        (["lint", DATA], "manifest.json: not found"),
        (["lint"], "the following arguments are required: PATH"),
        (["lint", LOG_GROUPS, "--output", DATA / "no" / "dir" / "out.txt"], "cannot write"),
        ([], "the following arguments are required: COMMAND"),
        (["lint-all"], "invalid choice: 'lint-all'"),
    ],
)
def test_bad_usage_or_input_exits_two_with_one_line(cli, argv: list, expected: str) -> None:
    run = cli(*argv)
    assert run.code == 2
    assert run.out == ""
    assert run.err.startswith("green-constructs: error: ")
    assert run.err.endswith("\n") and run.err.count("\n") == 1, run.err
    assert expected in run.err


def test_missing_template_in_assembly_exits_two(cli, tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "artifacts": {
                    "Gone": {
                        "type": "aws:cloudformation:stack",
                        "properties": {"templateFile": "Gone.template.json"},
                    }
                }
            }
        )
    )
    run = cli("lint", tmp_path)
    assert run.code == 2
    assert run.err == (
        f"green-constructs: error: {tmp_path / 'Gone.template.json'}: cannot read: "
        "No such file or directory\n"
    )
