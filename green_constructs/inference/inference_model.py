"""``InferenceModel``: a SageMaker model, its execution role, and the instance type it runs on."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ..catalog import Catalog, CatalogError
from ..catalog.right_sizing import RIGHT_SIZING_METADATA, SizingDecision
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding
from ..props import instance
from .model_source import ContainerConfig, ModelSource, concrete

DEFAULT_FAMILIES = ("inf2",)
_SOURCES = "a ModelSource (HuggingFaceNeuronModel, S3ModelArtifact or CustomImage)"


def check_families(families: object) -> None:
    """Unless ``families`` is a non-empty sequence of family names: TypeError (ValueError for
    an empty one) naming it."""
    allowed = "a non-empty sequence of instance families like ('inf2',)"
    if (
        isinstance(families, str)
        or not isinstance(families, Sequence)
        or not all(isinstance(family, str) and family for family in families)
    ):
        raise TypeError(f"families must be {allowed}, got {families!r}")
    if not families:
        raise ValueError(f"families must be {allowed}, got {families!r}")


class InferenceModel(Construct):
    """The model behind an endpoint or transform job, with a least-privilege execution role.

    :param source: the model (:class:`~green_constructs.inference.HuggingFaceNeuronModel`,
        :class:`~green_constructs.inference.S3ModelArtifact`,
        :class:`~green_constructs.inference.CustomImage`).
    :param instance_type: the SageMaker instance type. Default: the smallest instance of
        ``families`` that holds the model (right-sizing; needs a source that knows its size).
    :param families: instance families right-sizing may choose from. Default: ``("inf2",)``.
    :param network_isolation: run the container without network access. Default: False (Hugging
        Face images download weights from the Hub unless they are in S3). A source that needs the
        network to start (``HuggingFaceNeuronModel`` without ``model_bucket``/``model_key``)
        fails with it.
    """

    sizing: SizingDecision | None
    """How the instance type was chosen when right-sizing chose it; None for a given type."""
    role: iam.Role
    """The execution role the serving container runs with."""
    cfn_model: sagemaker.CfnModel
    """The L1 ``AWS::SageMaker::Model`` (also ``node.default_child``)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source: ModelSource,
        instance_type: str | None = None,
        families: Sequence[str] = DEFAULT_FAMILIES,
        network_isolation: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        if not isinstance(source, ModelSource):
            raise TypeError(f"source must be {_SOURCES}, got {source!r}")
        if instance_type is not None:
            instance(
                "instance_type",
                instance_type,
                str,
                "a SageMaker instance type like 'ml.inf2.xlarge'",
            )
            concrete("instance_type", instance_type, "it is checked against the model at synth")
        check_families(families)
        instance("network_isolation", network_isolation, bool, "True or False")
        if network_isolation and source.network_requirement:
            raise ValueError(
                f"network_isolation=True leaves the container without network access, but "
                f"{source.network_requirement} (or set network_isolation=False)"
            )
        self.sizing = None
        if instance_type is None:
            self.sizing = source.right_size(families=tuple(families))
            if self.sizing is None:
                raise ValueError(
                    "instance_type is required: this model source does not know the model's "
                    "size, so it cannot be right-sized"
                )
            instance_type = self.sizing.instance_type
        try:
            Catalog.default().instance(instance_type)
        except CatalogError as error:
            raise ValueError(f"instance_type: {error}") from None
        self.instance_type: str = instance_type
        self.role = iam.Role(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description="Runs the SageMaker model's serving container",
        )
        self._grant_logs_and_metrics()
        container = source.bind(self, instance_type=instance_type, role=self.role)
        self.container = container
        self.cfn_model = sagemaker.CfnModel(
            self,
            "Model",
            execution_role_arn=self.role.role_arn,
            enable_network_isolation=network_isolation,
            primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                image=container.image,
                environment=dict(container.environment) or None,
                **_model_data(container),
            ),
        )
        self.cfn_model.node.add_dependency(self.role)
        self.node.default_child = self.cfn_model
        if self.sizing is not None:
            self.cfn_model.add_metadata(RIGHT_SIZING_METADATA, self.sizing.to_metadata())

    @property
    def model_name(self) -> str:
        """The SageMaker model's name."""
        return self.cfn_model.attr_model_name

    def _grant_logs_and_metrics(self) -> None:
        stack = cdk.Stack.of(self)
        log_groups = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name="/aws/sagemaker/*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_groups],
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={
                    "StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "AWS/SageMaker"]}
                },
            )
        )
        acknowledge(
            self.role,
            "AwsSolutions-IAM5",
            "SageMaker containers write to log groups it names per endpoint or job under "
            "/aws/sagemaker/, ECR's GetAuthorizationToken and CloudWatch's PutMetricData take no "
            "resource (PutMetricData is limited to SageMaker namespaces by condition).",
            applies_to=[
                resource_finding(self, log_groups),
                "Resource::*",
            ],
        )


def _model_data(container: ContainerConfig) -> dict:
    """``ModelDataUrl`` for an archive; ``ModelDataSource`` for a prefix (URL ending with '/'),
    which SageMaker copies uncompressed."""
    url = container.model_data_url
    if url is None or not url.endswith("/"):
        return {"model_data_url": url}
    return {
        "model_data_source": sagemaker.CfnModel.ModelDataSourceProperty(
            s3_data_source=sagemaker.CfnModel.S3DataSourceProperty(
                s3_uri=url, s3_data_type="S3Prefix", compression_type="None"
            )
        )
    }
