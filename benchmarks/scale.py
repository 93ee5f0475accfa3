"""Scale: lint and estimate 10,000 resources and 3,000 stacks, synth 2,000 resources under both
cdk-nag majors, each against its peer.

Measures, in one run (every tool in a new process, ``--runs`` interleaved runs, median wall
time, after one untimed warm-up whose output is checked):

1. **Templates**: ``green-constructs lint T --format json`` against ``susscanner T``
   (Sustainability Scanner 1.3.0 on cfn-guard 3), and ``green-constructs estimate T
   --format json`` (no peer: the scanner does not estimate), on two templates of
   ``--resources`` (10,000) resources: ``generate_template.py``'s mix, and endpoints
   (half SageMaker endpoints, half alarms on them, the worst case of an endpoints x alarms scan);
   each also at a tenth of the size, to show time per resource staying flat (linear).
2. **Assembly**: a cloud assembly of ``--stacks`` (3,000) stacks (``manifest.json`` and one
   25-resource template each, written to a temporary directory), linted and estimated by ours,
   and at a tenth of the stacks. The scanner takes one template per process (about 0.2 s
   each, ten minutes for 3,000), so by default it runs over ``--scanner-sample`` (20) templates
   and its time for all is extrapolated from their mean (labelled as such); ``--scanner-sample
   3000`` runs it over all of them, once.
3. **SARIF**: the 10,000-resource mix linted in process, its findings repeated to ``--findings``
   (130,000), written as SARIF to ``/dev/null``: wall time and peak RSS of that process.
4. **Synth**: ``synth_app.py`` with ``--synth-units`` (100) units of 20 resources in one stack,
   synthesized under cdk-nag 3 (this venv) and cdk-nag 2 (``.venv-nag2``), with no pack,
   cdk-nag's ``AwsSolutionsChecks``, and ours (``enable_sustainability_checks(app)``); a pack's
   overhead is its median synth time minus no pack's. Target: ours <= AwsSolutions'.

Ours is the working tree's (the venv running this script), not ``setup.sh``'s installed copy.
Ratios are reported, never asserted. Writes ``benchmarks/results/scale.json``.

    .venv/bin/python benchmarks/scale.py [--runs 3] [--resources 10000] [--stacks 3000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _tools  # noqa: E402
import generate_template  # noqa: E402
from lint_vs_scanner import _check_ours, _check_scanner  # noqa: E402

NAG2_PYTHON = _tools.REPO / ".venv-nag2" / "bin" / "python"
OURS = Path(sys.executable).parent / "green-constructs"
QUIET_NODE = {
    "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "18,20",
    "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
}
SYNTH_VARIANTS = ("none", "awssolutions", "ours")
Check = Callable[[subprocess.CompletedProcess[str]], dict[str, Any]]


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------


def endpoint_template(resources: int) -> dict[str, Any]:
    """Half endpoints, half alarms but one log group (without retention: a finding of the
    scanner too): alarm ``i`` watches endpoint ``i`` in one of the ways an alarm names an
    endpoint (literal name, ``GetAtt``, ``Sub``), except every fourth, which watches the next
    endpoint, so that ``GenAI-EndpointMonitoring`` reports every fourth endpoint."""
    if resources < 4 or resources % 2:
        raise ValueError(f"resources must be an even number >= 4, got {resources}")
    body: dict[str, Any] = {"Logs": {"Type": "AWS::Logs::LogGroup"}}
    for i in range(resources // 2):
        body[f"Endpoint{i}"] = {
            "Type": "AWS::SageMaker::Endpoint",
            "Properties": {"EndpointConfigName": f"config-{i}", "EndpointName": f"endpoint-{i}"},
        }
    for i in range(resources // 2 - 1):
        watched = i if i % 4 else i + 1
        value = [
            f"endpoint-{watched}",
            {"Fn::GetAtt": [f"Endpoint{watched}", "EndpointName"]},
            {"Fn::Sub": f"${{Endpoint{watched}.EndpointName}}"},
        ][i % 3]
        body[f"Alarm{i}"] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "Namespace": "AWS/SageMaker",
                "MetricName": "Invocations",
                "Dimensions": [
                    {"Name": "EndpointName", "Value": value},
                    {"Name": "VariantName", "Value": "AllTraffic"},
                ],
                "Statistic": "Sum",
                "Period": 3600,
                "EvaluationPeriods": 24,
                "Threshold": 1,
                "ComparisonOperator": "LessThanThreshold",
            },
        }
    return {"Description": f"endpoints and alarms ({resources} resources)", "Resources": body}


def write_assembly(directory: Path, stacks: int) -> Path:
    """A cloud assembly of ``stacks`` stacks in us-east-1, each one 25-resource block of the
    benchmark template (block ``i`` for stack ``i``)."""
    directory.mkdir(parents=True, exist_ok=True)
    block = generate_template.BLOCK_SIZE
    base = generate_template.generate(block)
    artifacts: dict[str, Any] = {}
    for i in range(stacks):
        name = f"Stack{i:04d}"
        template = dict(base, Resources=generate_template._block(i))  # noqa: SLF001
        (directory / f"{name}.template.json").write_text(json.dumps(template, indent=1))
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "environment": "aws://123456789012/us-east-1",
            "properties": {"templateFile": f"{name}.template.json"},
            "displayName": name,
        }
    manifest = {"version": "48.0.0", "artifacts": artifacts}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return directory


# --------------------------------------------------------------------------------------------
# timing
# --------------------------------------------------------------------------------------------


def _check_estimate(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    if done.returncode != 0:
        raise SystemExit(f"estimate exited {done.returncode}:\n{done.stderr.strip()[-2000:]}")
    json.loads(done.stdout)
    return {"exit_code": 0, "bytes": len(done.stdout)}


def timed(
    commands: dict[str, tuple[list[str], dict[str, str] | None, Check]], runs: int
) -> dict[str, Any]:
    """Each command: one checked warm-up, then ``runs`` timed runs, interleaved."""
    result: dict[str, Any] = {}
    for name, (command, env, check) in commands.items():
        _, done = _tools.timed_run(command, env=env)
        result[name] = {"command": " ".join(command), "output": check(done), "times": []}
    for i in range(runs):
        for name in list(commands) if i % 2 == 0 else list(reversed(commands)):
            command, env, check = commands[name]
            seconds, done = _tools.timed_run(command, env=env)
            check(done)
            result[name]["times"].append(seconds)
    for entry in result.values():
        entry.update(_tools.summary_ms(entry.pop("times")))
    return result


def _ours(*args: str | Path) -> list[str]:
    return [str(OURS), *map(str, args), "--format", "json"]


def template_case(path: Path, small: Path, resources: int, runs: int) -> dict[str, Any]:
    """Lint (ours, scanner) and estimate (ours) of a template and of its tenth."""
    commands: dict[str, tuple[list[str], dict[str, str] | None, Check]] = {
        "lint": (_ours("lint", path), None, _check_ours),
        "lint_tenth": (_ours("lint", small), None, _check_ours),
        "estimate": (_ours("estimate", path), None, _check_estimate),
        "estimate_tenth": (_ours("estimate", small), None, _check_estimate),
        "susscanner": (
            [str(_tools.scanner_exe()), str(path)],
            _tools.scanner_env(),
            _check_scanner,
        ),
    }
    result = timed(commands, runs)
    ours, scanner = result["lint"]["median_ms"], result["susscanner"]["median_ms"]
    result["ratio_scanner_over_ours"] = round(scanner / ours, 2)
    for step in ("lint", "estimate"):
        per = result[step]["median_ms"] / resources
        per_tenth = result[f"{step}_tenth"]["median_ms"] / (resources / 10)
        result[f"{step}_ms_per_resource"] = {"full": round(per, 4), "tenth": round(per_tenth, 4)}
    return result


def assembly_case(directory: Path, small: Path, stacks: int, runs: int, sample: int) -> dict:
    """Lint and estimate (ours) of the assembly and its tenth; the scanner over a sample of its
    templates, one process each, extrapolated to all."""
    commands: dict[str, tuple[list[str], dict[str, str] | None, Check]] = {
        "lint": (_ours("lint", directory), None, _check_ours),
        "lint_tenth": (_ours("lint", small), None, _check_ours),
        "estimate": (_ours("estimate", directory), None, _check_estimate),
        "estimate_tenth": (_ours("estimate", small), None, _check_estimate),
    }
    result = timed(commands, runs)
    for step in ("lint", "estimate"):
        per = result[step]["median_ms"] / stacks
        per_tenth = result[f"{step}_tenth"]["median_ms"] / (stacks / 10)
        result[f"{step}_ms_per_stack"] = {"full": round(per, 3), "tenth": round(per_tenth, 3)}
    templates = sorted(directory.glob("*.template.json"))[:sample]
    seconds = []
    for template in templates:
        elapsed, done = _tools.timed_run(
            [str(_tools.scanner_exe()), str(template)], env=_tools.scanner_env()
        )
        _check_scanner(done)
        seconds.append(elapsed)
    mean = statistics.mean(seconds)
    result["susscanner_sample"] = {
        "templates": len(templates),
        "mean_ms_per_template": round(mean * 1000, 2),
        "extrapolated_ms_all": round(mean * 1000 * stacks, 0),
        "note": "one process per template; total extrapolated from the sample's mean",
    }
    result["ratio_scanner_extrapolated_over_ours"] = round(
        mean * 1000 * stacks / result["lint"]["median_ms"], 2
    )
    return result


def report_case(template: Path, findings: int) -> dict[str, Any]:
    """SARIF of ``findings`` findings, written by a child process: time and peak RSS."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", "report", str(template), str(findings)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def synth_case(units: int, runs: int) -> dict[str, Any]:
    """Synth time of each variant under each cdk-nag major, new process per run."""
    pythons = {"cdk-nag 3": sys.executable, "cdk-nag 2": str(NAG2_PYTHON)}
    env = dict(os.environ, **QUIET_NODE)
    result: dict[str, Any] = {}
    for major, python in pythons.items():
        times: dict[str, list[float]] = {v: [] for v in SYNTH_VARIANTS}
        for i in range(runs):
            order = SYNTH_VARIANTS if i % 2 == 0 else tuple(reversed(SYNTH_VARIANTS))
            for variant in order:
                command = [python, __file__, "--child", "synth", variant, str(units)]
                done = subprocess.run(command, capture_output=True, text=True, env=env)
                if done.returncode != 0:
                    raise SystemExit(f"{major} {variant} synth failed:\n{done.stderr[-2000:]}")
                times[variant].append(json.loads(done.stdout.splitlines()[-1])["synth_s"])
        entry: dict[str, Any] = {v: _tools.summary_ms(t) for v, t in times.items()}
        base = entry["none"]["median_ms"]
        for variant in ("awssolutions", "ours"):
            entry[f"{variant}_overhead_ms"] = round(entry[variant]["median_ms"] - base, 1)
        aws, ours = entry["awssolutions_overhead_ms"], entry["ours_overhead_ms"]
        entry["ratio_ours_over_awssolutions_overhead"] = round(ours / aws, 2) if aws > 0 else None
        entry["meets_target"] = ours <= aws
        result[major] = entry
    return result


# --------------------------------------------------------------------------------------------
# children
# --------------------------------------------------------------------------------------------


def child_report(template: str, findings: int) -> None:
    from green_constructs.commands import emit
    from green_constructs.lint.reporters import chunks
    from green_constructs.lint.runner import lint
    from green_constructs.rules import all_rules

    result = lint([template], tuple(all_rules()))
    repeated = (result.findings * (findings // len(result.findings) + 1))[:findings]
    result = result._replace(findings=repeated)
    start = time.perf_counter()
    emit(chunks("sarif", result), os.devnull)  # as `lint --format sarif --output` writes it
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
    print(
        json.dumps({"findings": findings, "sarif_ms": round(elapsed * 1000), "peak_rss_mb": peak})
    )


def child_synth(variant: str, units: int) -> None:
    import aws_cdk as cdk
    import cdk_nag
    from synth_app import build_app

    from green_constructs.nag import CDK_NAG_MAJOR, enable_sustainability_checks

    context = {
        "@aws-cdk/core:stackResourceLimit": 0,  # 2,000 resources in one stack
        "@aws-cdk/core:failSynthOnValidationErrors": False,  # AwsSolutions reports errors
    }
    outdir = tempfile.mkdtemp(prefix="scale-synth-")
    app = build_app(units=units, outdir=outdir, context=context)
    if variant == "ours":
        enable_sustainability_checks(app)
    elif variant == "awssolutions" and CDK_NAG_MAJOR >= 3:
        cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks())
    elif variant == "awssolutions":
        cdk.Aspects.of(app).add(cdk_nag.AwsSolutionsChecks())
    start = time.perf_counter()
    app.synth()
    print(json.dumps({"variant": variant, "synth_s": time.perf_counter() - start}))


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------


def _summary(result: dict[str, Any]) -> None:
    rows = []
    for name, case in result["templates"].items():
        rows.append(
            [
                f"template {name}",
                case["lint"]["median_ms"],
                case["susscanner"]["median_ms"],
                f"{case['ratio_scanner_over_ours']}x",
                case["estimate"]["median_ms"],
                f"{case['lint_ms_per_resource']['tenth']} -> {case['lint_ms_per_resource']['full']}",
            ]
        )
    a = result["assembly"]
    rows.append(
        [
            f"assembly {result['stacks']} stacks",
            a["lint"]["median_ms"],
            f"~{a['susscanner_sample']['extrapolated_ms_all']} (extrapolated)",
            f"{a['ratio_scanner_extrapolated_over_ours']}x",
            a["estimate"]["median_ms"],
            f"{a['lint_ms_per_stack']['tenth']} -> {a['lint_ms_per_stack']['full']} per stack",
        ]
    )
    header = ["input", "ours lint", "scanner", "scanner/ours", "ours estimate", "lint ms/unit"]
    print(_tools.table(rows, header))
    r = result["sarif"]
    print(f"\nSARIF, {r['findings']} findings: {r['sarif_ms']} ms, peak RSS {r['peak_rss_mb']} MB")
    for major, s in result["synth"].items():
        print(
            f"\nsynth {result['synth_units'] * 20} resources, {major} (median ms): none "
            f"{s['none']['median_ms']}, AwsSolutions {s['awssolutions']['median_ms']} "
            f"(+{s['awssolutions_overhead_ms']}), ours {s['ours']['median_ms']} "
            f"(+{s['ours_overhead_ms']}); ours/AwsSolutions overhead "
            f"{s['ratio_ours_over_awssolutions_overhead']} "
            f"({'meets' if s['meets_target'] else 'MISSES'} target <= 1)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each command")
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--stacks", type=int, default=3_000)
    parser.add_argument("--findings", type=int, default=130_000)
    parser.add_argument("--synth-units", type=int, default=100, help="20 resources each")
    parser.add_argument("--scanner-sample", type=int, default=20, help="assembly templates")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, first, second = args.child
        if kind == "report":
            child_report(first, int(second))
        else:
            child_synth(first, int(second))
        return 0

    result: dict[str, Any] = {
        "benchmark": "scale",
        "machine": _tools.machine(),
        "runs": args.runs,
        "resources": args.resources,
        "stacks": args.stacks,
        "synth_units": args.synth_units,
        "templates": {},
    }
    with tempfile.TemporaryDirectory(prefix="green-constructs-scale-") as scratch:
        root = Path(scratch)
        tenth = args.resources // 10
        inputs = {
            "mix": (generate_template.generate(args.resources), generate_template.generate(tenth)),
            "endpoints": (endpoint_template(args.resources), endpoint_template(tenth)),
        }
        for name, (full, small) in inputs.items():
            path, small_path = root / f"{name}.json", root / f"{name}-tenth.json"
            path.write_text(json.dumps(full, indent=1))
            small_path.write_text(json.dumps(small, indent=1))
            print(f"template {name}: {args.resources} resources...", file=sys.stderr)
            result["templates"][name] = template_case(path, small_path, args.resources, args.runs)
        print(f"assembly: {args.stacks} stacks...", file=sys.stderr)
        assembly = write_assembly(root / "cdk.out", args.stacks)
        small_assembly = write_assembly(root / "cdk.out-tenth", args.stacks // 10)
        result["assembly"] = assembly_case(
            assembly, small_assembly, args.stacks, args.runs, args.scanner_sample
        )
        print(f"SARIF of {args.findings} findings...", file=sys.stderr)
        result["sarif"] = report_case(root / "mix.json", args.findings)
    print(f"synth {args.synth_units * 20} resources under both cdk-nag majors...", file=sys.stderr)
    result["synth"] = synth_case(args.synth_units, args.runs)
    _summary(result)
    print(f"\nwrote {_tools.write_result('scale', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
