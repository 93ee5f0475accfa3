"""The keywords every ``metric_*`` method of the library takes: aws-cdk-lib's ``MetricOptions``.

Each method has its own default statistic and period (documented on it); any option given
replaces the default, as in aws-cdk-lib's L2 ``metric*`` methods, ``dimensions_map`` included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypedDict

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch

if TYPE_CHECKING:
    from typing_extensions import Unpack


class MetricOptions(TypedDict, total=False):
    """Keyword options of a metric, as ``aws_cdk.aws_cloudwatch.MetricOptions``."""

    account: str
    color: str
    dimensions_map: Mapping[str, str]
    id: str
    label: str
    period: cdk.Duration
    region: str
    stack_account: str
    stack_region: str
    statistic: str
    unit: cloudwatch.Unit
    visible: bool


def make_metric(
    namespace: str,
    metric_name: str,
    dimensions: Mapping[str, str],
    *,
    statistic: str,
    period: cdk.Duration,
    **options: Unpack[MetricOptions],
) -> cloudwatch.Metric:
    """A ``Metric`` with the caller's defaults, overridden by ``options``."""
    props: dict = {"dimensions_map": dict(dimensions), "statistic": statistic, "period": period}
    props.update(options)
    return cloudwatch.Metric(namespace=namespace, metric_name=metric_name, **props)
