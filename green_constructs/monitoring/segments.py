"""Dashboard segments: the rows of widgets one monitored resource adds to the dashboard."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aws_cdk import aws_cloudwatch as cloudwatch

from .metric_factory import CarbonMetrics
from .power import PowerModel

_FULL_WIDTH = 24
_HEIGHT = 6


@dataclass(frozen=True)
class MonitoredResource:
    """What the monitor knows of one resource; every metric is a ``cloudwatch.IMetric``.

    :param title: the segment's heading.
    :param power: the coefficients behind the carbon metrics (one per instance group).
    :param utilization: utilization metrics (percent) by name.
    :param demand: demand metrics (requests, backlog, latency, instances) by name.
    :param carbon: estimated power, energy and emissions.
    :param alarms: the alarms raised for this resource, by name.
    :param note: a line shown under the heading. Default: none.
    """

    title: str
    power: tuple[PowerModel, ...]
    utilization: Mapping[str, cloudwatch.IMetric]
    demand: Mapping[str, cloudwatch.IMetric]
    carbon: CarbonMetrics
    alarms: Mapping[str, cloudwatch.Alarm] = field(default_factory=dict)
    note: str = ""


def segment_rows(resource: MonitoredResource) -> list[list[cloudwatch.IWidget]]:
    """A heading, then utilization and demand, then estimated power, energy and CO2e."""
    width = _FULL_WIDTH // (1 + len(resource.demand))
    first: list[cloudwatch.IWidget] = [
        _graph("Utilization (%)", list(resource.utilization.values()), width),
        *(_graph(name, [metric], width) for name, metric in resource.demand.items()),
    ]
    carbon = resource.carbon
    second: list[cloudwatch.IWidget] = [
        _graph("Estimated power (W)", [carbon.power_watts], 8),
        cloudwatch.GraphWidget(
            title="Estimated energy (Wh) and emissions (gCO2e) per hour",
            left=[carbon.energy_wh],
            right=[carbon.co2e_grams],
            width=8,
            height=_HEIGHT,
        ),
    ]
    if carbon.co2e_per_thousand_requests is not None:
        second.append(_graph("gCO2e per 1,000 requests", [carbon.co2e_per_thousand_requests], 8))
    if resource.alarms:
        second.append(
            cloudwatch.AlarmStatusWidget(
                title="Waste alarms", alarms=list(resource.alarms.values()), width=8, height=_HEIGHT
            )
        )
    return [[_heading(resource)], first, second]


def _heading(resource: MonitoredResource) -> cloudwatch.TextWidget:
    coefficients = "; ".join(
        f"{model.instance_type}: {model.idle_watts:.0f}-{model.peak_watts:.0f} W idle-peak"
        for model in resource.power
    )
    model = resource.power[0]
    lines = [
        f"## {resource.title}",
        f"Estimate: {coefficients}, PUE {model.pue:g}, grid {model.grams_per_wh:g} gCO2e/Wh "
        f"({model.region}); the same coefficients as `green-constructs estimate`.",
    ]
    if resource.note:
        lines.append(resource.note)
    return cloudwatch.TextWidget(markdown="\n\n".join(lines), width=_FULL_WIDTH, height=3)


def _graph(title: str, metrics: list[cloudwatch.IMetric], width: int = 6) -> cloudwatch.GraphWidget:
    return cloudwatch.GraphWidget(title=title, left=metrics, width=width, height=_HEIGHT)
