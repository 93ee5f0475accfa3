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


class MetricOptionsExceptRegion(TypedDict, total=False):
    """``MetricOptions`` but ``region``: the keywords of a method whose own ``region`` is a
    dimension of the metric, not the region it is read from."""

    account: str
    color: str
    dimensions_map: Mapping[str, str]
    id: str
    label: str
    period: cdk.Duration
    stack_account: str
    stack_region: str
    statistic: str
    unit: cloudwatch.Unit
    visible: bool


class MetricOptions(MetricOptionsExceptRegion, total=False):
    """Keyword options of a metric, as ``aws_cdk.aws_cloudwatch.MetricOptions``."""

    region: str


def with_defaults(options: MetricOptions, **defaults: Unpack[MetricOptions]) -> MetricOptions:
    """``defaults`` with any option of ``options`` in their place (a new dict)."""
    return {**defaults, **options}


def make_metric(
    namespace: str,
    metric_name: str,
    dimensions: Mapping[str, str],
    **options: Unpack[MetricOptions],
) -> cloudwatch.Metric:
    """A ``Metric`` of ``dimensions``; ``options`` (the caller's defaults merged in with
    ``with_defaults``) go to ``Metric`` as given, ``dimensions_map`` replacing ``dimensions``."""
    props = with_defaults(options, dimensions_map=dict(dimensions))
    return cloudwatch.Metric(namespace=namespace, metric_name=metric_name, **props)
