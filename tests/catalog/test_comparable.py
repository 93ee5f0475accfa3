"""Suggested instance types: offered by the feature's API (botocore's enums) and of a size
comparable to the type they replace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from green_constructs.catalog import FEATURES, Catalog
from green_constructs.lint.decode import decode_file
from green_constructs.rules import evaluate, get_rule

CATALOG = Catalog.default()
FIXTURES = Path(__file__).parents[1] / "rules" / "fixtures"


@pytest.mark.parametrize(
    ("instance_type", "feature", "families", "expected"),
    [
        ("ml.g5.xlarge", "hosting", ["inf2"], "ml.inf2.xlarge"),
        ("ml.g5.12xlarge", "hosting", ["inf2"], "ml.inf2.24xlarge"),
        ("ml.p5.48xlarge", "hosting", ["inf2"], None),  # 640 GiB: more than any inf2
        ("ml.g4dn.xlarge", "transform", ["inf2"], "ml.inf2.xlarge"),
        ("ml.m5.xlarge", "hosting", ["m8g", "m7g", "m6g"], "ml.m8g.xlarge"),
        ("ml.m5.xlarge", "hosting", ["m7g"], None),  # endpoints take no ml.m7g
        ("ml.m5.xlarge", "transform", ["m8g", "m7g", "m6g", "c7g"], None),  # no Graviton
        ("ml.t2.medium", "notebook", ["t4g", "t3"], "ml.t3.medium"),  # notebooks: no t4g
        ("ml.p3.2xlarge", "hosting", ["p5"], "ml.p5.4xlarge"),  # one GPU for one GPU
        ("ml.p3.2xlarge", "training", ["trn1", "trn2"], "ml.trn1.2xlarge"),
        ("ml.p5.48xlarge", "training", ["trn1", "trn2"], "ml.trn2.48xlarge"),
        ("ml.g5.xlarge", "studio-app", ["m7i", "t3"], "ml.m7i.xlarge"),
        ("m4.large", "ec2", ["m7g"], "m7g.large"),
    ],
)
def test_comparable_type(instance_type, feature, families, expected) -> None:
    assert CATALOG.comparable(instance_type, feature, families) == expected


def test_across_picks_the_smallest_of_all_families() -> None:
    found = CATALOG.comparable("ml.p4d.24xlarge", "training", ["trn2", "trn1"], across=True)
    assert found == "ml.trn1.32xlarge"  # 512 GiB holds 320 GiB; trn2.48xlarge is 1.5 TiB


@pytest.mark.parametrize("feature", [f for f in FEATURES if f != "ec2"])
def test_every_suggestion_is_in_the_features_enum_and_comparable(feature) -> None:
    kinds = ("gpu", "inferentia", "trainium", "graviton", "cpu")
    sizes = ("g5.xlarge", "g4dn.12xlarge", "p3.2xlarge", "m5.xlarge", "c5.4xlarge", "t2.medium")
    sources = [f"ml.{size}" for size in sizes]
    suggested = 0
    for source in sources:
        for kind in kinds:
            found = CATALOG.comparable(source, feature, CATALOG.current_families([kind]))
            if found is None:
                continue
            suggested += 1
            assert CATALOG.api_accepts(found, feature), (source, kind, found)
            own, other = CATALOG.shape(source), CATALOG.shape(found)
            if own.accelerator_memory_gib and other.accelerator_memory_gib:
                assert other.accelerator_memory_gib >= own.accelerator_memory_gib
            else:
                assert own.vcpu <= other.vcpu <= 4 * own.vcpu
                assert other.memory_gib >= own.memory_gib
    assert suggested


_SUGGESTED = re.compile(r"(?:use|Inferentia2|Graviton|develop on) (ml\.[a-z0-9-]+\.[a-z0-9]+)")


@pytest.mark.parametrize(
    ("rule_id", "resource", "feature"),
    [
        ("GenAI-PreviousGeneration", "BadP3Endpoint", "hosting"),
        ("GenAI-PreviousGeneration", "BadInf1Endpoint", "hosting"),
        ("GenAI-PreviousGeneration", "BadM4Notebook", "notebook"),
        ("GenAI-PreviousGeneration", "BadC4ProcessingMachine", "processing"),
        ("GenAI-PreviousGeneration", "BadHyperPodP3", "hyperpod"),
        ("GenAI-PreviousGeneration", "BadTransformPipeline", "transform"),
        ("GenAI-InferenceAccelerator", "BadGpuVariant", "hosting"),
        ("GenAI-InferenceAccelerator", "BadX86CpuVariant", "hosting"),
        ("GenAI-InferenceAccelerator", "BadTransformMachine", "transform"),
        ("GenAI-InferenceAccelerator", "BadLlmComponent", "hosting"),
        ("GenAI-TrainingAccelerator", "BadGpuTrainingMachine", "training"),
        ("GenAI-TrainingAccelerator", "BadGpuTrainingPipeline", "training"),
        ("GenAI-TrainingAccelerator", "BadHyperPodGpu", "hyperpod"),
        ("GenAI-NotebookIdleShutdown", "BadGpuKernelGateway", "studio-app"),
        ("GenAI-NotebookIdleShutdown", "BadJupyterLabSpaceOfEditorDomain", "studio-app"),
    ],
)
def test_fixture_messages_name_types_the_features_api_takes(rule_id, resource, feature) -> None:
    messages = [
        f.message
        for path in sorted((FIXTURES / rule_id).glob("*.yaml"))
        for f in evaluate(decode_file(path).template, [get_rule(rule_id)])
        if f.resource == resource
    ]
    named = {t for message in messages for t in _SUGGESTED.findall(message)}
    assert named, messages
    assert all(CATALOG.api_accepts(t, feature) for t in named), named
    assert "ml.p5.48xlarge" not in named  # never eight GPUs for one


def test_rds_classes_per_engine_come_from_cfn_lint_data() -> None:
    assert "db.m7g.large" in CATALOG.rds_classes("postgres")
    assert not any(".m7g." in c or ".r7g." in c for c in CATALOG.rds_classes("oracle-ee"))
    assert CATALOG.rds_classes(None) >= CATALOG.rds_classes("postgres")


def test_remediation_examples_are_offered() -> None:
    examples = {
        "ml.inf2.xlarge": "hosting",
        "ml.trn1.2xlarge": "training",
        "ml.t3.medium": "notebook",
    }
    remediation = get_rule("GenAI-PreviousGeneration").remediation
    assert set(re.findall(r"ml\.[a-z0-9-]+\.[a-z0-9]+", remediation)) >= set(examples)
    assert all(CATALOG.api_accepts(t, feature) for t, feature in examples.items())
