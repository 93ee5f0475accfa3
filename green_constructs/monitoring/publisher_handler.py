"""Lambda handler of :class:`CarbonMetricsPublisher`: energy and emissions of endpoints.

For each monitored endpoint variant (environment ``RESOURCES``: a JSON list of
``{"endpoint_name", "variant_name", "instance_type", "region"}``) it reads a window of
``WINDOW_MINUTES`` whole minutes, ending ``INGESTION_DELAY_MINUTES`` before the run's scheduled
time, from ``/aws/sagemaker/Endpoints`` at one-minute resolution in the endpoint's region: the
``SampleCount`` of ``CPUUtilization`` in a minute is the number of instances in service, the
``Average`` of the instance's utilization metric (the dashboard's:
:func:`green_constructs.monitoring.utilization.utilization_metric`, ``GPUUtilization`` on GPU
instances) their utilization. Each minute's energy and
emissions come from :func:`green_constructs.estimate.footprint.instance_footprint`, the
estimator's own code, and are published to ``NAMESPACE`` as ``EnergyWh`` and ``EmissionsGramsCO2e``
with dimensions ``EndpointName``, ``VariantName``, ``Region`` (per resource) and ``Region``
(all monitored resources of a region).

Missing data, throttling and unknown instance types are logged and the resource skipped:
the handler never fails on one resource. boto3 only (no CDK).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from green_constructs.catalog import Catalog, CatalogError
from green_constructs.estimate.footprint import instance_footprint
from green_constructs.monitoring.utilization import utilization_metric

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.INFO)

ENERGY_METRIC = "EnergyWh"
EMISSIONS_METRIC = "EmissionsGramsCO2e"
INGESTION_DELAY_MINUTES = 5
"""How long before the run a window ends: CloudWatch may take minutes to make a datapoint
readable, and a minute read before its data arrived would be published short, for good."""
_MINUTE = 60
_PUT_BATCH = 500  # PutMetricData accepts up to 1,000 metric data items per request
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})

ClientFactory = Callable[[str], Any]


def handler(event: dict, context: object) -> dict:
    """Scheduled entry point: publish the previous window's energy and emissions. The window
    follows the event's ``time`` (the scheduled time; now when absent), so a late delivery
    covers the same minutes."""
    resources = json.loads(os.environ["RESOURCES"])
    publisher_region = os.environ.get("AWS_REGION", "us-east-1")

    def client(region: str) -> Any:
        return boto3.client("cloudwatch", region_name=region, config=_CLIENT_CONFIG)

    return publish(
        resources,
        clients=client,
        publisher=client(publisher_region),
        namespace=os.environ["NAMESPACE"],
        window_minutes=int(os.environ.get("WINDOW_MINUTES", "60")),
        now=_scheduled_time(event),
    )


def _scheduled_time(event: dict) -> datetime:
    scheduled = event.get("time")
    if not scheduled:
        return datetime.now(timezone.utc)
    return datetime.fromisoformat(scheduled.replace("Z", "+00:00")).astimezone(timezone.utc)


def publish(
    resources: Iterable[dict],
    *,
    clients: ClientFactory,
    publisher: Any,
    namespace: str,
    window_minutes: int,
    now: datetime,
    catalog: Catalog | None = None,
) -> dict:
    """Read, estimate and publish for every resource; return the window and what was published
    and skipped.

    The window is the ``window_minutes`` whole minutes ending ``INGESTION_DELAY_MINUTES`` before
    ``now``, so runs on a schedule of that length cover every minute once.
    """
    catalog = catalog or Catalog.default()
    end = now.replace(second=0, microsecond=0) - timedelta(minutes=INGESTION_DELAY_MINUTES)
    start = end - timedelta(minutes=window_minutes)
    published: list[dict] = []
    skipped: list[dict] = []
    totals: dict[str, dict[datetime, tuple[float, float]]] = {}
    for resource in resources:
        name = f"{resource.get('endpoint_name')}/{resource.get('variant_name')}"
        try:
            minutes = _energy_by_minute(resource, clients, start, end, catalog)
        except CatalogError as error:
            skipped.append(_skip(name, f"unknown to the catalog: {error}"))
            continue
        except (ClientError, BotoCoreError) as error:
            skipped.append(_skip(name, f"could not read its metrics: {_describe(error)}"))
            continue
        if not minutes:
            skipped.append(_skip(name, f"no utilization data from {start} to {end}"))
            continue
        region = resource["region"]
        dimensions = [
            {"Name": "EndpointName", "Value": resource["endpoint_name"]},
            {"Name": "VariantName", "Value": resource["variant_name"]},
            {"Name": "Region", "Value": region},
        ]
        try:
            _put(publisher, namespace, dimensions, minutes)
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
    LOG.info(json.dumps(result))
    return result


def _energy_by_minute(
    resource: dict, clients: ClientFactory, start: datetime, end: datetime, catalog: Catalog
) -> dict[datetime, tuple[float, float]]:
    """Watt-hours and grams CO2e of each minute with instances in service."""
    shape = catalog.instance(resource["instance_type"])
    metric = utilization_metric(shape)
    series = _series(clients(resource["region"]), resource, metric.name, start, end)
    counts, averages = series.get("samples", {}), series.get("average", {})
    result = {}
    for minute, count in counts.items():
        if not count:
            continue
        utilization = metric.share(averages.get(minute, 0.0))
        footprint = instance_footprint(
            shape.name,
            hours=_MINUTE / 3600,
            region=resource["region"],
            utilization=utilization,
            count=count,
            catalog=catalog,
        )
        result[minute] = (footprint.kwh * 1000, footprint.kgco2e * 1000)
    return result


def _series(
    cloudwatch: Any, resource: dict, utilization: str, start: datetime, end: datetime
) -> dict[str, dict[datetime, float]]:
    """Instances in service (``CPUUtilization`` samples) and the average of ``utilization``,
    by minute."""

    def metric(name: str) -> dict[str, Any]:
        return {
            "Namespace": "/aws/sagemaker/Endpoints",
            "MetricName": name,
            "Dimensions": [
                {"Name": "EndpointName", "Value": resource["endpoint_name"]},
                {"Name": "VariantName", "Value": resource["variant_name"]},
            ],
        }

    queries = [
        {"Id": query_id, "MetricStat": {"Metric": metric(name), "Period": _MINUTE, "Stat": stat}}
        for query_id, name, stat in (
            ("samples", "CPUUtilization", "SampleCount"),
            ("average", utilization, "Average"),
        )
    ]
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
    publisher: Any,
    namespace: str,
    dimensions: list[dict],
    minutes: dict[datetime, tuple[float, float]],
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


def _skip(resource: str, reason: str) -> dict:
    LOG.warning("skipped %s: %s", resource, reason)
    return {"resource": resource, "reason": reason}


def _describe(error: Exception) -> str:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "error")
        return f"{code}: {error.response.get('Error', {}).get('Message', '')}".rstrip(": ")
    return str(error)
