"""The carbon metrics handler on training jobs, against moto's SageMaker and CloudWatch: jobs
found by their name prefix, each host read from ``/aws/sagemaker/TrainingJobs`` by the
dashboard's utilization metric, energy and emissions equal to the estimator's."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sagemaker.models import sagemaker_backends

from green_constructs.catalog import Catalog
from green_constructs.estimate.footprint import instance_footprint
from green_constructs.monitoring.publisher_handler import (
    INGESTION_DELAY_MINUTES,
    TRAINING_JOBS_NAMESPACE,
    publish,
    resource_queries,
    training_jobs,
)
from green_constructs.monitoring.utilization import utilization_metric

REGION = "eu-north-1"
NAMESPACE = "GreenConstructs/Carbon"
NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=5)
END = NOW - timedelta(minutes=INGESTION_DELAY_MINUTES)
START = END - timedelta(minutes=60)
PREFIX = "finetune-1a2b3c4d"
TRAINING = {
    "kind": "training_job",
    "job_name_prefix": PREFIX,
    "instance_type": "ml.trn1.32xlarge",
    "region": REGION,
}
ENDPOINT = {
    "kind": "endpoint",
    "endpoint_name": "llm",
    "variant_name": "AllTraffic",
    "instance_type": "ml.inf2.xlarge",
    "region": REGION,
}


@pytest.fixture
def aws():
    with mock_aws():
        yield (
            boto3.client("cloudwatch", region_name=REGION),
            boto3.client("sagemaker", region_name=REGION),
        )


def create_job(sagemaker, name: str, *, instance_type="ml.trn1.32xlarge", count=1) -> None:
    sagemaker.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": "image", "TrainingInputMode": "File"},
        RoleArn=f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:role/training",
        OutputDataConfig={"S3OutputPath": "s3://models/models/"},
        ResourceConfig={
            "InstanceType": instance_type,
            "InstanceCount": count,
            "VolumeSizeInGB": 100,
        },
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )


def put_host(cloudwatch, host: str, *, minutes: int, metric: str, value: float) -> None:
    """One datapoint a minute for ``host``, as SageMaker publishes training instance metrics."""
    data = [
        {
            "MetricName": metric,
            "Dimensions": [{"Name": "Host", "Value": host}],
            "Timestamp": END - timedelta(minutes=minute) + timedelta(seconds=10),
            "Value": value,
            "Unit": "Percent",
        }
        for minute in range(1, minutes + 1)
    ]
    for first in range(0, len(data), 20):
        cloudwatch.put_metric_data(
            Namespace=TRAINING_JOBS_NAMESPACE, MetricData=data[first : first + 20]
        )


def run(cloudwatch, sagemaker, resources, **kwargs) -> dict:
    return publish(
        resources,
        clients=lambda region: cloudwatch,
        sagemaker_clients=lambda region: sagemaker,
        publisher=cloudwatch,
        namespace=NAMESPACE,
        window_minutes=60,
        now=NOW,
        **kwargs,
    )


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


def test_each_host_of_each_job_of_the_prefix_is_estimated_like_the_estimator(aws) -> None:
    cloudwatch, sagemaker = aws
    # ml.trn1.32xlarge has 128 vCPUs: CPUUtilization 6400 is half of them busy
    create_job(sagemaker, f"{PREFIX}-0123abcd-0", count=2)
    create_job(sagemaker, f"{PREFIX}-4567ef01-1")
    create_job(sagemaker, "other-0123abcd-0")  # another prefix
    create_job(sagemaker, f"x-{PREFIX}-0123abcd-0")  # holds the prefix, does not start with it
    for host in (f"{PREFIX}-0123abcd-0/algo-1", f"{PREFIX}-0123abcd-0/algo-2"):
        put_host(cloudwatch, host, minutes=60, metric="CPUUtilization", value=6400)
    put_host(
        cloudwatch, f"{PREFIX}-4567ef01-1/algo-1", minutes=30, metric="CPUUtilization", value=3200
    )
    put_host(
        cloudwatch, "other-0123abcd-0/algo-1", minutes=60, metric="CPUUtilization", value=12800
    )

    result = run(cloudwatch, sagemaker, [TRAINING])

    two_hosts = instance_footprint(
        "ml.trn1.32xlarge", hours=1, region=REGION, utilization=0.5, count=2
    )
    half_hour = instance_footprint("ml.trn1.32xlarge", hours=0.5, region=REGION, utilization=0.25)
    expected_wh = (two_hosts.kwh + half_hour.kwh) * 1000
    expected_grams = (two_hosts.kgco2e + half_hour.kgco2e) * 1000
    assert result["skipped"] == []
    (published,) = result["published"]
    assert published["resource"] == f"{PREFIX}-*"
    assert published["jobs"] == [f"{PREFIX}-0123abcd-0", f"{PREFIX}-4567ef01-1"]
    assert published["energy_wh"] == pytest.approx(expected_wh)
    assert published["co2e_grams"] == pytest.approx(expected_grams)
    dimensions = [
        {"Name": "TrainingJobNamePrefix", "Value": PREFIX},
        {"Name": "Region", "Value": REGION},
    ]
    assert published_sum(cloudwatch, "EnergyWh", dimensions) == pytest.approx(expected_wh)
    assert published_sum(cloudwatch, "EmissionsGramsCO2e", dimensions) == pytest.approx(
        expected_grams
    )


def test_jobs_and_endpoints_add_up_in_the_region_total(aws) -> None:
    cloudwatch, sagemaker = aws
    create_job(sagemaker, f"{PREFIX}-0123abcd-0")
    put_host(
        cloudwatch, f"{PREFIX}-0123abcd-0/algo-1", minutes=60, metric="CPUUtilization", value=0
    )
    endpoint = [
        {
            "MetricName": "CPUUtilization",
            "Dimensions": [
                {"Name": "EndpointName", "Value": "llm"},
                {"Name": "VariantName", "Value": "AllTraffic"},
            ],
            "Timestamp": END - timedelta(minutes=minute) + timedelta(seconds=10),
            "Value": 200,
        }
        for minute in range(1, 61)
    ]
    for first in range(0, 60, 20):
        cloudwatch.put_metric_data(
            Namespace="/aws/sagemaker/Endpoints", MetricData=endpoint[first : first + 20]
        )
    result = run(cloudwatch, sagemaker, [ENDPOINT, TRAINING])
    assert [p["resource"] for p in result["published"]] == ["llm/AllTraffic", f"{PREFIX}-*"]
    job = instance_footprint("ml.trn1.32xlarge", hours=1, region=REGION, utilization=0.0)
    served = instance_footprint("ml.inf2.xlarge", hours=1, region=REGION, utilization=0.5)
    assert sum(p["co2e_grams"] for p in result["published"]) == pytest.approx(
        (job.kgco2e + served.kgco2e) * 1000
    )
    published_sets = {
        tuple(sorted(d["Name"] for d in metric["Dimensions"]))
        for metric in cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"]
    }
    assert published_sets == {
        ("EndpointName", "Region", "VariantName"),
        ("Region", "TrainingJobNamePrefix"),
        ("Region",),
    }


def test_jobs_read_the_dashboards_utilization_metric_per_host(aws) -> None:
    """A GPU job (the handler takes the instance type from DescribeTrainingJob) is measured by
    GPUUtilization per GPU, as the dashboard's metric math; CPUUtilization only counts hosts."""
    cloudwatch, sagemaker = aws
    create_job(sagemaker, f"{PREFIX}-0123abcd-0", instance_type="ml.g5.12xlarge")
    host = f"{PREFIX}-0123abcd-0/algo-1"
    put_host(cloudwatch, host, minutes=60, metric="CPUUtilization", value=480)
    put_host(cloudwatch, host, minutes=60, metric="GPUUtilization", value=200)
    (published,) = run(cloudwatch, sagemaker, [TRAINING])["published"]
    expected = instance_footprint("ml.g5.12xlarge", hours=1, region=REGION, utilization=0.5)
    assert published["energy_wh"] == pytest.approx(expected.kwh * 1000)
    shape, metric, queries = resource_queries(TRAINING, instance_type="ml.g5.12xlarge", host=host)
    assert metric == utilization_metric(Catalog.default().instance("ml.g5.12xlarge"))
    assert [
        (
            q["MetricStat"]["Metric"]["Namespace"],
            q["MetricStat"]["Metric"]["MetricName"],
            q["MetricStat"]["Stat"],
            q["MetricStat"]["Metric"]["Dimensions"],
        )
        for q in queries
    ] == [
        (
            TRAINING_JOBS_NAMESPACE,
            "CPUUtilization",
            "SampleCount",
            [{"Name": "Host", "Value": host}],
        ),
        (TRAINING_JOBS_NAMESPACE, "GPUUtilization", "Average", [{"Name": "Host", "Value": host}]),
    ]


def test_jobs_in_progress_since_before_the_window_are_found(aws) -> None:
    _, sagemaker = aws
    create_job(sagemaker, f"{PREFIX}-0123abcd-0")
    create_job(sagemaker, f"{PREFIX}-4567ef01-0")
    jobs = sagemaker_backends[DEFAULT_ACCOUNT_ID][REGION].training_jobs
    for name, status in (
        (f"{PREFIX}-0123abcd-0", "InProgress"),
        (f"{PREFIX}-4567ef01-0", "Completed"),
    ):
        jobs[name].training_job_status = status
        jobs[name].last_modified_time = (START - timedelta(days=1)).replace(tzinfo=None)
    # the running job is found although it last changed a day before the window; the one
    # that ended then is not
    assert training_jobs(sagemaker, PREFIX, START) == [f"{PREFIX}-0123abcd-0"]


def test_no_job_is_reported_quietly(aws, caplog) -> None:
    caplog.set_level(logging.INFO)
    cloudwatch, sagemaker = aws
    result = run(cloudwatch, sagemaker, [TRAINING])
    assert result["published"] == []
    (skipped,) = result["skipped"]
    assert skipped["resource"] == f"{PREFIX}-*"
    assert skipped["reason"].startswith("no training job ran from")
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_a_job_on_an_unknown_instance_type_is_skipped_alone(aws, caplog) -> None:
    caplog.set_level(logging.WARNING)
    cloudwatch, sagemaker = aws
    create_job(sagemaker, f"{PREFIX}-0123abcd-0")
    create_job(sagemaker, f"{PREFIX}-4567ef01-0", instance_type="ml.zz9.huge")
    put_host(
        cloudwatch, f"{PREFIX}-0123abcd-0/algo-1", minutes=60, metric="CPUUtilization", value=6400
    )
    result = run(cloudwatch, sagemaker, [TRAINING])
    (published,) = result["published"]
    expected = instance_footprint("ml.trn1.32xlarge", hours=1, region=REGION, utilization=0.5)
    assert published["energy_wh"] == pytest.approx(expected.kwh * 1000)
    (skipped,) = result["skipped"]
    assert skipped["resource"] == f"{PREFIX}-4567ef01-0"
    assert "unknown instance type 'ml.zz9.huge'" in skipped["reason"]
    assert "ml.zz9.huge" in caplog.text


def test_throttled_listing_skips_the_jobs_and_publishes_the_rest(aws) -> None:
    cloudwatch, sagemaker = aws

    class Throttled:
        def list_training_jobs(self, **_):
            raise ClientError(
                {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
                "ListTrainingJobs",
            )

    result = run(cloudwatch, Throttled(), [TRAINING])
    assert result["published"] == []
    assert result["skipped"] == [
        {
            "resource": f"{PREFIX}-*",
            "reason": "could not read its metrics: ThrottlingException: Rate exceeded",
        }
    ]


def test_job_listing_follows_pages() -> None:
    class Pages:
        def __init__(self):
            self.requests = []

        def list_training_jobs(self, **request):
            self.requests.append(request)
            if request.get("StatusEquals") and "NextToken" not in request:
                return {
                    "TrainingJobSummaries": [{"TrainingJobName": f"{PREFIX}-a-0"}],
                    "NextToken": "2",
                }
            if request.get("StatusEquals"):
                return {"TrainingJobSummaries": [{"TrainingJobName": f"{PREFIX}-b-0"}]}
            return {"TrainingJobSummaries": [{"TrainingJobName": f"{PREFIX}-a-0"}]}

    pages = Pages()
    assert training_jobs(pages, PREFIX, START) == [f"{PREFIX}-a-0", f"{PREFIX}-b-0"]
    assert [r.get("NextToken") for r in pages.requests] == [None, "2", None]
    assert pages.requests[-1]["LastModifiedTimeAfter"] == START
    assert all(r["NameContains"] == PREFIX for r in pages.requests)
