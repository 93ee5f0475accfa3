"""``green-constructs preflight``: real image/region and instance/feature pairs from the tables,
exit codes, JSON, and the account checks (ECR and Service Quotas) on botocore's Stubber."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import boto3
import pytest
from botocore.stub import Stubber

from green_constructs.cli import build_parser, main
from green_constructs.commands import preflight as preflight_command
from green_constructs.inference import AsyncInferenceEndpoint, HuggingFaceNeuronModel
from green_constructs.preflight import ImageRef, Requirement, check_account, quota_name

DATA = Path(__file__).parent / "data"
STOCKHOLM = DATA / "vllm_in_stockholm.json"
VLLM = "huggingface-vllm-inference-neuronx"
VLLM_TAG = "0.11.0-optimum0.4.4-neuronx-py310-sdk2.26.1-ubuntu22.04"


def _json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["preflight", *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def _by_resource(report: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for check in report["checks"]:
        found.setdefault(check["resource"], []).append(check)
    return found


def test_template_with_an_unpublished_image_and_a_wrong_feature_is_blocked(capsys) -> None:
    code, report = _json(capsys, str(STOCKHOLM), "--region", "eu-north-1")
    assert code == 1
    checks = _by_resource(report)
    [vllm] = checks["VllmModel"]
    assert vllm["status"] == "blocker"
    assert vllm["message"].startswith(f"{VLLM}:{VLLM_TAG} is not published in eu-north-1; ")
    assert "published in (greenest first): eu-west-3, sa-east-1" in vllm["message"]
    assert "image_uri_config/huggingface-vllm-neuronx.json" in vllm["source"]
    assert [c["status"] for c in checks["TgiModel"]] == ["ok"]
    assert checks["OwnImageModel"][0]["message"].endswith(
        "not a Deep Learning Container: not checked"
    )
    training = {c["subject"]: c for c in checks["Training"]}
    assert training["ml.inf2.xlarge"]["status"] == "blocker"
    assert (
        "SageMaker training jobs do not take ml.inf2.xlarge"
        in training["ml.inf2.xlarge"]["message"]
    )
    image = training[
        "huggingface-pytorch-training-neuronx:2.7.0-transformers4.55.4-neuronx-py310-sdk2.26.0-ubuntu22.04"
    ]
    assert image["status"] == "blocker"  # the HF Neuron training image is not in eu-north-1
    assert report["summary"]["blocker"] == 3


def test_the_same_images_in_a_region_that_publishes_them_pass(capsys, tmp_path) -> None:
    tmp = tmp_path / "paris.json"
    tmp.write_text(STOCKHOLM.read_text().replace("eu-north-1", "eu-west-3"))
    code, report = _json(capsys, str(tmp), "--region", "eu-west-3")
    checks = _by_resource(report)
    assert checks["VllmModel"][0]["status"] == "ok"
    assert code == 1  # the inf2 training job still blocks
    assert report["summary"]["blocker"] == 1


def test_text_report_lists_what_is_not_ok_and_counts(capsys) -> None:
    assert main(["preflight", str(STOCKHOLM), "--region", "eu-north-1"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2] == "5 checks: 3 blocker, 0 unknown, 2 ok; 1 template"
    assert lines[-1].startswith("every image and instance type is offered in (greenest first): ")
    assert any(
        line.startswith(f"{STOCKHOLM}: blocker VllmModel (hosting) {VLLM}:") for line in lines
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--region", "mars-north-1"], "--region: unknown region 'mars-north-1'"),
        (["--profile", "dev"], "--profile goes with --aws"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(capsys, argv, message) -> None:
    assert main(["preflight", str(STOCKHOLM), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_unreadable_input_is_exit_2(capsys, tmp_path) -> None:
    assert main(["preflight", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err


@pytest.fixture(scope="module")
def agnostic_assembly(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("agnostic")
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Agnostic")
    AsyncInferenceEndpoint(
        stack,
        "Llm",
        source=HuggingFaceNeuronModel(model_id="Qwen/Qwen2.5-7B-Instruct", parameters_billion=7.6),
    )
    app.synth()
    return outdir


def test_env_agnostic_app_in_a_region_missing_from_its_image_mapping_is_blocked(
    capsys, agnostic_assembly
) -> None:
    code, report = _json(capsys, str(agnostic_assembly), "--region", "eu-north-1")
    assert code == 1
    [image] = [c for c in report["checks"] if c["subject"].startswith(VLLM)]
    assert image["status"] == "blocker" and "not published in eu-north-1" in image["message"]


def test_env_agnostic_app_in_a_publishing_region_has_no_image_blocker(
    capsys, agnostic_assembly
) -> None:
    _, report = _json(capsys, str(agnostic_assembly), "--region", "eu-west-3")
    [image] = [c for c in report["checks"] if c["subject"].startswith(VLLM)]
    assert image["status"] == "ok"


# -- the account checks ---------------------------------------------------------------------


class _Session:
    """Hands out stubbed clients, as boto3.Session.client would."""

    def __init__(self) -> None:
        self.clients: dict[str, object] = {}
        self.stubbers: dict[str, Stubber] = {}

    def add(self, service: str) -> Stubber:
        client = boto3.client(
            service, region_name="eu-west-3", aws_access_key_id="x", aws_secret_access_key="x"
        )
        self.clients[service] = client
        self.stubbers[service] = Stubber(client)
        self.stubbers[service].activate()
        return self.stubbers[service]

    def client(self, service: str, region_name: str | None = None):
        return self.clients[service]


IMAGE = Requirement(
    "t", "Model", "hosting", image=ImageRef(VLLM, VLLM_TAG, "763104351884", "eu-west-3")
)
ENDPOINT = Requirement("t", "Config", "hosting", "ml.inf2.8xlarge", count=2)
SPOT = Requirement("t", "Train", "training", "ml.trn1.32xlarge", count=1, spot=True)


def test_quota_names_follow_sagemakers_naming() -> None:
    assert quota_name(ENDPOINT) == "ml.inf2.8xlarge for endpoint usage"
    assert quota_name(SPOT) == "ml.trn1.32xlarge for spot training job usage"
    assert (
        quota_name(Requirement("t", "C", "hyperpod", "ml.trn1.32xlarge"))
        == "ml.trn1.32xlarge for cluster usage"
    )
    assert (
        quota_name(Requirement("t", "B", "transform", "ml.inf2.xlarge"))
        == "ml.inf2.xlarge for transform job usage"
    )


def _quotas(stubber: Stubber, values: dict[str, float]) -> None:
    stubber.add_response(
        "list_service_quotas",
        {
            "Quotas": [
                {
                    "QuotaName": name,
                    "Value": value,
                    "QuotaCode": f"L-{i:08d}",
                    "ServiceCode": "sagemaker",
                }
                for i, (name, value) in enumerate(values.items())
            ]
        },
        {"ServiceCode": "sagemaker"},
    )


def test_account_checks_find_the_image_and_enough_quota() -> None:
    session = _Session()
    ecr = session.add("ecr")
    ecr.add_response(
        "batch_get_image",
        {"images": [{"imageId": {"imageTag": VLLM_TAG}, "imageManifest": "{}"}], "failures": []},
        {
            "registryId": "763104351884",
            "repositoryName": VLLM,
            "imageIds": [{"imageTag": VLLM_TAG}],
        },
    )
    _quotas(
        session.add("service-quotas"),
        {
            "ml.inf2.8xlarge for endpoint usage": 2,
            "ml.trn1.32xlarge for spot training job usage": 1,
        },
    )
    checks = check_account([IMAGE, ENDPOINT, SPOT], region="eu-west-3", session=session)
    assert [c.status for c in checks] == ["ok", "ok", "ok"]
    for stubber in session.stubbers.values():
        stubber.assert_no_pending_responses()


def test_account_checks_block_a_missing_image_and_a_short_quota() -> None:
    session = _Session()
    session.add("ecr").add_response(
        "batch_get_image",
        {
            "images": [],
            "failures": [
                {
                    "imageId": {"imageTag": VLLM_TAG},
                    "failureCode": "ImageNotFound",
                    "failureReason": "Requested image not found",
                }
            ],
        },
    )
    _quotas(session.add("service-quotas"), {"ml.inf2.8xlarge for endpoint usage": 1})
    image, endpoint, spot = check_account(
        [IMAGE, ENDPOINT, SPOT], region="eu-west-3", session=session
    )
    assert image.status == "blocker" and "ImageNotFound" in image.message
    assert endpoint.status == "blocker"
    assert endpoint.message == (
        "quota 'ml.inf2.8xlarge for endpoint usage' is 1, the stack needs up to 2: request an increase in Service Quotas"
    )
    assert spot.status == "unknown" and "no such quota listed" in spot.message


def test_cli_aws_flag_uses_the_session_and_fails_on_a_blocker(capsys, tmp_path) -> None:
    template = {
        "Resources": {
            "Config": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {
                    "ProductionVariants": [
                        {
                            "VariantName": "A",
                            "ModelName": "m",
                            "InstanceType": "ml.inf2.xlarge",
                            "InitialInstanceCount": 1,
                        }
                    ]
                },
            }
        }
    }
    path = tmp_path / "endpoint.json"
    path.write_text(json.dumps(template))
    session = _Session()
    _quotas(session.add("service-quotas"), {"ml.inf2.xlarge for endpoint usage": 0})
    args = build_parser().parse_args(["preflight", str(path), "--aws", "--region", "eu-west-3"])
    assert preflight_command.run(args, session=session) == 1
    out = capsys.readouterr().out
    assert "quota 'ml.inf2.xlarge for endpoint usage' is 0, the stack needs up to 1" in out
