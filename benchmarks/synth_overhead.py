"""Synth-time overhead of our cdk-nag 3 packs against cdk-nag's ``AwsSolutionsChecks``.

Synthesizes the 400-resource app of ``synth_app.py`` in variants, each in a fresh Python process
(the jsii kernel's start-up and caches differ otherwise), ``--runs`` times, interleaved:

    baseline       no validation plugin
    ours           Validations.of(app).add_plugins(SustainabilityChecks(), GenAISustainabilityChecks())
    ours-enable    enable_sustainability_checks(app)  (packs scoped to the app: they also add
                   cdk-nag's aspect that writes acknowledgements into template metadata)
    awssolutions   Validations.of(app).add_plugins(AwsSolutionsChecks())

Each child times four phases: importing aws-cdk-lib, building the construct tree, importing and
registering the pack(s), and ``app.synth()`` (which runs the validation plugins). The overhead of
a pack is the median synth time of its variant minus the baseline's; the "setup + synth"
overhead adds the pack's import and registration. Target: ours <= AwsSolutions'.

Wall time is the figure the target is judged on; each phase's CPU time (this process plus the
jsii runtime's node processes, read from /proc on Linux) is reported beside it, as it is less
sensitive to what else the machine runs (node uses both cores during synth, so wall time swings
with any other load), and so is CDK's own timer of the validation phase (``validateTemplates``,
read from the file CDK writes when ``CDK_PERF_COUNTERS_FILE`` is set). That phase includes CDK's
built-in CloudFormation schema validation in every variant, baseline included;
``--no-cfn-validation`` (``CDK_VALIDATION=false``) drops it everywhere.

cdk-nag 3 fails synth when a report is unsuccessful (AwsSolutions reports errors on this app).
To time every variant through the same path, the app sets the context flag
``@aws-cdk/core:failSynthOnValidationErrors=false``: CDK still runs every plugin, formats the
report and writes ``validation-report.json``, but does not throw. ``--mode raise`` instead keeps
the default (synth throws) and times until the exception is caught. The number of violations per
plugin is read from the report after timing.

    .venv/bin/python benchmarks/synth_overhead.py [--runs 7] [--units 20] [--variants ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _tools  # noqa: E402

VARIANTS = ("baseline", "ours", "ours-enable", "awssolutions")
DEFAULT_VARIANTS = VARIANTS
PHASES = ("import_cdk", "build", "pack_setup", "synth")
QUIET_NODE = {
    "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    # the value lists the Node majors whose end-of-life banner is silenced
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "18,20",
    "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
}


# --------------------------------------------------------------------------------------------
# child: one synth of one variant, phases timed, JSON on the last line of stdout
# --------------------------------------------------------------------------------------------


def _add_packs(app: Any, variant: str) -> list[str]:
    import aws_cdk as cdk

    if variant == "baseline":
        return []
    if variant == "ours":
        from green_constructs.nag import GenAISustainabilityChecks, SustainabilityChecks

        packs = [SustainabilityChecks(), GenAISustainabilityChecks()]
        cdk.Validations.of(app).add_plugins(*packs)
        return [p.name for p in packs]
    if variant == "ours-enable":
        from green_constructs.nag import enable_sustainability_checks

        return [p.name for p in enable_sustainability_checks(app)]
    if variant == "awssolutions":
        from cdk_nag import AwsSolutionsChecks

        pack = AwsSolutionsChecks()
        cdk.Validations.of(app).add_plugins(pack)
        return [pack.name]
    raise SystemExit(f"unknown variant {variant!r}; allowed: {', '.join(VARIANTS)}")


def _violations(outdir: Path) -> dict[str, Any]:
    """Violations per plugin in CDK's validation-report.json (read after timing)."""
    path = outdir / "validation-report.json"
    if not path.is_file():
        return {}
    report = json.loads(path.read_text())
    counts: dict[str, Any] = {}
    for plugin in report.get("pluginReports", []):
        violations = plugin.get("violations", [])
        counts[plugin.get("pluginName", "?")] = {
            "conclusion": plugin.get("conclusion"),
            "rules": len({v.get("ruleName") for v in violations}),
            "resources": sum(len(v.get("violatingConstructs", [])) for v in violations),
        }
    return counts


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _descendants(pid: int) -> list[int]:
    """Child processes of ``pid``, recursively (Linux /proc; empty elsewhere)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                kids = [int(k) for k in fh.read().split()]
        except OSError:
            continue
        for kid in kids:
            found += [kid, *_descendants(kid)]
    return found


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its live descendants: the jsii
    runtime's node processes, where CDK synthesizes and cdk-nag's own rules run."""
    total = time.process_time()
    for pid in _descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
    return total


class _Phases:
    """Wall and CPU seconds of consecutive phases."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._mark = (time.perf_counter(), _cpu_seconds())

    def end(self, phase: str) -> None:
        now = (time.perf_counter(), _cpu_seconds())
        self.wall[phase] = now[0] - self._mark[0]
        self.cpu[phase] = now[1] - self._mark[1]
        self._mark = (time.perf_counter(), _cpu_seconds())


def child(variant: str, units: int, mode: str) -> int:
    outdir = Path(tempfile.mkdtemp(prefix="synth-bench-"))
    counters_file = outdir / "perf-counters.json"
    # read by the jsii runtime's node process, so set before aws_cdk starts it
    os.environ["CDK_PERF_COUNTERS_FILE"] = str(counters_file)
    phases = _Phases()
    import aws_cdk  # noqa: F401  (loads the jsii kernel and the aws-cdk-lib assembly)
    import synth_app

    phases.end("import_cdk")

    context: dict[str, Any] = {
        # with CDK_PERF_COUNTERS_FILE set, CDK writes its own phase timings after every synth
        "@aws-cdk/core.slowSynthThreshold": 0,
    }
    if mode == "report":
        context["@aws-cdk/core:failSynthOnValidationErrors"] = False
    try:
        app = synth_app.build_app(units=units, outdir=str(outdir), context=context)
        phases.end("build")

        plugins = _add_packs(app, variant)
        phases.end("pack_setup")

        outcome = "ok"
        try:
            app.synth()
        except Exception as exc:  # cdk-nag 3 / CDK fail synth on an unsuccessful report
            if mode != "raise":
                raise
            outcome = f"raised {type(exc).__name__}: {str(exc).strip().splitlines()[0][:200]}"
        phases.end("synth")

        template = json.loads((outdir / "BenchStack.template.json").read_text())
        counters = (
            json.loads(counters_file.read_text()).get("counters", {})
            if counters_file.is_file()
            else {}
        )
        print(
            json.dumps(
                {
                    "variant": variant,
                    "plugins": plugins,
                    "times": phases.wall,
                    "cpu": phases.cpu,
                    # CDK's own timing (node side) of running the validation plugins, which
                    # includes its built-in CloudFormation validation unless CDK_VALIDATION=false
                    "cdk_validate_ms": counters.get("validateTemplates", 0),
                    "resources": len(template.get("Resources", {})),
                    "outcome": outcome,
                    "violations": _violations(outdir),
                }
            )
        )
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    return 0


# --------------------------------------------------------------------------------------------
# parent: runs the children, aggregates, prints, writes results
# --------------------------------------------------------------------------------------------


def _run_child(variant: str, units: int, mode: str) -> tuple[float, dict[str, Any]]:
    env = {**os.environ, **QUIET_NODE}
    seconds, done = _tools.timed_run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            variant,
            "--units",
            str(units),
            "--mode",
            mode,
        ],
        env=env,
        cwd=str(HERE),
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(
            f"variant {variant} failed (exit {done.returncode}):\n{done.stderr.strip()[-3000:]}"
        )
    return seconds, json.loads(lines[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each variant")
    parser.add_argument("--units", type=int, default=20, help="20 resources each (default 400)")
    parser.add_argument("--variants", nargs="+", default=list(DEFAULT_VARIANTS), choices=VARIANTS)
    parser.add_argument(
        "--mode",
        choices=("report", "raise"),
        default="report",
        help="report: failSynthOnValidationErrors=false (synth completes); raise: CDK default, "
        "the exception of a failed validation is caught",
    )
    parser.add_argument(
        "--no-cfn-validation",
        action="store_true",
        help="CDK_VALIDATION=false in every variant: drops CDK's built-in CloudFormation "
        "schema validation (a large, noisy part of every synth, the baseline's included)",
    )
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.units, args.mode)
    if args.no_cfn_validation:
        os.environ["CDK_VALIDATION"] = "false"

    variants = list(dict.fromkeys(["baseline", *args.variants]))
    samples: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    print(f"warm-up (one untimed run of each of {', '.join(variants)})...", file=sys.stderr)
    for v in variants:
        _run_child(v, args.units, args.mode)
    for i in range(args.runs):
        order = variants if i % 2 == 0 else list(reversed(variants))
        for v in order:
            wall, data = _run_child(v, args.units, args.mode)
            data["times"]["process"] = wall
            samples[v].append(data)
            print(
                f"  run {i + 1}/{args.runs} {v:13s} synth {data['times']['synth']:.2f}s "
                f"process {wall:.2f}s",
                file=sys.stderr,
            )

    def med(v: str, phase: str, kind: str = "times") -> float:
        return statistics.median(s[kind][phase] for s in samples[v])

    result: dict[str, Any] = {
        "benchmark": "synth_overhead",
        "machine": _tools.machine(),
        "runs": args.runs,
        "mode": args.mode,
        "builtin_cfn_validation": not args.no_cfn_validation,
        "units": args.units,
        "variants": {},
    }
    base_synth, base_process = med("baseline", "synth"), med("baseline", "process")
    for v in variants:
        last = samples[v][-1]
        entry: dict[str, Any] = {
            "plugins": last["plugins"],
            "resources": last["resources"],
            "outcome": last["outcome"],
            "violations": last["violations"],
        }
        for phase in (*PHASES, "process"):
            entry[phase] = _tools.summary_ms([s["times"][phase] for s in samples[v]])
        entry["cdk_validate"] = _tools.summary_ms([s["cdk_validate_ms"] / 1000 for s in samples[v]])
        entry["cpu"] = {
            phase: _tools.summary_ms([s["cpu"][phase] for s in samples[v]]) for phase in PHASES
        }
        if v != "baseline":
            entry["synth_overhead_ms"] = round((med(v, "synth") - base_synth) * 1000, 1)
            entry["setup_and_synth_overhead_ms"] = round(
                (
                    med(v, "pack_setup")
                    + med(v, "synth")
                    - med("baseline", "pack_setup")
                    - base_synth
                )
                * 1000,
                1,
            )
            entry["process_overhead_ms"] = round((med(v, "process") - base_process) * 1000, 1)
            entry["cdk_validate_overhead_ms"] = round(
                entry["cdk_validate"]["median_ms"]
                - statistics.median(s["cdk_validate_ms"] for s in samples["baseline"]),
                1,
            )
            entry["synth_cpu_overhead_ms"] = round(
                (med(v, "synth", "cpu") - med("baseline", "synth", "cpu")) * 1000, 1
            )
        result["variants"][v] = entry

    rows = []
    for v, e in result["variants"].items():
        found = "; ".join(
            f"{name}: {c['resources']} in {c['rules']} rules" for name, c in e["violations"].items()
        )
        rows.append(
            [
                v,
                e["resources"],
                e["build"]["median_ms"],
                e["pack_setup"]["median_ms"],
                e["synth"]["median_ms"],
                e.get("synth_overhead_ms", "-"),
                e.get("setup_and_synth_overhead_ms", "-"),
                e["process"]["median_ms"],
                e["cpu"]["synth"]["median_ms"],
                e.get("synth_cpu_overhead_ms", "-"),
                e["cdk_validate"]["median_ms"],
                e.get("cdk_validate_overhead_ms", "-"),
                found or "-",
            ]
        )
    print(
        f"\nSynth of a {args.units * 20}-resource app, {args.runs} runs per variant, mode={args.mode} (median ms)"
    )
    print(
        _tools.table(
            rows,
            [
                "variant",
                "resources",
                "build",
                "pack setup",
                "synth",
                "synth overhead",
                "setup+synth overhead",
                "process",
                "synth CPU",
                "synth CPU overhead",
                "CDK validate",
                "CDK validate overhead",
                "violations (resources in rules)",
            ],
        )
    )
    base = result["variants"]["baseline"]["synth"]
    print(
        f"baseline synth spread over {args.runs} runs: {base['min_ms']}-{base['max_ms']} ms "
        "(overheads smaller than that are noise; a negative overhead means none measurable)"
    )
    ours = [v for v in ("ours", "ours-enable") if v in result["variants"]]
    if "awssolutions" in result["variants"] and ours:
        theirs = result["variants"]["awssolutions"]["synth_overhead_ms"]
        for v in ours:
            mine = result["variants"][v]["synth_overhead_ms"]
            verdict = "meets" if mine <= theirs else "MISSES"
            ratio = f"{mine / theirs:.2f}x" if theirs > 0 and mine > 0 else "n/a"
            print(
                f"{v} overhead / awssolutions overhead = {mine} / {theirs} ms = {ratio} ({verdict} target <= 1x)"
            )
            cpu_mine = result["variants"][v]["synth_cpu_overhead_ms"]
            cpu_theirs = result["variants"]["awssolutions"]["synth_cpu_overhead_ms"]
            print(f"  (synth CPU time overhead: {cpu_mine} vs {cpu_theirs} ms)")
            val_mine = result["variants"][v]["cdk_validate_overhead_ms"]
            val_theirs = result["variants"]["awssolutions"]["cdk_validate_overhead_ms"]
            print(f"  (CDK's validateTemplates timer overhead: {val_mine} vs {val_theirs} ms)")
            result["variants"][v]["ratio_to_awssolutions"] = (
                round(mine / theirs, 2) if theirs > 0 and mine > 0 else None
            )
            result["variants"][v]["meets_target"] = mine <= theirs
    suffix = "-no-cfn-validation" if args.no_cfn_validation else ""
    path = _tools.write_result(f"synth_overhead-{args.mode}{suffix}", result)
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
