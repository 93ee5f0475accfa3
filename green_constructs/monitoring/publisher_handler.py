"""Lambda handler of :class:`CarbonMetricsPublisher`: energy and emissions of endpoints and
training jobs.

The environment ``RESOURCES`` is a JSON list of monitored resources:

- endpoint variants, ``{"kind": "endpoint", "endpoint_name", "variant_name", "instance_type",
  "region"}`` (``kind`` may be left out), read from ``/aws/sagemaker/Endpoints`` with
  dimensions ``EndpointName`` and ``VariantName``;
- training jobs named ``<job_name_prefix>-...``, ``{"kind": "training_job", "job_name_prefix",
  "instance_type", "region"}``. Their names are made per run, so each run lists the jobs of the
  prefix that were in progress or changed since the window began (``ListTrainingJobs``), takes
  each job's instance type and count from ``DescribeTrainingJob``, and reads each instance
  from ``/aws/sagemaker/TrainingJobs`` with dimension ``Host`` = ``<job name>/algo-<n>``.

Each run reads a window of ``WINDOW_MINUTES`` whole minutes, ending ``INGESTION_DELAY_MINUTES``
before the run's scheduled time, at one-minute resolution in the resource's region: the
``SampleCount`` of ``CPUUtilization`` in a minute is the number of instances in service, the
``Average`` of the instance's utilization metric (the dashboard's:
:func:`green_constructs.monitoring.utilization.utilization_metric`, ``GPUUtilization`` on GPU
instances, else ``CPUUtilization``) their utilization. Each minute's energy and emissions come
from :func:`green_constructs.estimate.footprint.instance_footprint`, the estimator's own code,
and are published to ``NAMESPACE`` as ``EnergyWh`` and ``EmissionsGramsCO2e`` with dimensions
``EndpointName``, ``VariantName``, ``Region`` (per endpoint variant), ``TrainingJobNamePrefix``,
``Region`` (the jobs of one prefix) and ``Region`` (all monitored resources of a region).

Missing data, throttling and unknown instance types are logged and the resource (or the one
training job) skipped: the handler never fails on one resource. boto3 only (no CDK).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from green_constructs.catalog import Catalog, CatalogError
from green_constructs.estimate.footprint import instance_footprint
from green_constructs.monitoring.utilization import UtilizationMetric, utilization_metric

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.INFO)

ENERGY_METRIC = "EnergyWh"
EMISSIONS_METRIC = "EmissionsGramsCO2e"
ENDPOINT = "endpoint"
TRAINING_JOB = "training_job"
ENDPOINTS_NAMESPACE = "/aws/sagemaker/Endpoints"
TRAINING_JOBS_NAMESPACE = "/aws/sagemaker/TrainingJobs"
INSTANCES_METRIC = "CPUUtilization"
"""Every instance publishes it once a minute: its ``SampleCount`` counts instances in service."""
TRAINING_JOB_PREFIX_DIMENSION = "TrainingJobNamePrefix"
INGESTION_DELAY_MINUTES = 5
"""How long before the run a window ends: CloudWatch may take minutes to make a datapoint
readable, and a minute read before its data arrived would be published short, for good."""
_MINUTE = 60
_PUT_BATCH = 500  # PutMetricData accepts up to 1,000 metric data items per request
_QUERY_BATCH = 500  # GetMetricData accepts up to 500 queries per request
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})

ClientFactory = Callable[[str], Any]


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Scheduled entry point: publish the previous window's energy and emissions. The window
    follows the event's ``time`` (the scheduled time; now when absent), so a late delivery
    covers the same minutes."""
    resources = json.loads(os.environ["RESOURCES"])
    publisher_region = os.environ.get("AWS_REGION", "us-east-1")
    return publish(
        resources,
        clients=_clients("cloudwatch"),
        sagemaker_clients=_clients("sagemaker"),
        publisher=_clients("cloudwatch")(publisher_region),
        namespace=os.environ["NAMESPACE"],
        window_minutes=int(os.environ.get("WINDOW_MINUTES", "60")),
        now=_scheduled_time(event),
    )


def _clients(service: Literal["cloudwatch", "sagemaker"]) -> ClientFactory:
    def client(region: str) -> Any:
        return boto3.client(service, region_name=region, config=_CLIENT_CONFIG)

    return client


def _scheduled_time(event: dict[str, Any]) -> datetime:
    scheduled = event.get("time")
    if not scheduled:
        return datetime.now(timezone.utc)
    return datetime.fromisoformat(scheduled.replace("Z", "+00:00")).astimezone(timezone.utc)


Minutes = dict[datetime, tuple[float, float]]
"""Watt-hours and grams CO2e by minute."""


def publish(
    resources: Iterable[dict[str, Any]],
    *,
    clients: ClientFactory,
    publisher: Any,
    namespace: str,
    window_minutes: int,
    now: datetime,
    sagemaker_clients: ClientFactory | None = None,
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """Read, estimate and publish for every resource; return the window and what was published
    and skipped.

    ``clients`` gives the CloudWatch client of a region (to read), ``sagemaker_clients`` the
    SageMaker client (to find training jobs; default: boto3's). The window is the
    ``window_minutes`` whole minutes ending ``INGESTION_DELAY_MINUTES`` before ``now``, so runs
    on a schedule of that length cover every minute once.
    """
    catalog = catalog or Catalog.default()
    sagemaker_clients = sagemaker_clients or _clients("sagemaker")
    end = now.replace(second=0, microsecond=0) - timedelta(minutes=INGESTION_DELAY_MINUTES)
    start = end - timedelta(minutes=window_minutes)
    published: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    totals: dict[str, Minutes] = {}
    for resource in resources:
        name = resource_name(resource)
        details: dict[str, Any] = {}
        try:
            if resource.get("kind", ENDPOINT) == TRAINING_JOB:
                sagemaker = sagemaker_clients(resource["region"])
                jobs = training_jobs(sagemaker, resource["job_name_prefix"], start)
                minutes = _jobs_energy_by_minute(
                    resource, jobs, clients, sagemaker, start, end, catalog, skipped
                )
                details["jobs"] = jobs
            else:
                minutes = _energy_by_minute(resource, clients, start, end, catalog)
        except CatalogError as error:
            skipped.append(_skip(name, f"unknown to the catalog: {error}"))
            continue
        except (ClientError, BotoCoreError) as error:
            skipped.append(_skip(name, f"could not read its metrics: {_describe(error)}"))
            continue
        if not minutes:
            if details.get("jobs") == []:  # the usual case between training runs: no warning
                skipped.append(
                    _skip(name, f"no training job ran from {start} to {end}", logging.INFO)
                )
            else:
                skipped.append(_skip(name, f"no utilization data from {start} to {end}"))
            continue
        region = resource["region"]
        try:
            _put(publisher, namespace, dimensions(resource), minutes)
        except (ClientError, BotoCoreError) as error:
            skipped.append(_skip(name, f"could not publish: {_describe(error)}"))
            continue
        region_totals = totals.setdefault(region, {})
        for minute, (wh, grams) in minutes.items():
            before = region_totals.get(minute, (0.0, 0.0))
            region_totals[minute] = (before[0] + wh, before[1] + grams)
        published.append(
            {
                "resource": name,
                "region": region,
                "energy_wh": sum(wh for wh, _ in minutes.values()),
                "co2e_grams": sum(grams for _, grams in minutes.values()),
                **details,
            }
        )
    for region, minutes in totals.items():
        try:
            _put(publisher, namespace, [{"Name": "Region", "Value": region}], minutes)
        except (ClientError, BotoCoreError) as error:
            skipped.append(_skip(f"region {region}", f"could not publish: {_describe(error)}"))
    result = {
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "published": published,
        "skipped": skipped,
    }
    LOG.info(json.dumps(result, default=str))
    return result


def resource_name(resource: dict[str, Any]) -> str:
    """``<endpoint>/<variant>``, or ``<job_name_prefix>-*`` for training jobs."""
    if resource.get("kind", ENDPOINT) == TRAINING_JOB:
        return f"{resource.get('job_name_prefix')}-*"
    return f"{resource.get('endpoint_name')}/{resource.get('variant_name')}"


def dimensions(resource: dict[str, Any]) -> list[dict[str, str]]:
    """The dimensions a resource's energy and emissions are published with."""
    if resource.get("kind", ENDPOINT) == TRAINING_JOB:
        own = [{"Name": TRAINING_JOB_PREFIX_DIMENSION, "Value": resource["job_name_prefix"]}]
    else:
        own = [
            {"Name": "EndpointName", "Value": resource["endpoint_name"]},
            {"Name": "VariantName", "Value": resource["variant_name"]},
        ]
    return own + [{"Name": "Region", "Value": resource["region"]}]


def metric_queries(
    resource: dict[str, Any],
    metric: UtilizationMetric,
    *,
    host: str | None = None,
    suffix: str = "",
) -> list[dict[str, Any]]:
    """The GetMetricData queries of one endpoint variant, or of one ``host`` of a training job
    (``<job name>/algo-<n>``): ``samples<suffix>``, the ``SampleCount`` of ``CPUUtilization``
    (instances in service), and ``average<suffix>``, the ``Average`` of ``metric``, by minute."""
    if resource.get("kind", ENDPOINT) == TRAINING_JOB:
        if host is None:
            raise ValueError("a training job's metrics are read per host")
        namespace, keys = TRAINING_JOBS_NAMESPACE, [{"Name": "Host", "Value": host}]
    else:
        namespace = ENDPOINTS_NAMESPACE
        keys = [
            {"Name": "EndpointName", "Value": resource["endpoint_name"]},
            {"Name": "VariantName", "Value": resource["variant_name"]},
        ]
    return [
        {
            "Id": f"{query_id}{suffix}",
            "MetricStat": {
                "Metric": {"Namespace": namespace, "MetricName": name, "Dimensions": keys},
                "Period": _MINUTE,
                "Stat": stat,
            },
        }
        for query_id, name, stat in (
            ("samples", INSTANCES_METRIC, "SampleCount"),
            ("average", metric.name, "Average"),
        )
    ]


def resource_queries(
    resource: dict[str, Any],
    catalog: Catalog | None = None,
    *,
    instance_type: str | None = None,
    host: str | None = None,
) -> tuple[Any, UtilizationMetric, list[dict[str, Any]]]:
    """The instance shape, utilization metric and GetMetricData queries the function uses for
    ``resource`` (on ``instance_type``, default the configured one; a training job per
    ``host``): the dashboard's metric, from the same function."""
    catalog = catalog or Catalog.default()
    shape = catalog.instance(instance_type or resource["instance_type"])
    metric = utilization_metric(shape)
    return shape, metric, metric_queries(resource, metric, host=host)


def _energy_by_minute(
    resource: dict[str, Any],
    clients: ClientFactory,
    start: datetime,
    end: datetime,
    catalog: Catalog,
) -> Minutes:
    """Watt-hours and grams CO2e of each minute with instances of an endpoint variant in
    service."""
    shape, metric, queries = resource_queries(resource, catalog)
    series = _series(clients(resource["region"]), queries, start, end)
    return _footprints(resource["region"], shape, metric, series, "", catalog)


def training_jobs(sagemaker: Any, prefix: str, start: datetime) -> list[str]:
    """Names of the jobs named ``<prefix>-...`` in progress, or last changed (ended) after
    ``start``: every job that may have run in a window beginning at ``start``."""
    found: set[str] = set()
    for selection in ({"StatusEquals": "InProgress"}, {"LastModifiedTimeAfter": start}):
        token = None
        while True:
            request = {"NameContains": prefix, "MaxResults": 100, **selection}
            if token:
                request["NextToken"] = token
            response = sagemaker.list_training_jobs(**request)
            for summary in response.get("TrainingJobSummaries", []):
                name = summary["TrainingJobName"]
                # NameContains matches anywhere in the name
                if name.lower().startswith(f"{prefix}-".lower()):
                    found.add(name)
            token = response.get("NextToken")
            if not token:
                break
    return sorted(found)


def _jobs_energy_by_minute(
    resource: dict[str, Any],
    jobs: list[str],
    clients: ClientFactory,
    sagemaker: Any,
    start: datetime,
    end: datetime,
    catalog: Catalog,
    skipped: list[dict[str, Any]],
) -> Minutes:
    """Watt-hours and grams CO2e of each minute, summed over the hosts of ``jobs``; a job that
    cannot be described, or runs on an instance type the catalog lacks, is skipped alone."""
    region = resource["region"]
    total: Minutes = {}
    for job in jobs:
        try:
            described = sagemaker.describe_training_job(TrainingJobName=job)
        except (ClientError, BotoCoreError) as error:
            skipped.append(_skip(job, f"could not describe the training job: {_describe(error)}"))
            continue
        config = described.get("ResourceConfig", {})
        instance_type, count = config.get("InstanceType"), config.get("InstanceCount")
        if not instance_type or not count:
            reason = "no InstanceType and InstanceCount (heterogeneous clusters are not read)"
            skipped.append(_skip(job, reason))
            continue
        try:
            shape, metric, _ = resource_queries(
                resource, catalog, instance_type=instance_type, host=f"{job}/algo-1"
            )
        except CatalogError as error:
            skipped.append(_skip(job, f"unknown to the catalog: {error}"))
            continue
        hosts = [f"{job}/algo-{number}" for number in range(1, int(count) + 1)]
        queries = [
            query
            for index, host in enumerate(hosts)
            for query in metric_queries(resource, metric, host=host, suffix=f"_{index}")
        ]
        series: dict[str, dict[datetime, float]] = {}
        for first in range(0, len(queries), _QUERY_BATCH):
            batch = queries[first : first + _QUERY_BATCH]
            series.update(_series(clients(region), batch, start, end))
        for index in range(len(hosts)):
            for minute, (wh, grams) in _footprints(
                region, shape, metric, series, f"_{index}", catalog
            ).items():
                before = total.get(minute, (0.0, 0.0))
                total[minute] = (before[0] + wh, before[1] + grams)
    return total


def _footprints(
    region: str,
    shape: Any,
    metric: UtilizationMetric,
    series: dict[str, dict[datetime, float]],
    suffix: str,
    catalog: Catalog,
) -> Minutes:
    counts = series.get(f"samples{suffix}", {})
    averages = series.get(f"average{suffix}", {})
    result = {}
    for minute, count in counts.items():
        if not count:
            continue
        footprint = instance_footprint(
            shape.name,
            hours=_MINUTE / 3600,
            region=region,
            utilization=metric.share(averages.get(minute, 0.0)),
            count=count,
            catalog=catalog,
        )
        result[minute] = (footprint.kwh * 1000, footprint.kgco2e * 1000)
    return result


def _series(
    cloudwatch: Any, queries: list[dict[str, Any]], start: datetime, end: datetime
) -> dict[str, dict[datetime, float]]:
    """Values of each query by minute (all pages)."""
    series: dict[str, dict[datetime, float]] = {}
    token = None
    while True:
        request = {"MetricDataQueries": queries, "StartTime": start, "EndTime": end}
        if token:
            request["NextToken"] = token
        response = cloudwatch.get_metric_data(**request)
        for result in response["MetricDataResults"]:
            values = series.setdefault(result["Id"], {})
            values.update(zip(result["Timestamps"], result["Values"]))
        token = response.get("NextToken")
        if not token:
            return series


def _put(
    publisher: Any, namespace: str, dimensions: list[dict[str, str]], minutes: Minutes
) -> None:
    data = [
        {
            "MetricName": metric,
            "Dimensions": dimensions,
            "Timestamp": minute,
            "Value": value,
            "Unit": "None",
        }
        for minute, (wh, grams) in sorted(minutes.items())
        for metric, value in ((ENERGY_METRIC, wh), (EMISSIONS_METRIC, grams))
    ]
    for first in range(0, len(data), _PUT_BATCH):
        publisher.put_metric_data(Namespace=namespace, MetricData=data[first : first + _PUT_BATCH])


def _skip(resource: str, reason: str, level: int = logging.WARNING) -> dict[str, Any]:
    LOG.log(level, "skipped %s: %s", resource, reason)
    return {"resource": resource, "reason": reason}


def _describe(error: Exception) -> str:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "error")
        return f"{code}: {error.response.get('Error', {}).get('Message', '')}".rstrip(": ")
    return str(error)
