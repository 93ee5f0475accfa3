"""``CarbonMetricsPublisher``: a scheduled Lambda publishing endpoints' energy and emissions."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence, Union

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from ..catalog import Catalog
from ..inference import AsyncInferenceEndpoint, RealtimeEndpoint
from ..nag.acknowledge import acknowledge
from .publisher_asset import HANDLER, publisher_asset_dir
from .publisher_handler import EMISSIONS_METRIC, ENERGY_METRIC

DEFAULT_NAMESPACE = "GreenConstructs/Carbon"


@dataclass(frozen=True)
class MonitoredEndpoint:
    """An endpoint variant whose energy and emissions the publisher reports.

    :param endpoint_name: the endpoint's name.
    :param instance_type: the variant's instance type (a catalog ``ml.*`` type).
    :param variant_name: the production variant. Default: ``AllTraffic``.
    :param region: where the endpoint runs. Default: the publisher's stack region.
    """

    endpoint_name: str
    instance_type: str
    variant_name: str = "AllTraffic"
    region: str | None = None

    @classmethod
    def of(cls, endpoint: AsyncInferenceEndpoint | RealtimeEndpoint) -> "MonitoredEndpoint":
        """The variant of an endpoint construct of this library, in its stack's region."""
        return cls(
            endpoint_name=endpoint.endpoint_name,
            instance_type=endpoint.model.instance_type,
            variant_name=endpoint.variant_name,
            region=cdk.Stack.of(endpoint).region,
        )


Monitored = Union[MonitoredEndpoint, AsyncInferenceEndpoint, RealtimeEndpoint]


class CarbonMetricsPublisher(Construct):
    """A scheduled Lambda (arm64) that publishes each endpoint variant's energy (``EnergyWh``)
    and location-based emissions (``EmissionsGramsCO2e``) per minute, computed from its
    instances in service and CPU utilization with the estimator's own footprint code.

    Metrics go to ``namespace`` with dimensions ``EndpointName``, ``VariantName``, ``Region``
    (per variant) and ``Region`` (every monitored variant of a region).

    :param endpoints: the endpoint variants (:class:`MonitoredEndpoint` or endpoint constructs).
    :param schedule: how often the function runs; each run covers that many past minutes.
        Whole minutes, 5 minutes to 1 day. Default: 1 hour.
    :param namespace: CloudWatch namespace of the published metrics (the only one the function
        may publish to). Default: ``GreenConstructs/Carbon``.
    :param log_retention: retention of the function's log group. Default: one month.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoints: Sequence[Monitored],
        schedule: cdk.Duration = cdk.Duration.hours(1),
        namespace: str = DEFAULT_NAMESPACE,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        super().__init__(scope, construct_id)
        if not endpoints:
            raise ValueError("endpoints: give at least one endpoint to report on")
        minutes = _check_schedule(schedule)
        self.namespace = namespace
        self.endpoints = [self._monitored(each) for each in endpoints]
        for each in self.endpoints:
            Catalog.default().instance(each.instance_type)  # fails synth on an unknown type
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=log_retention,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.role = self._role()
        stack = cdk.Stack.of(self)
        self.function = lambda_.Function(
            self,
            "Function",
            description="Publishes SageMaker endpoints' estimated energy and emissions",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler=HANDLER,
            code=lambda_.Code.from_asset(publisher_asset_dir()),
            role=self.role,
            log_group=self.log_group,
            memory_size=256,
            timeout=cdk.Duration.minutes(2),
            environment={
                "RESOURCES": stack.to_json_string([_config(each) for each in self.endpoints]),
                "NAMESPACE": namespace,
                "WINDOW_MINUTES": str(minutes),
            },
        )
        acknowledge(
            self.function,
            "AwsSolutions-L1",
            "Pinned to Python 3.12, a supported Lambda runtime within the package's supported "
            "Python versions: the shipped estimator code runs unchanged on it.",
        )
        self.rule = events.Rule(
            self,
            "Schedule",
            description="Runs the carbon metrics publisher",
            schedule=events.Schedule.rate(schedule),
            targets=[targets.LambdaFunction(self.function, retry_attempts=2)],
        )

    def metric_energy_wh(self, endpoint: Monitored, **props) -> cloudwatch.Metric:
        """Energy of one variant (Sum, Wh per period; default 1 hour)."""
        return self._metric(ENERGY_METRIC, self._dimensions(endpoint), props)

    def metric_co2e_grams(self, endpoint: Monitored, **props) -> cloudwatch.Metric:
        """Emissions of one variant (Sum, g CO2e per period; default 1 hour)."""
        return self._metric(EMISSIONS_METRIC, self._dimensions(endpoint), props)

    def metric_region_co2e_grams(self, region: str | None = None, **props) -> cloudwatch.Metric:
        """Emissions of every monitored variant of ``region`` (default: the stack's)."""
        region = region or cdk.Stack.of(self).region
        return self._metric(EMISSIONS_METRIC, {"Region": region}, props)

    def _metric(self, name: str, dimensions: dict[str, str], props: dict) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=self.namespace,
            metric_name=name,
            dimensions_map=dimensions,
            statistic=props.pop("statistic", cloudwatch.Stats.SUM),
            period=props.pop("period", cdk.Duration.hours(1)),
            **props,
        )

    def _dimensions(self, endpoint: Monitored) -> dict[str, str]:
        monitored = self._monitored(endpoint)
        return {
            "EndpointName": monitored.endpoint_name,
            "VariantName": monitored.variant_name,
            "Region": monitored.region,
        }

    def _monitored(self, endpoint: Monitored) -> MonitoredEndpoint:
        monitored = (
            endpoint if isinstance(endpoint, MonitoredEndpoint) else MonitoredEndpoint.of(endpoint)
        )
        if monitored.region is None:
            return dataclasses.replace(monitored, region=cdk.Stack.of(self).region)
        return monitored

    def _role(self) -> iam.Role:
        role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Reads endpoint utilization and publishes carbon metrics",
        )
        role.add_to_policy(
            iam.PolicyStatement(actions=["cloudwatch:GetMetricData"], resources=["*"])
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringEquals": {"cloudwatch:namespace": self.namespace}},
            )
        )
        self.log_group.grant_write(role)
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "CloudWatch's GetMetricData and PutMetricData take no resource (the service "
            "authorization reference lists none); PutMetricData is limited to the publisher's "
            "namespace by the cloudwatch:namespace condition.",
            applies_to=["Resource::*"],
        )
        return role


def _config(endpoint: MonitoredEndpoint) -> dict[str, str]:
    return {
        "endpoint_name": endpoint.endpoint_name,
        "variant_name": endpoint.variant_name,
        "instance_type": endpoint.instance_type,
        "region": endpoint.region,
    }


def _check_schedule(schedule: cdk.Duration) -> int:
    seconds = schedule.to_seconds()
    if seconds % 60 or not 5 * 60 <= seconds <= 24 * 3600:
        raise ValueError(
            "schedule must be a whole number of minutes from 5 minutes to 1 day, got "
            f"{schedule.to_human_string()}"
        )
    return int(seconds // 60)
