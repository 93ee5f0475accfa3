"""The carbon metrics handler against moto's CloudWatch, fed real metric data."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from green_constructs.estimate.footprint import instance_footprint
from green_constructs.monitoring import publisher_handler
from green_constructs.monitoring.publisher_handler import INGESTION_DELAY_MINUTES, publish

REGION = "eu-north-1"
NAMESPACE = "GreenConstructs/Carbon"
NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=5)
END = NOW - timedelta(minutes=INGESTION_DELAY_MINUTES)  # the end of the window of a run at NOW
ENDPOINT = {
    "endpoint_name": "llm",
    "variant_name": "AllTraffic",
    "instance_type": "ml.inf2.xlarge",
    "region": REGION,
}


@pytest.fixture
def cloudwatch():
    with mock_aws():
        yield boto3.client("cloudwatch", region_name=REGION)


def put_cpu(
    cloudwatch,
    *,
    minutes: int,
    instances: int,
    cpu_percent: float,
    end=END,
    metric="CPUUtilization",
) -> None:
    """``instances`` datapoints per minute (one per instance), as SageMaker publishes them."""
    data = [
        {
            "MetricName": metric,
            "Dimensions": [
                {"Name": "EndpointName", "Value": ENDPOINT["endpoint_name"]},
                {"Name": "VariantName", "Value": ENDPOINT["variant_name"]},
            ],
            "Timestamp": end - timedelta(minutes=minute) + timedelta(seconds=10),
            "Value": cpu_percent,
            "Unit": "Percent",
        }
        for minute in range(1, minutes + 1)
        for _ in range(instances)
    ]
    for first in range(0, len(data), 20):
        cloudwatch.put_metric_data(
            Namespace="/aws/sagemaker/Endpoints", MetricData=data[first : first + 20]
        )


def run(cloudwatch, resources, clients=None, now=NOW) -> dict:
    return publish(
        resources,
        clients=clients or (lambda region: cloudwatch),
        publisher=cloudwatch,
        namespace=NAMESPACE,
        window_minutes=60,
        now=now,
    )


def published_minutes(cloudwatch) -> dict[datetime, float]:
    """Datapoints published per minute for the endpoint (``SampleCount`` of ``EnergyWh``)."""
    response = cloudwatch.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "points",
                "MetricStat": {
                    "Metric": {
                        "Namespace": NAMESPACE,
                        "MetricName": "EnergyWh",
                        "Dimensions": [
                            {"Name": "EndpointName", "Value": "llm"},
                            {"Name": "VariantName", "Value": "AllTraffic"},
                            {"Name": "Region", "Value": REGION},
                        ],
                    },
                    "Period": 60,
                    "Stat": "SampleCount",
                },
            }
        ],
        StartTime=NOW - timedelta(hours=4),
        EndTime=NOW + timedelta(hours=1),
    )
    (result,) = response["MetricDataResults"]
    return {t.astimezone(timezone.utc): v for t, v in zip(result["Timestamps"], result["Values"])}


def published_sum(cloudwatch, metric: str, dimensions: list[dict]) -> float:
    response = cloudwatch.get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName=metric,
        Dimensions=dimensions,
        StartTime=NOW - timedelta(hours=2),
        EndTime=NOW + timedelta(minutes=1),
        Period=7200,
        Statistics=["Sum"],
    )
    return sum(point["Sum"] for point in response["Datapoints"])


def test_energy_of_a_known_series_equals_the_estimators(cloudwatch) -> None:
    # two ml.inf2.xlarge (4 vCPU) for a whole hour at 200% CPU: utilization 0.5
    put_cpu(cloudwatch, minutes=60, instances=2, cpu_percent=200)
    result = run(cloudwatch, [ENDPOINT])
    expected = instance_footprint(
        "ml.inf2.xlarge", hours=1, region=REGION, utilization=0.5, count=2
    )
    (published,) = result["published"]
    assert result["skipped"] == []
    assert published["energy_wh"] == pytest.approx(expected.kwh * 1000)
    assert published["co2e_grams"] == pytest.approx(expected.kgco2e * 1000)
    dimensions = [
        {"Name": "EndpointName", "Value": "llm"},
        {"Name": "VariantName", "Value": "AllTraffic"},
        {"Name": "Region", "Value": REGION},
    ]
    assert published_sum(cloudwatch, "EnergyWh", dimensions) == pytest.approx(expected.kwh * 1000)
    assert published_sum(cloudwatch, "EmissionsGramsCO2e", dimensions) == pytest.approx(
        expected.kgco2e * 1000
    )
    # and a per-region total (moto matches dimension subsets, so its sum is not read back)
    published_sets = {
        tuple(sorted(d["Name"] for d in metric["Dimensions"]))
        for metric in cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"]
    }
    assert published_sets == {("EndpointName", "Region", "VariantName"), ("Region",)}


def test_gpu_instances_are_measured_by_the_dashboard_metric(cloudwatch) -> None:
    """ml.g5.12xlarge (4 GPUs, 48 vCPUs): GPUUtilization 200 is half the GPUs busy, as the
    dashboard's metric math reads it; CPUUtilization (here 480, 10% of the vCPUs) only counts
    instances."""
    from green_constructs.monitoring.power import PowerModel

    gpu = {**ENDPOINT, "instance_type": "ml.g5.12xlarge"}
    put_cpu(cloudwatch, minutes=60, instances=1, cpu_percent=480)
    put_cpu(cloudwatch, minutes=60, instances=1, cpu_percent=200, metric="GPUUtilization")
    result = run(cloudwatch, [gpu])
    expected = instance_footprint("ml.g5.12xlarge", hours=1, region=REGION, utilization=0.5)
    (published,) = result["published"]
    assert published["energy_wh"] == pytest.approx(expected.kwh * 1000)
    model = PowerModel.of("ml.g5.12xlarge", REGION)
    assert (model.utilization_metric_name, model.utilization_divisor) == ("GPUUtilization", 400)


def test_window_ends_the_ingestion_delay_before_the_run(cloudwatch) -> None:
    # data every minute, from before the window to the run itself (seconds into its minute)
    put_cpu(cloudwatch, minutes=80, instances=1, cpu_percent=50, end=NOW + timedelta(minutes=1))
    result = run(cloudwatch, [ENDPOINT], now=NOW + timedelta(seconds=42))
    start = END - timedelta(minutes=60)
    assert result["window"] == {"start": start.isoformat(), "end": END.isoformat()}
    assert sorted(published_minutes(cloudwatch)) == [
        start + timedelta(minutes=m) for m in range(60)
    ]


def test_consecutive_runs_publish_each_minute_once(cloudwatch) -> None:
    put_cpu(cloudwatch, minutes=130, instances=1, cpu_percent=50, end=NOW + timedelta(minutes=1))
    run(cloudwatch, [ENDPOINT], now=NOW - timedelta(hours=1))
    run(cloudwatch, [ENDPOINT], now=NOW)
    minutes = published_minutes(cloudwatch)
    start = END - timedelta(hours=2)
    assert sorted(minutes) == [start + timedelta(minutes=m) for m in range(120)]
    assert set(minutes.values()) == {1}


def test_minutes_follow_the_instances_in_service(cloudwatch) -> None:
    # 30 minutes of one instance at 100% CPU (u = 0.25), then scaled to zero
    put_cpu(cloudwatch, minutes=30, instances=1, cpu_percent=100)
    (published,) = run(cloudwatch, [ENDPOINT])["published"]
    expected = instance_footprint("ml.inf2.xlarge", hours=0.5, region=REGION, utilization=0.25)
    assert published["energy_wh"] == pytest.approx(expected.kwh * 1000)


def test_missing_data_is_logged_and_skipped(cloudwatch, caplog) -> None:
    caplog.set_level(logging.WARNING)
    result = run(cloudwatch, [ENDPOINT])
    assert result["published"] == []
    (skipped,) = result["skipped"]
    assert skipped["resource"] == "llm/AllTraffic"
    assert "no utilization data" in skipped["reason"]
    assert "skipped llm/AllTraffic" in caplog.text


def test_unknown_instance_type_is_skipped_and_others_published(cloudwatch, caplog) -> None:
    caplog.set_level(logging.WARNING)
    put_cpu(cloudwatch, minutes=10, instances=1, cpu_percent=50)
    unknown = {**ENDPOINT, "endpoint_name": "other", "instance_type": "ml.zz9.huge"}
    result = run(cloudwatch, [unknown, ENDPOINT])
    assert [p["resource"] for p in result["published"]] == ["llm/AllTraffic"]
    (skipped,) = result["skipped"]
    assert skipped["resource"] == "other/AllTraffic"
    assert "unknown instance type 'ml.zz9.huge'" in skipped["reason"]
    assert "ml.zz9.huge" in caplog.text


class Throttled:
    """A CloudWatch client whose reads are throttled."""

    def get_metric_data(self, **_):
        raise ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "GetMetricData"
        )


def test_throttled_reads_are_logged_and_skipped(cloudwatch, caplog) -> None:
    caplog.set_level(logging.WARNING)
    put_cpu(cloudwatch, minutes=10, instances=1, cpu_percent=50)
    elsewhere = {**ENDPOINT, "region": "us-east-1"}
    clients = {REGION: cloudwatch, "us-east-1": Throttled()}
    result = run(cloudwatch, [elsewhere, ENDPOINT], clients=clients.__getitem__)
    assert [p["resource"] for p in result["published"]] == ["llm/AllTraffic"]
    (skipped,) = result["skipped"]
    assert skipped["reason"] == "could not read its metrics: ThrottlingException: Rate exceeded"
    assert "ThrottlingException" in caplog.text


def test_throttled_publishing_is_logged_and_skipped(cloudwatch) -> None:
    put_cpu(cloudwatch, minutes=10, instances=1, cpu_percent=50)

    class ThrottledPublisher:
        def put_metric_data(self, **_):
            raise ClientError({"Error": {"Code": "Throttling", "Message": "slow"}}, "PutMetricData")

    result = publish(
        [ENDPOINT],
        clients=lambda region: cloudwatch,
        publisher=ThrottledPublisher(),
        namespace=NAMESPACE,
        window_minutes=60,
        now=NOW,
    )
    assert result["published"] == []
    assert [s["reason"] for s in result["skipped"]] == ["could not publish: Throttling: slow"]


def test_handler_reads_its_configuration_from_the_environment(cloudwatch, monkeypatch) -> None:
    put_cpu(cloudwatch, minutes=5, instances=1, cpu_percent=50)
    monkeypatch.setenv("RESOURCES", json.dumps([ENDPOINT]))
    monkeypatch.setenv("NAMESPACE", NAMESPACE)
    monkeypatch.setenv("WINDOW_MINUTES", "30")
    monkeypatch.setenv("AWS_REGION", REGION)
    # a late delivery of the event scheduled at NOW covers the window of NOW
    event = {"detail-type": "Scheduled Event", "time": NOW.strftime("%Y-%m-%dT%H:%M:%SZ")}
    result = publisher_handler.handler(event, None)
    assert [p["resource"] for p in result["published"]] == ["llm/AllTraffic"]
    start = END - timedelta(minutes=30)
    assert result["window"] == {"start": start.isoformat(), "end": END.isoformat()}


def test_handler_without_an_event_time_ends_its_window_before_now(cloudwatch, monkeypatch) -> None:
    monkeypatch.setenv("RESOURCES", json.dumps([ENDPOINT]))
    monkeypatch.setenv("NAMESPACE", NAMESPACE)
    monkeypatch.setenv("AWS_REGION", REGION)
    before = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    window = publisher_handler.handler({}, None)["window"]
    end = datetime.fromisoformat(window["end"])
    delay = timedelta(minutes=INGESTION_DELAY_MINUTES)
    assert before - delay <= end <= datetime.now(timezone.utc) - delay
    assert end - datetime.fromisoformat(window["start"]) == timedelta(minutes=60)
