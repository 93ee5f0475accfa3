"""Reports written a piece at a time: the same text as the whole documents they replace."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from green_constructs.commands import emit
from green_constructs.lint.reporters import FORMATS, chunks, render
from green_constructs.lint.reporters.indented_json import array, encode
from green_constructs.lint.runner import LintResult, lint
from green_constructs.rules import all_rules

DATA = Path(__file__).parent / "data"
TEMPLATE = {
    "Parameters": {"Days": {"Type": "Number"}},
    "Resources": {
        "Forever": {"Type": "AWS::Logs::LogGroup"},
        "Kept": {
            "Type": "AWS::Logs::LogGroup",
            "Metadata": {
                "cdk_nag": {
                    "rules_to_suppress": [
                        {"id": "Sustainability-LogGroupRetention", "reason": "Kept by law: é ☃."}
                    ]
                }
            },
        },
        "Set": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": {"Ref": "Days"}}},
        "Custom": {"Type": "Custom::Thing", "Properties": {"ServiceToken": "arn:x"}},
        "Bucket": {"Type": "AWS::S3::Bucket"},
    },
}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> LintResult:
    path = tmp_path_factory.mktemp("report") / "template.json"
    path.write_text(json.dumps(TEMPLATE))
    found = lint([path, DATA / "endpoint.yaml"], tuple(all_rules()))
    assert found.not_evaluated and any(f.acknowledged for f in found.findings)
    assert any(f.line for f in found.findings)
    return found


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": [], "b": {}, "c": [1, True, None, 2.5, 'é\u2603\n"\\'], "d": {"e": [{"f": 0}]}},
        ["x", [["y"]], {"z": False}],
        "plain",
        3,
    ],
)
def test_encode_writes_what_json_dumps_writes(value: object) -> None:
    assert encode(value) == json.dumps(value, indent=2)
    assert "".join(array([value, value], "  ")) == json.dumps([value, value], indent=2).replace(
        "\n", "\n  "
    )


def test_sarif_is_the_indented_json_of_its_own_log(result: LintResult) -> None:
    text = render("sarif", result)
    assert text == json.dumps(json.loads(text), indent=2) + "\n"
    empty = result._replace(findings=(), not_evaluated=())
    log = json.loads(render("sarif", empty))
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"][0]["toolExecutionNotifications"] == []


def test_json_report_keeps_one_line_an_entry(result: LintResult) -> None:
    text = render("json", result)
    report = json.loads(text)
    assert report["findings"] == [f.to_dict() for f in result.findings]
    assert report["not_evaluated"] == [n.to_dict() for n in result.not_evaluated]
    lines = text.splitlines()
    assert len(lines) == 7 + len(result.findings) + len(result.not_evaluated)
    empty = json.loads(render("json", result._replace(findings=(), not_evaluated=())))
    assert empty["findings"] == [] and empty["not_evaluated"] == []


@pytest.mark.parametrize("format", FORMATS)
def test_written_a_piece_an_entry(
    result: LintResult, format: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pieces = list(chunks(format, result))
    assert len(pieces) > len(result.findings)

    def made_one_at_a_time() -> Iterator[str]:
        for index, piece in enumerate(pieces):
            if index:  # the piece before was written before this one was made
                assert capsys.readouterr().out == pieces[index - 1]
            yield piece

    emit(made_one_at_a_time())
    assert capsys.readouterr().out == pieces[-1]
    emit(iter(pieces), str(tmp_path / "report"))
    assert (tmp_path / "report").read_text(encoding="utf-8") == render(format, result)


def test_unknown_format_names_the_allowed_ones(result: LintResult) -> None:
    with pytest.raises(ValueError, match="allowed: text, json, sarif"):
        render("xml", result)
