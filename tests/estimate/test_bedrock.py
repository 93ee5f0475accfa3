"""Amazon Bedrock in the estimate: tokens by model size class (per 1,000 input and output
tokens, batch cheaper per token), OpenSearch Serverless collections' standing OCUs against
S3 Vectors' storage, and customization strategies compared for the same questions."""

from __future__ import annotations

import pytest

from green_constructs.catalog import Catalog
from green_constructs.estimate.tokens import model_class, token_footprint
from green_constructs.estimate.workload import WorkloadError, load_workload, parse_workload

CATALOG = Catalog.default()
PUE = CATALOG.constant("pue_aws").value


def _constant(name: str) -> float:
    return CATALOG.constant(name).value


@pytest.mark.parametrize(
    ("model", "size_class", "parameters"),
    [
        ("meta.llama3-1-8b-instruct-v1:0", "small", 8.0),
        ("us.meta.llama3-1-70b-instruct-v1:0", "medium", 70.0),
        ("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0", "small", None),
        ("eu.anthropic.claude-3-5-haiku-20241022-v1:0", "medium", None),
        ("anthropic.claude-3-5-sonnet-20240620-v1:0", "large", None),
        ("amazon.titan-embed-text-v2:0", "embedding", None),
        ("somebody.new-model-v1:0", "large", None),
    ],
)
def test_models_map_to_size_classes_by_longest_prefix(model, size_class, parameters) -> None:
    found = model_class(model)
    assert (found.size_class, found.active_parameters_billion) == (size_class, parameters)


def test_token_energy_by_hand() -> None:
    # 30M input and 6M output tokens of a small model in a month, us-east-1
    found = token_footprint(
        "meta.llama3-1-8b-instruct-v1:0", input_tokens=30e6, output_tokens=6e6, region="us-east-1"
    )
    wh = 30e3 * _constant("bedrock_wh_per_1k_input_small") + 6e3 * _constant(
        "bedrock_wh_per_1k_output_small"
    )
    assert found.kwh == pytest.approx(wh / 1000 * PUE)
    assert found.kwh == pytest.approx((30e3 * 0.017 + 6e3 * 0.058) / 1000 * 1.135)
    grid = CATALOG.region("us-east-1").kgco2e_per_kwh
    assert found.kgco2e == pytest.approx(found.kwh * grid)


def test_batch_inference_uses_the_batch_ratio_and_embeddings_have_no_output() -> None:
    args = {"input_tokens": 1e6, "output_tokens": 1e5, "region": "eu-west-1"}
    on_demand = token_footprint("amazon.nova-pro-v1:0", **args)
    batch = token_footprint("amazon.nova-pro-v1:0", batch=True, **args)
    assert batch.kwh == pytest.approx(on_demand.kwh * _constant("bedrock_batch_energy_ratio"))
    with pytest.raises(ValueError, match="embedding model: it has input tokens only"):
        token_footprint("amazon.titan-embed-text-v2:0", **args)


@pytest.mark.parametrize(
    ("bedrock", "message"),
    [
        ({"A": {"input_tokens_per_day": 1}}, "workload.bedrock.A.model: required"),
        ({"A": {"model": "m", "batch": "yes"}}, "workload.bedrock.A.batch: must be true or false"),
        ({"A": {"model": "m", "tokens": 1}}, "workload.bedrock.A.tokens: unknown field"),
        ({"A": {"model": "m", "input_tokens_per_day": -1}}, "must be between 0 and"),
        (["A"], "workload.bedrock: must be a mapping"),
    ],
)
def test_bad_bedrock_usage_names_the_field(bedrock, message) -> None:
    with pytest.raises(WorkloadError, match=message):
        parse_workload({"bedrock": bedrock})


def test_bedrock_usage_is_estimated_against_the_model_self_hosted_24_7(run) -> None:
    workload = {
        "bedrock": {
            "Answer": {
                "model": "meta.llama3-1-8b-instruct-v1:0",
                "input_tokens_per_day": 1_000_000,
                "output_tokens_per_day": 200_000,
            }
        }
    }
    estimate = run({"Resources": {}}, workload, region="eu-west-1")
    [ours] = estimate.resources
    [naive] = estimate.baseline
    assert (ours.plan.kind, ours.plan.region, ours.lines[0].usd) == (
        "bedrock-on-demand",
        "eu-west-1",
        None,
    )
    month = token_footprint(
        "meta.llama3-1-8b-instruct-v1:0",
        input_tokens=1e6 * 730 / 24,
        output_tokens=2e5 * 730 / 24,
        region="eu-west-1",
    )
    assert ours.kwh == pytest.approx(month.kwh)
    assert naive.plan.kind == "realtime-endpoint" and naive.plan.usages[0].hours == 730
    assert "8B parameters in bf16 (published)" in " ".join(naive.plan.notes)
    assert estimate.total.usd is None  # tokens unpriced: unknown, not $0
    assert any("no price in the catalog" in p.message for p in estimate.problems)


def test_a_collection_keeps_its_minimum_ocus_and_s3_vectors_only_storage(run) -> None:
    template = {
        "Resources": {
            "Prod": {"Type": "AWS::OpenSearchServerless::Collection", "Properties": {}},
            "Dev": {
                "Type": "AWS::OpenSearchServerless::Collection",
                "Properties": {"StandbyReplicas": "DISABLED"},
            },
            "Vectors": {"Type": "AWS::S3Vectors::VectorBucket", "Properties": {}},
        }
    }
    estimate = run(template, {"resources": {"Vectors": {"storage_gb": 10}}})
    by_name = {e.plan.resource: e for e in estimate.resources}
    assert [u.count for u in by_name["Prod"].plan.usages] == [2.0]
    assert [u.count for u in by_name["Dev"].plan.usages] == [1.0]
    assert by_name["Prod"].kwh == pytest.approx(2 * by_name["Dev"].kwh)
    assert by_name["Vectors"].plan.kind == "storage"
    assert by_name["Vectors"].kwh < by_name["Dev"].kwh / 10


def test_a_collection_that_scales_to_zero_keeps_nothing_up_and_takes_its_groups_standby(
    run,
) -> None:
    group = {
        "Type": "AWS::OpenSearchServerless::CollectionGroup",
        "Properties": {"Name": "g", "Generation": "NEXTGEN", "StandbyReplicas": "DISABLED"},
    }
    classic = {
        "Type": "AWS::OpenSearchServerless::CollectionGroup",
        "Properties": {"Name": "c", "StandbyReplicas": "DISABLED"},
    }
    template = {
        "Resources": {
            "Group": group,
            "Classic": classic,
            "Idle": {
                "Type": "AWS::OpenSearchServerless::Collection",
                "Properties": {"CollectionGroupName": "g"},
            },
            "Kept": {
                "Type": "AWS::OpenSearchServerless::Collection",
                "Properties": {"CollectionGroupName": "c"},
            },
        }
    }
    by_name = {e.plan.resource: e for e in run(template).resources}
    assert by_name["Idle"].plan.usages == [] and by_name["Idle"].kwh == 0
    assert "scales to zero" in by_name["Idle"].plan.notes[0]
    assert [u.count for u in by_name["Kept"].plan.usages] == [1.0]


def test_strategies_are_compared_for_the_same_questions_with_parts(run) -> None:
    assert load_workload("rag-knowledge-base").strategies  # loads by name
    estimate = run({"Resources": {}}, _data("rag-knowledge-base"))
    rows = {row["strategy"]: row for row in estimate.comparisons["strategies"]}
    assert list(rows) == ["prompt_engineering", "rag", "peft", "full_fine_tuning"]
    assert all(row["estimated"] for row in rows.values())
    assert [p["part"] for p in rows["peft"]["parts"]] == ["compute", "bedrock"]
    for row in rows.values():
        assert row["kgco2e_month"] == pytest.approx(
            sum(p["kgco2e_month"] for p in row["parts"]), abs=0.002
        )
    # the large model's long prompts cost more than RAG on a mid-size model; fine-tuning all
    # weights each month costs the most
    assert rows["rag"]["kgco2e_month"] < rows["prompt_engineering"]["kgco2e_month"]
    assert rows["full_fine_tuning"]["kgco2e_month"] == max(r["kgco2e_month"] for r in rows.values())


def test_the_reference_workload_lists_its_token_assumptions_with_ranges(run) -> None:
    estimate = run({"Resources": {}}, _data("rag-knowledge-base"))
    assumed = " ".join(estimate.assumptions)
    for name in ("bedrock_wh_per_1k_input_medium", "bedrock_wh_per_1k_output_medium"):
        assert f"{name} is an assumption" in assumed
    drivers = {d.assumption.name: d for d in estimate.ranges.drivers}
    low, high = drivers["bedrock_wh_per_1k_output_medium"].ours
    assert low < estimate.total.kgco2e < high
    assert estimate.ranges.total("ours")["kgco2e_month"][0] < estimate.total.kgco2e


def _data(name: str) -> dict:
    import yaml

    from green_constructs.estimate.workload import workload_path

    return yaml.safe_load(workload_path(name).read_text())
