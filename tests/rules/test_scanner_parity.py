"""The Sustainability pack against AWS Sustainability Scanner 1.3.0's own test cases.

Each scanner rule maps to our rule through ``equivalents``. For every case: scanner FAIL -> our
rule flags something; PASS or SKIP -> it flags nothing. Scanner checks that are facets of one of
our rules are judged together: the rule must flag when any facet FAILs. Where the scanner is
wrong, the FAIL is listed in ``DIVERGENCES`` and asserted to diverge (our rule flags nothing), so
the list cannot go stale.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

from green_constructs.lint.decode import load_yaml
from green_constructs.rules import Rule, all_rules, evaluate

SCANNER = "sustainability-scanner:"
RULES_DIR = Path(importlib.util.find_spec("susscanner").origin).parent / "rules"

# Scanner test cases that name a rule no .guard file defines (typos in the scanner's tests).
MISNAMED = {
    "verify_rest_api_compression_exists": "rest_api_compression_exists",
    "check_policy_ttl": "check_default_ttl",
}

# (case name, scanner rule) -> why the scanner's FAIL is wrong (our rule does not flag).
DIVERGENCES = {
    ("TestWithoutDefaultWorkerNodes", "check_glue_job_allocatedcapacity"): (
        "WorkerType with NumberOfWorkers sizes the job; AllocatedCapacity is deprecated"
    ),
    ("TestWithoutDefaultWorkerNodes", "check_glue_job_maxcapacity"): (
        "WorkerType with NumberOfWorkers sizes the job; Glue rejects MaxCapacity alongside it"
    ),
    ("TestWithAllocatedCapacity", "check_glue_job_maxcapacity"): (
        "the job is sized by WorkerType with NumberOfWorkers; MaxCapacity is an alternative"
    ),
}


def _guard_rule_names() -> set[str]:
    return {
        name
        for path in RULES_DIR.glob("*.guard")
        for name in re.findall(r"^rule (\w+)", path.read_text(encoding="utf-8"), re.MULTILINE)
    }


def _our_rules() -> dict[str, Rule]:
    return {
        equivalent.removeprefix(SCANNER): r
        for r in all_rules()
        for equivalent in r.equivalents
        if equivalent.startswith(SCANNER)
    }


def _expectations() -> list[tuple[str, str, dict[str, Any], str, str]]:
    """(test id, case name, input, scanner rule, expected status) for every expectation."""
    found = []
    for path in sorted((RULES_DIR / "test_cases").glob("*.yaml")):
        cases = load_yaml(path.read_text(encoding="utf-8"))
        for index, case in enumerate(cases):
            for name, status in case["expectations"]["rules"].items():
                name = MISNAMED.get(name, name)
                test_id = f"{path.stem}[{index}]:{case['name']}"
                found.append((test_id, case["name"], case["input"] or {}, name, status))
    return found


def _checks(
    expectations: list[tuple[str, str, dict[str, Any], str, str]],
) -> list[tuple[str, str, dict[str, Any], Rule, dict[str, str]]]:
    """(test id, case name, input, our rule, {scanner rule: status}), facets grouped by rule."""
    ours = _our_rules()
    grouped: dict[tuple[str, str], tuple[str, dict[str, Any], Rule, dict[str, str]]] = {}
    for test_id, case, template, name, status in expectations:
        key = (test_id, ours[name].id)
        grouped.setdefault(key, (case, template, ours[name], {}))[3][name] = status
    return [(f"{tid}:{rid}", *value) for (tid, rid), value in grouped.items()]


EXPECTATIONS = _expectations()
CHECKS = _checks(EXPECTATIONS)


def test_every_scanner_rule_is_covered_exactly_once() -> None:
    names = _guard_rule_names()
    assert len(names) == 22
    covered = [
        e.removeprefix(SCANNER) for r in all_rules() for e in r.equivalents if e.startswith(SCANNER)
    ]
    assert sorted(covered) == sorted(names)


def test_misnamed_rules_are_really_misnamed() -> None:
    names = _guard_rule_names()
    assert not set(MISNAMED) & names
    assert set(MISNAMED.values()) <= names


def test_divergences_name_real_failures() -> None:
    fails = {(case, name) for _, case, _, name, status in EXPECTATIONS if status == "FAIL"}
    assert set(DIVERGENCES) <= fails


@pytest.mark.parametrize(
    ("case", "template", "ours", "statuses"),
    [c[1:] for c in CHECKS],
    ids=[c[0] for c in CHECKS],
)
def test_scanner_case(
    case: str, template: dict[str, Any], ours: Rule, statuses: dict[str, str]
) -> None:
    flagged = bool(evaluate(template, [ours]))
    fails = {name for name, status in statuses.items() if status == "FAIL"}
    diverging = {name for name in fails if (case, name) in DIVERGENCES}
    if fails - diverging:
        assert flagged, f"{ours.id} on {case}: scanner expects FAIL for {sorted(fails)}"
    elif diverging:
        assert not flagged, f"no longer diverges: {sorted(diverging)}"
    else:
        assert not flagged, f"{ours.id} on {case}: scanner expects {statuses}"
