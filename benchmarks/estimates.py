#!/usr/bin/env python3
"""Reference workloads: our design vs the naive baseline vs the nearest peer library's defaults.

For each reference workload (``green_constructs/estimate/workloads``) this synthesizes the example app it applies to,
estimates it, and estimates the same use case built with the defaults of AWS Generative AI CDK
Constructs (awslabs/generative-ai-cdk-constructs), all with the same estimator in one run::

    .venv/bin/python benchmarks/estimates.py [--format text|markdown]

The peer designs are templates of what its constructs synthesize (see ``PEER_NOTES``), in the
same region as our example so the comparison shows the library defaults, not the region.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from green_constructs.estimate.estimator import estimate_path  # noqa: E402
from green_constructs.estimate.results import Estimate  # noqa: E402
from green_constructs.estimate.workload import load_workload  # noqa: E402

PEER = "awslabs/generative-ai-cdk-constructs"
PEER_NOTES = (
    "HuggingFaceSageMakerEndpoint / CustomSageMakerEndpoint: one real-time production variant "
    "'AllTraffic', instanceCount default 1, no auto scaling, no asynchronous or serverless option "
    "(src/patterns/gen-ai/aws-model-deployment-sagemaker/huggingface-sagemaker-endpoint.ts, "
    "custom-sagemaker-endpoint.ts); instanceType is required with no default, and its README "
    "deploys a 7B model on ml.g5.2xlarge (README_hugging_face.md). The library has no SageMaker "
    "batch transform or training construct: the batch use case is modeled on its endpoint, the "
    "fine-tune as a hand-written GPU training job on ml.p4d.24xlarge (the GPU our training "
    "baseline replaces Trainium with, same time to train)."
)
PEER_INSTANCE = "ml.g5.2xlarge"
PEER_TRAINING_INSTANCE = "ml.p4d.24xlarge"


@dataclass(frozen=True)
class Case:
    workload: str
    example: str
    peer: dict


def _peer_endpoint(name: str, model_id: str) -> dict:
    """What HuggingFaceSageMakerEndpoint synthesizes, with its default instance count."""
    return {
        "Resources": {
            f"{name}Model": {
                "Type": "AWS::SageMaker::Model",
                "Properties": {
                    "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker",
                    "PrimaryContainer": {
                        "Image": "tgi-gpu",
                        "Environment": {"HF_MODEL_ID": model_id},
                    },
                },
            },
            "EndpointConfig": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {
                    "ProductionVariants": [
                        {
                            "VariantName": "AllTraffic",
                            "InstanceType": PEER_INSTANCE,
                            "InitialInstanceCount": 1,
                            "InitialVariantWeight": 1,
                            "ModelName": {"Fn::GetAtt": [f"{name}Model", "ModelName"]},
                        }
                    ]
                },
            },
            name: {
                "Type": "AWS::SageMaker::Endpoint",
                "Properties": {
                    "EndpointConfigName": {"Fn::GetAtt": ["EndpointConfig", "EndpointConfigName"]}
                },
            },
        }
    }


def _peer_training(name: str) -> dict:
    definition = {
        "StartAt": "Train",
        "States": {
            "Train": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
                "Parameters": {
                    "ResourceConfig": {
                        "InstanceType": PEER_TRAINING_INSTANCE,
                        "InstanceCount": 1,
                        "VolumeSizeInGB": 100,
                    },
                    "StoppingCondition": {"MaxRuntimeInSeconds": 14400},
                },
                "End": True,
            }
        },
    }
    return {
        "Resources": {
            name: {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionString": json.dumps(definition),
                    "RoleArn": "arn:aws:iam::123456789012:role/sfn",
                },
            }
        }
    }


CASES = (
    Case("bursty_chat", "async_llm_endpoint", _peer_endpoint("Chat", "Qwen/Qwen2.5-7B-Instruct")),
    Case(
        "nightly_batch_summarization",
        "batch_summarization",
        _peer_endpoint("Summaries", "Qwen/Qwen2.5-1.5B-Instruct"),
    ),
    Case("weekly_finetune", "finetune_on_trainium", _peer_training("LoraFinetune")),
)


def _synth(example: str, outdir: Path) -> Path:
    spec = importlib.util.spec_from_file_location(
        f"example_{example}", ROOT / "examples" / example / "app.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Path(module.build_app(outdir=str(outdir)).synth().directory)


def run_case(case: Case, workdir: Path) -> dict:
    """Ours, the naive baseline and the peer design for one case (kg CO2e/month, USD/month)."""
    workload = load_workload(case.workload.replace("_", "-"))
    assembly = _synth(case.example, workdir / case.example)
    ours = estimate_path(assembly, workload=workload)
    peer_file = workdir / f"peer_{case.workload}.json"
    peer_file.write_text(json.dumps(case.peer), encoding="utf-8")
    # the peer design runs where our example does: only the library defaults differ
    peer = estimate_path(  # the workload names our constructs: the peer has other ids
        peer_file, workload=workload, region=ours.resources[0].plan.region, allow_unmatched=True
    )
    baseline = ours.baseline_total
    return {
        "workload": case.workload,
        "example": case.example,
        "ours": _figures(ours.total, baseline.kgco2e),
        "ours_in_us_east_1": _comparison(ours, baseline.kgco2e),
        "baseline": _figures(baseline, baseline.kgco2e),
        "peer": _figures(peer.total, baseline.kgco2e),
        "problems": [
            *(f"ours: {p.where}: {p.message}" for p in ours.problems),
            *(f"peer: {p.where}: {p.message}" for p in peer.problems),
        ],
    }


def _figures(totals, baseline_kg: float) -> dict:
    return {
        "kgco2e_month": round(totals.kgco2e, 3),
        "usd_month": round(totals.usd, 2),
        "baseline_over_this": round(baseline_kg / totals.kgco2e, 1) if totals.kgco2e else None,
    }


def _comparison(estimate: Estimate, baseline_kg: float) -> dict:
    found = estimate.comparisons["in_baseline_region"]
    return {
        "kgco2e_month": found["kgco2e_month"],
        "usd_month": found["usd_month"],
        "baseline_over_this": (
            round(baseline_kg / found["kgco2e_month"], 1) if found["kgco2e_month"] else None
        ),
    }


def render(results: list[dict], markdown: bool) -> str:
    columns = (
        ("ours", "ours"),
        ("ours_in_us_east_1", "ours in us-east-1"),
        ("peer", "peer defaults"),
        ("baseline", "naive baseline"),
    )
    head = ["workload", *(name for _, name in columns)]
    rows = []
    for result in results:
        cells = [result["workload"]]
        for key, _ in columns:
            f = result[key]
            cells.append(
                f"{f['kgco2e_month']:g} kg / ${f['usd_month']:,.2f} ({f['baseline_over_this']:g}x)"
            )
        rows.append(cells)
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
    else:
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in [head, *rows]]
    notes = [
        "",
        "kg CO2e/month (operational, location-based, central figures) / USD/month (SageMaker",
        "on-demand where the catalog has a price, else marked fallbacks; indicative);",
        "(Nx) = the naive baseline's kg CO2e divided by this design's. 'ours in us-east-1' is the",
        "design alone (same region as the baseline); 'ours' adds the region. Target: ours >= 5x.",
        f"Peer ({PEER}): {PEER_NOTES}",
    ]
    problems = sorted({p for r in results for p in r["problems"]})
    if problems:
        notes += ["", "Problems noted by the estimator:"] + [f"- {p}" for p in problems]
    return "\n".join(lines + notes) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        results = [run_case(case, Path(tmp)) for case in CASES]
    if args.format == "json":
        print(json.dumps(results, indent=2))
    else:
        print(render(results, args.format == "markdown"), end="")
    return (
        0
        if all(r["baseline"]["kgco2e_month"] >= 5 * r["ours"]["kgco2e_month"] for r in results)
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
