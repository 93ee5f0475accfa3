"""Lint speed on a 500-resource template: our CLI against the AWS Sustainability Scanner.

Measures, in one run:

1. **Cold lint**: wall time of a new process, start to exit, for
   ``green-constructs lint T.json --format json`` and for ``susscanner T.json`` (Sustainability
   Scanner 1.3.0, which runs cfn-guard 3 over its rules). One untimed warm-up run of each (its
   output is checked: both must report findings), then ``--runs`` timed runs, interleaved so
   that drift in the machine's load hits both tools alike. Ours is the copy setup.sh installs
   as users get it (bytecode compiled). Target: ours at least 10x faster (scanner median /
   ours median >= 10).
2. **In process**: ``green_constructs.rules.evaluate(template, all_rules())`` on the already
   parsed template against ``json.loads`` of its text, median per call over ``timeit`` repeats.
   Target: evaluation at most 2x the parse.

Prints a table and the ratios, and writes ``benchmarks/results/lint_vs_scanner.json``. The
ratios are reported, never asserted: timing depends on the machine.

    benchmarks/setup.sh    # once: scanner venv and cfn-guard under benchmarks/.cache
    .venv/bin/python benchmarks/lint_vs_scanner.py [--runs 11] [--resources 500] [--no-scanner]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import timeit
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _tools  # noqa: E402
import generate_template  # noqa: E402

COLD_TARGET = 10.0  # scanner time / our time, at least
EVAL_TARGET = 2.0  # evaluate time / json.loads time, at most


def _our_command(template: Path) -> list[str]:
    return [str(_tools.our_exe()), "lint", str(template), "--format", "json"]


def _scanner_command(template: Path) -> list[str]:
    return [str(_tools.scanner_exe()), str(template)]


def _check_ours(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """Our run must exit 0 or 1 (findings at or above --fail-on) and print findings."""
    if done.returncode not in (0, 1):
        raise SystemExit(
            f"green-constructs lint exited {done.returncode}:\n{done.stderr.strip()[-2000:]}"
        )
    try:
        report = json.loads(done.stdout)
    except ValueError as exc:
        raise SystemExit(
            f"green-constructs lint printed no JSON ({exc}):\n{done.stdout[:500]}"
        ) from None
    findings = report.get("findings") or []
    if not findings:
        raise SystemExit("green-constructs lint reported no findings: its rules did not run")
    rules = sorted({f["rule_id"] for f in findings})
    return {"exit_code": done.returncode, "findings": len(findings), "rules_with_findings": rules}


def _check_scanner(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The scanner must print its report with failed rules (else cfn-guard did not run)."""
    if done.returncode != 0:
        raise SystemExit(f"susscanner exited {done.returncode}:\n{done.stderr.strip()[-2000:]}")
    try:
        report = json.loads(done.stdout)
    except ValueError as exc:
        raise SystemExit(
            f"susscanner printed no JSON report ({exc}):\n{done.stdout[:500]}"
        ) from None
    failed = report.get("failed_rules") or []
    if not failed:
        raise SystemExit(
            "susscanner reported no failed rules: cfn-guard was probably not found or failed.\n"
            f"stderr: {done.stderr.strip()[-1000:]}"
        )
    return {
        "exit_code": done.returncode,
        "findings": sum(len(r.get("resources") or []) for r in failed),
        "rules_with_findings": sorted(r["rule_name"] for r in failed),
        "sustainability_score": report.get("sustainability_score"),
    }


def cold(template: Path, runs: int, scanner: bool) -> dict[str, Any]:
    tools: dict[str, tuple[list[str], dict[str, str] | None, Any]] = {
        "green-constructs": (_our_command(template), None, _check_ours)
    }
    if scanner:
        tools["susscanner"] = (_scanner_command(template), _tools.scanner_env(), _check_scanner)

    result: dict[str, Any] = {}
    for name, (command, env, check) in tools.items():  # warm-up: disk caches, output checked
        _, done = _tools.timed_run(command, env=env)
        result[name] = {"command": " ".join(command), "output": check(done), "times": []}
    for i in range(runs):
        order = list(tools) if i % 2 == 0 else list(reversed(tools))
        for name in order:
            command, env, check = tools[name]
            seconds, done = _tools.timed_run(command, env=env)
            check(done)
            result[name]["times"].append(seconds)
    for entry in result.values():
        entry.update(_tools.summary_ms(entry.pop("times")))
    if scanner:
        result["ratio_scanner_over_ours"] = round(
            result["susscanner"]["median_ms"] / result["green-constructs"]["median_ms"], 2
        )
        result["target"] = f"ratio >= {COLD_TARGET}"
        result["meets_target"] = result["ratio_scanner_over_ours"] >= COLD_TARGET
    return result


def _per_call(stmt: Any, repeat: int, min_seconds: float = 0.2) -> list[float]:
    """Seconds per call, one sample per repeat, each repeat running at least ``min_seconds``."""
    timer = timeit.Timer(stmt)
    number, _ = timer.autorange()
    number = max(1, int(number * min_seconds / 0.2))
    return [t / number for t in timer.repeat(repeat=repeat, number=number)]


def in_process(template: Path, repeat: int) -> dict[str, Any]:
    from green_constructs.rules import TemplateContext, all_rules, evaluate

    text = template.read_text(encoding="utf-8")
    parsed = json.loads(text)
    rules = all_rules()
    findings = evaluate(parsed, rules)  # warm-up: imports, catalog load, caches
    if not findings:
        raise SystemExit("evaluate() found nothing in the benchmark template")

    parse = _per_call(lambda: json.loads(text), repeat)
    evaluation = _per_call(lambda: evaluate(parsed, rules), repeat)
    context = _per_call(lambda: TemplateContext(parsed), repeat)
    ratio = statistics.median(evaluation) / statistics.median(parse)
    rules_alone = statistics.median(evaluation) - statistics.median(context)
    return {
        "rules": len(rules),
        "findings": len(findings),
        "template_bytes": len(text.encode()),
        "json_loads": _tools.summary_ms(parse),
        "evaluate": _tools.summary_ms(evaluation),
        "template_context": _tools.summary_ms(context),
        "rules_alone_median_ms": round(rules_alone * 1000, 3),
        "ratio_evaluate_over_parse": round(ratio, 2),
        "ratio_rules_alone_over_parse": round(rules_alone / statistics.median(parse), 2),
        "target": f"ratio <= {EVAL_TARGET}",
        "meets_target": ratio <= EVAL_TARGET,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="timed cold runs of each tool")
    parser.add_argument("--repeat", type=int, default=15, help="timeit repeats (in-process)")
    parser.add_argument("--resources", type=int, default=generate_template.DEFAULT_RESOURCES)
    parser.add_argument("--no-scanner", action="store_true", help="time our CLI only")
    args = parser.parse_args(argv)

    template = generate_template.write(
        _tools.CACHE / f"template-{args.resources}.json", args.resources
    )
    print(f"template: {template} ({args.resources} resources)", file=sys.stderr)

    result: dict[str, Any] = {
        "benchmark": "lint_vs_scanner",
        "machine": _tools.machine(),
        "template": {"path": str(template), "resources": args.resources},
        "runs": args.runs,
    }
    if not args.no_scanner:
        guard = _tools.cfn_guard()
        version = subprocess.run([str(guard), "--version"], capture_output=True, text=True)
        result["cfn_guard"] = {"path": str(guard), "version": version.stdout.strip()}

    print("cold lint (new process per run)...", file=sys.stderr)
    result["cold"] = cold(template, args.runs, scanner=not args.no_scanner)
    print("in-process evaluate vs json.loads...", file=sys.stderr)
    result["in_process"] = in_process(template, args.repeat)

    c, p = result["cold"], result["in_process"]
    rows = [
        [
            name,
            c[name]["median_ms"],
            c[name]["min_ms"],
            c[name]["max_ms"],
            c[name]["output"]["findings"],
            len(c[name]["output"]["rules_with_findings"]),
        ]
        for name in ("green-constructs", "susscanner")
        if name in c
    ]
    print(f"\nCold lint of {args.resources} resources, {args.runs} runs each (wall ms)")
    print(_tools.table(rows, ["tool", "median", "min", "max", "findings", "rules hit"]))
    if "ratio_scanner_over_ours" in c:
        verdict = "meets" if c["meets_target"] else "MISSES"
        print(
            f"scanner / ours = {c['ratio_scanner_over_ours']}x  ({verdict} target >= {COLD_TARGET}x)"
        )

    print(f"\nIn process, {p['rules']} rules, {p['findings']} findings (ms per call, median)")
    print(
        _tools.table(
            [
                ["json.loads(text)", p["json_loads"]["median_ms"], p["json_loads"]["min_ms"]],
                [
                    "evaluate(dict, all_rules())",
                    p["evaluate"]["median_ms"],
                    p["evaluate"]["min_ms"],
                ],
                [
                    "  of which TemplateContext(dict)",
                    p["template_context"]["median_ms"],
                    p["template_context"]["min_ms"],
                ],
                ["  of which the rules", p["rules_alone_median_ms"], "-"],
            ],
            ["step", "median", "min"],
        )
    )
    verdict = "meets" if p["meets_target"] else "MISSES"
    print(
        f"evaluate / parse = {p['ratio_evaluate_over_parse']}x  ({verdict} target <= {EVAL_TARGET}x)"
    )
    print(f"rules alone / parse = {p['ratio_rules_alone_over_parse']}x")

    path = _tools.write_result("lint_vs_scanner", result)
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
