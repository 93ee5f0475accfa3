"""``CarbonMetricsPublisher``: a scheduled Lambda publishing the energy and emissions of
endpoints and training jobs."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from .. import props
from ..catalog import Catalog, CatalogError
from ..inference import AsyncInferenceEndpoint, RealtimeEndpoint
from ..job_workflow import check_job_name_prefix
from ..metric_options import MetricOptions, MetricOptionsExceptRegion, make_metric, with_defaults
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding
from ..training import TrainiumTrainingJob
from . import _checks
from .publisher_asset import HANDLER, publisher_asset_dir
from .publisher_handler import (
    EMISSIONS_METRIC,
    ENDPOINT,
    ENERGY_METRIC,
    TRAINING_JOB,
    TRAINING_JOB_PREFIX_DIMENSION,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

DEFAULT_NAMESPACE = "GreenConstructs/Carbon"
# CloudWatch's namespace characters; "AWS/" is reserved for AWS services.
_NAMESPACE = re.compile(r"(?!AWS/)[0-9A-Za-z._#/ -][0-9A-Za-z._#/: -]{0,254}")


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
    def of(cls, endpoint: AsyncInferenceEndpoint | RealtimeEndpoint) -> MonitoredEndpoint:
        """The variant of an endpoint construct of this library, in its stack's region."""
        return cls(
            endpoint_name=endpoint.endpoint_name,
            instance_type=endpoint.model.instance_type,
            variant_name=endpoint.variant_name,
            region=cdk.Stack.of(endpoint).region,
        )


@dataclass(frozen=True)
class MonitoredTrainingJob:
    """The training jobs named ``<job_name_prefix>-...`` (one per run, named at run time), whose
    energy and emissions the publisher reports together.

    :param job_name_prefix: the start of the jobs' names, before a hyphen.
    :param instance_type: the jobs' instance type (a catalog ``ml.*`` type); each run reads the
        type and count of every job it finds from ``DescribeTrainingJob``.
    :param region: where the jobs run. Default: the publisher's stack region.
    """

    job_name_prefix: str
    instance_type: str
    region: str | None = None

    @classmethod
    def of(cls, job: TrainiumTrainingJob) -> MonitoredTrainingJob:
        """The jobs of a :class:`~green_constructs.training.TrainiumTrainingJob`, in its stack's
        region."""
        return cls(
            job_name_prefix=job.job_name_prefix,
            instance_type=job.instance_type,
            region=cdk.Stack.of(job).region,
        )


MonitoredEndpointLike = MonitoredEndpoint | AsyncInferenceEndpoint | RealtimeEndpoint
MonitoredJobLike = MonitoredTrainingJob | TrainiumTrainingJob
Monitored = MonitoredEndpointLike | MonitoredJobLike


class CarbonMetricsPublisher(Construct):
    """A scheduled Lambda (arm64) that publishes the energy (``EnergyWh``) and location-based
    emissions (``EmissionsGramsCO2e``) per minute of endpoint variants and training jobs,
    computed from their instances in service and utilization with the estimator's own footprint
    code. Utilization is read from the metric the dashboard uses for the instance type
    (:func:`~green_constructs.monitoring.utilization.utilization_metric`: ``GPUUtilization``
    on GPU instances, else ``CPUUtilization``, Neuron instances included).

    Metrics go to ``namespace`` with dimensions ``EndpointName``, ``VariantName``, ``Region``
    (per variant), ``TrainingJobNamePrefix``, ``Region`` (the training jobs of a prefix) and
    ``Region`` (every monitored resource of a region). Training job names are made per run, so
    each run lists the prefix's jobs (``ListTrainingJobs``) and describes them
    (``DescribeTrainingJob``, allowed on ``training-job/<prefix>-*`` only).

    Each run covers the ``schedule``'s length of whole minutes ending
    ``publisher_handler.INGESTION_DELAY_MINUTES`` (5) before its scheduled time, when
    SageMaker's datapoints have arrived; consecutive runs cover consecutive windows. A failed
    run is not retried: it may have published part of its window, and CloudWatch would add a
    second copy to the first.

    :param endpoints: the endpoint variants (:class:`MonitoredEndpoint` or endpoint constructs),
        each once, in regions of the catalog. Default: none.
    :param training_jobs: the training jobs (:class:`MonitoredTrainingJob` or
        :class:`~green_constructs.training.TrainiumTrainingJob` constructs), each prefix once,
        in regions of the catalog. Default: none; give at least one endpoint or training job.
    :param schedule: how often the function runs, and the minutes each run covers. Whole
        minutes, 5 minutes to 1 day. Default: 1 hour.
    :param namespace: CloudWatch namespace of the published metrics (the only one the function
        may publish to): up to 255 letters, digits and ``. - _ / # :`` or spaces, not starting
        with ``:`` or ``AWS/``. Default: ``GreenConstructs/Carbon``.
    :param log_retention: retention of the function's log group (a ``logs.RetentionDays``).
        Default: one month.
    """

    endpoints: list[MonitoredEndpoint]
    """The endpoint variants the function reports on."""
    training_jobs: list[MonitoredTrainingJob]
    """The training job prefixes the function reports on."""
    log_group: logs.LogGroup
    """The function's log group."""
    role: iam.Role
    """The function's execution role."""
    function: lambda_.Function
    """The Lambda function that publishes the metrics."""
    rule: events.Rule
    """The EventBridge rule that runs the function on the schedule."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoints: Sequence[MonitoredEndpointLike] = (),
        training_jobs: Sequence[MonitoredJobLike] = (),
        schedule: cdk.Duration | None = None,
        namespace: str = DEFAULT_NAMESPACE,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        schedule = cdk.Duration.hours(1) if schedule is None else schedule
        props.instance(
            "log_retention",
            log_retention,
            logs.RetentionDays,
            "a logs.RetentionDays such as ONE_MONTH",
        )
        for name, given, single in (
            ("endpoints", endpoints, (MonitoredEndpoint, AsyncInferenceEndpoint, RealtimeEndpoint)),
            ("training_jobs", training_jobs, (MonitoredTrainingJob, TrainiumTrainingJob)),
        ):
            if isinstance(given, (str, *single)) or not isinstance(given, Sequence):
                raise TypeError(f"{name}: give a list, got {given!r}")
        if not endpoints and not training_jobs:
            raise ValueError(
                "endpoints, training_jobs: give at least one endpoint or training job to report on"
            )
        super().__init__(scope, construct_id)
        window = _window_minutes(self, schedule)
        _check_namespace(self, namespace)
        self.namespace = namespace
        self.endpoints = [self._monitored(each) for each in endpoints]
        self.training_jobs = [self._monitored_job(each) for each in training_jobs]
        _check_endpoints(self, self.endpoints)
        _check_training_jobs(self, self.training_jobs)
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
            description="Publishes SageMaker endpoints' and training jobs' estimated energy "
            "and emissions",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler=HANDLER,
            code=lambda_.Code.from_asset(publisher_asset_dir()),
            role=self.role,
            log_group=self.log_group,
            memory_size=256,
            timeout=cdk.Duration.minutes(2),
            # no retry of a failed run: it may have published part of its window, and CloudWatch
            # sums duplicates; the next scheduled run covers the next window
            retry_attempts=0,
            environment={
                "RESOURCES": stack.to_json_string(
                    [_config(each) for each in self.endpoints]
                    + [_job_config(each) for each in self.training_jobs]
                ),
                "NAMESPACE": namespace,
                "WINDOW_MINUTES": window,
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
            # EventBridge resends only events Lambda did not accept (the function did not run),
            # and the window follows the event's time, so a late delivery covers the same minutes
            targets=[targets.LambdaFunction(self.function, retry_attempts=2)],
        )

    def metric_energy_wh(
        self, resource: Monitored, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Energy of one variant, or of the training jobs of one prefix (Wh per period; Sum over
        1 hour by default)."""
        return self._metric(ENERGY_METRIC, self._dimensions(resource), options)

    def metric_co2e_grams(
        self, resource: Monitored, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Emissions of one variant, or of the training jobs of one prefix (g CO2e per period;
        Sum over 1 hour by default)."""
        return self._metric(EMISSIONS_METRIC, self._dimensions(resource), options)

    def metric_region_co2e_grams(
        self, region: str | None = None, **options: Unpack[MetricOptionsExceptRegion]
    ) -> cloudwatch.Metric:
        """Emissions of every monitored endpoint variant and training job of ``region``
        (default: the stack's); g CO2e per period, Sum over 1 hour by default."""
        region = region or cdk.Stack.of(self).region
        metric_options: MetricOptions = {**options}
        return self._metric(EMISSIONS_METRIC, {"Region": region}, metric_options)

    def _metric(
        self, name: str, dimensions: dict[str, str], options: MetricOptions
    ) -> cloudwatch.Metric:
        return make_metric(
            self.namespace,
            name,
            dimensions,
            **with_defaults(options, statistic=cloudwatch.Stats.SUM, period=cdk.Duration.hours(1)),
        )

    def _dimensions(self, resource: Monitored) -> dict[str, str]:
        if isinstance(resource, (MonitoredTrainingJob, TrainiumTrainingJob)):
            job = self._monitored_job(resource)
            return {TRAINING_JOB_PREFIX_DIMENSION: job.job_name_prefix, "Region": _region(job)}
        monitored = self._monitored(resource)
        return {
            "EndpointName": monitored.endpoint_name,
            "VariantName": monitored.variant_name,
            "Region": _region(monitored),
        }

    def _monitored(self, endpoint: Monitored) -> MonitoredEndpoint:
        if isinstance(endpoint, (AsyncInferenceEndpoint, RealtimeEndpoint)):
            endpoint = MonitoredEndpoint.of(endpoint)
        if not isinstance(endpoint, MonitoredEndpoint):
            raise TypeError(
                "endpoints: each must be a MonitoredEndpoint, AsyncInferenceEndpoint or "
                f"RealtimeEndpoint, got {endpoint!r}"
            )
        if endpoint.region is None:
            return dataclasses.replace(endpoint, region=cdk.Stack.of(self).region)
        return endpoint

    def _monitored_job(self, job: MonitoredJobLike) -> MonitoredTrainingJob:
        if isinstance(job, TrainiumTrainingJob):
            job = MonitoredTrainingJob.of(job)
        if not isinstance(job, MonitoredTrainingJob):
            raise TypeError(
                "training_jobs: each must be a MonitoredTrainingJob or TrainiumTrainingJob, "
                f"got {job!r}"
            )
        if job.region is None:
            return dataclasses.replace(job, region=cdk.Stack.of(self).region)
        return job

    def _role(self) -> iam.Role:
        role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Reads endpoint and training job utilization and publishes carbon metrics",
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
        stack = cdk.Stack.of(self)
        job_arns = []
        if self.training_jobs:
            role.add_to_policy(
                iam.PolicyStatement(actions=["sagemaker:ListTrainingJobs"], resources=["*"])
            )
            arns = {}
            for job in self.training_jobs:
                # SageMaker ARNs hold the job name in lower case
                pattern = f"{job.job_name_prefix.lower()}-*"
                arn = stack.format_arn(
                    service="sagemaker",
                    resource="training-job",
                    resource_name=pattern,
                    region=job.region,
                )
                arns[arn] = resource_finding(self, arn)
            role.add_to_policy(
                iam.PolicyStatement(actions=["sagemaker:DescribeTrainingJob"], resources=list(arns))
            )
            job_arns = list(dict.fromkeys(arns.values()))
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "CloudWatch's GetMetricData and PutMetricData and SageMaker's ListTrainingJobs take "
            "no resource (the service authorization reference lists none); PutMetricData is "
            "limited to the publisher's namespace by the cloudwatch:namespace condition. "
            "Training job names are made per run, so DescribeTrainingJob is allowed on the "
            "monitored prefixes' jobs (training-job/<prefix>-*) only.",
            applies_to=["Resource::*", *job_arns],
        )
        return role


def _config(endpoint: MonitoredEndpoint) -> dict[str, str]:
    return {
        "kind": ENDPOINT,
        "endpoint_name": endpoint.endpoint_name,
        "variant_name": endpoint.variant_name,
        "instance_type": endpoint.instance_type,
        "region": _region(endpoint),
    }


def _job_config(job: MonitoredTrainingJob) -> dict[str, str]:
    return {
        "kind": TRAINING_JOB,
        "job_name_prefix": job.job_name_prefix,
        "instance_type": job.instance_type,
        "region": _region(job),
    }


def _region(resource: MonitoredEndpoint | MonitoredTrainingJob) -> str:
    # only for what _monitored or _monitored_job returned: they fill in the stack's region
    assert resource.region is not None, resource
    return resource.region


def _window_minutes(scope: Construct, schedule: object) -> str:
    """``WINDOW_MINUTES``: the whole minutes of ``schedule`` (5 minutes to 1 day); a token
    only as ``cdk.Duration.minutes(token)`` (the window is its amount), noted on ``scope``."""
    allowed = "a whole number of minutes from 5 minutes to 1 day"
    checked = _checks.duration("schedule", schedule)
    if props.is_token(checked):
        if checked.unit_label() != "minutes":
            raise ValueError(
                "schedule must be a concrete cdk.Duration or cdk.Duration.minutes(token): the "
                f"publisher's window is computed in minutes, got a token in {checked.unit_label()}"
            )
        props.note_token(scope, "schedule", allowed)
        return cdk.Token.as_string(checked.to_minutes())
    why = "the publisher's window is computed from it"
    return str(_checks.whole_minutes("schedule", checked, minimum=5, maximum=24 * 60, why=why))


def _check_namespace(scope: Construct, namespace: object) -> None:
    props.text(
        scope,
        "namespace",
        namespace,
        pattern=_NAMESPACE,
        allowed="1 to 255 letters, digits, spaces or . - _ / # : characters, not starting with "
        "':' or 'AWS/' (reserved for AWS services)",
    )


def _check_strings(scope: Construct, name: str, each: object, fields: tuple[str, ...]) -> None:
    for field in fields:
        value = getattr(each, field)
        if not isinstance(value, str):
            raise TypeError(f"{name}.{field} must be a non-empty string, got {value!r}")
        if not value:
            raise ValueError(f"{name}.{field} must be a non-empty string, got {value!r}")
        if props.is_token(value):
            props.note_token(scope, f"{name}.{field}", "a non-empty string")


def _check_instance_type(name: str, instance_type: str, catalog: Catalog) -> None:
    if props.is_token(instance_type):  # the function looks it up in the catalog when it runs
        return
    try:
        catalog.instance(instance_type)
    except CatalogError as error:
        raise ValueError(f"{name}.instance_type: {error}") from None


def _check_endpoints(scope: Construct, endpoints: list[MonitoredEndpoint]) -> None:
    catalog = Catalog.default()
    seen = set()
    for index, each in enumerate(endpoints):
        name = f"endpoints[{index}]"
        _check_strings(scope, name, each, ("endpoint_name", "variant_name", "instance_type"))
        _check_instance_type(name, each.instance_type, catalog)
        _checks.region(scope, f"{name}.region", each.region, catalog)
        key = (each.endpoint_name, each.variant_name, each.region)
        if key in seen:
            raise ValueError(
                f"{name}: {each.endpoint_name}/{each.variant_name} in {each.region} is listed "
                "twice; its emissions would count twice in the region's total"
            )
        seen.add(key)


def _check_training_jobs(scope: Construct, jobs: list[MonitoredTrainingJob]) -> None:
    catalog = Catalog.default()
    seen = set()
    for index, each in enumerate(jobs):
        name = f"training_jobs[{index}]"
        _check_strings(scope, name, each, ("job_name_prefix", "instance_type"))
        if not props.is_token(each.job_name_prefix):
            try:
                check_job_name_prefix(each.job_name_prefix)
            except ValueError as error:
                raise ValueError(f"{name}.{error}") from None
        _check_instance_type(name, each.instance_type, catalog)
        _checks.region(scope, f"{name}.region", each.region, catalog)
        key = (_lower(each.job_name_prefix), each.region)
        if key in seen:
            raise ValueError(
                f"{name}: the jobs of {each.job_name_prefix} in {each.region} are listed twice; "
                "their emissions would count twice in the region's total"
            )
        seen.add(key)


def _lower(text: str) -> str:
    return text if props.is_token(text) else text.lower()
