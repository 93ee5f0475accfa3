"""Serve new weights on an existing endpoint from a Step Functions workflow.

:class:`EndpointModelUpdate` builds three SageMaker SDK-integration states: ``CreateModel`` (the
endpoint's container and role, with the weights found at a JSON path of the execution state,
such as a training job's ``ModelArtifacts.S3ModelArtifacts``), ``CreateEndpointConfig`` (the
endpoint's own config, read from its L1, on the new model) and ``UpdateEndpoint`` (keeping the
variant's instance count). The endpoint keeps its name and its scaling; an asynchronous
endpoint that scaled to zero stays at zero until a request arrives, so nothing idles while a
model trains. A later stack deployment puts the endpoint back on the config in the template:
deploy the stack before the next training run, or pass the new weights to the model source.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from ..job_workflow import execution_hash, retry_api_errors
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding
from ..props import implements, instance, text
from .endpoint_scaling import inference_ami_version
from .inference_model import InferenceModel
from .model_source import grant_model_data_read

MAX_NAME_PREFIX = 30
"""63 (SageMaker's name limit) - 32 (MD5 of the execution name) - 1 hyphen."""
_JSON_PATH = re.compile(r"\$(\.[\w-]+|\[\d+\])*")
_KEY_PREFIX = re.compile(r"[^/*][^*]*")
_KEYS = {"VolumeSizeInGb": "VolumeSizeInGB"}  # CloudFormation's camelCase -> the API's names


class ServedEndpoint(Protocol):
    """What the step needs of an endpoint construct (asynchronous or real-time)."""

    model: InferenceModel
    cfn_endpoint: sagemaker.CfnEndpoint
    cfn_endpoint_config: sagemaker.CfnEndpointConfig


class EndpointModelUpdate(Construct):
    """Workflow states serving the weights at ``model_data_path`` on ``endpoint``.

    ``chain`` is ``CreateModel`` -> ``CreateEndpointConfig`` -> ``UpdateEndpoint``, each
    retried with backoff when SageMaker throttles; chain it after the state that produces the
    weights. Model and config names are ``<name_prefix>-<MD5 of the execution name>``; the
    state machine's role may create only those, pass only the model's role, and update only
    this endpoint (call :meth:`acknowledge` on that role for cdk-nag's wildcard findings).

    :param endpoint: the endpoint (asynchronous or real-time) to update.
    :param model_data_path: JSON path of the S3 URI of the weights in the execution state
        (``$.training.ModelArtifacts.S3ModelArtifacts`` after a training task).
    :param model_data_bucket: the bucket holding them.
    :param model_data_prefix: the key prefix holding them: the model's role may read only
        that prefix of the bucket. Default: the whole bucket (``*``).
    :param compressed: the weights are a ``model.tar.gz`` (``ModelDataUrl``); False: an
        uncompressed S3 prefix (``ModelDataSource``, ``S3Prefix``). Default: True.
    """

    name_prefix: str
    """Start of the names of the models and endpoint configs the workflow creates (lower case)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint: ServedEndpoint,
        model_data_path: str,
        model_data_bucket: s3.IBucket,
        model_data_prefix: str = "",
        compressed: bool = True,
    ) -> None:
        super().__init__(scope, construct_id)
        _check_props(
            self,
            endpoint=endpoint,
            model_data_path=model_data_path,
            model_data_bucket=model_data_bucket,
            model_data_prefix=model_data_prefix,
            compressed=compressed,
        )
        model = endpoint.model
        # SageMaker ARNs name resources in lower case: so do these names, for the IAM scopes
        self.name_prefix = cdk.Names.unique_resource_name(
            self, max_length=MAX_NAME_PREFIX, separator="-"
        ).lower()
        name = sfn.JsonPath.format("{}-{}", self.name_prefix, execution_hash())
        grant_model_data_read(model.role, model_data_bucket, f"{model_data_prefix}*")
        location = sfn.JsonPath.string_at(model_data_path)
        container: dict[str, Any] = {
            "Image": model.container.image,
            "Environment": dict(
                model.container.model_dir_environment or model.container.environment
            ),
        }
        if compressed:
            container["ModelDataUrl"] = location
        else:
            container["ModelDataSource"] = {
                "S3DataSource": {
                    "S3Uri": location,
                    "S3DataType": "S3Prefix",
                    "CompressionType": "None",
                }
            }
        create_model = tasks.CallAwsService(
            self,
            "CreateModel",
            state_name=f"{construct_id}CreateModel",
            service="sagemaker",
            action="createModel",
            parameters={
                "ModelName": name,
                "ExecutionRoleArn": model.role.role_arn,
                "PrimaryContainer": container,
                "EnableNetworkIsolation": model.cfn_model.enable_network_isolation or False,
            },
            iam_resources=[self._arn("model")],
            additional_iam_statements=[
                iam.PolicyStatement(
                    actions=["iam:PassRole"],
                    resources=[model.role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
                )
            ],
            result_path=sfn.JsonPath.DISCARD,
        )
        create_config = tasks.CallAwsService(
            self,
            "CreateEndpointConfig",
            state_name=f"{construct_id}CreateEndpointConfig",
            service="sagemaker",
            action="createEndpointConfig",
            parameters={"EndpointConfigName": name, **_config_request(endpoint, name)},
            iam_resources=[self._arn("endpoint-config")],
            result_path=sfn.JsonPath.DISCARD,
        )
        update = tasks.CallAwsService(
            self,
            "UpdateEndpoint",
            state_name=f"{construct_id}UpdateEndpoint",
            service="sagemaker",
            action="updateEndpoint",
            parameters={
                "EndpointName": endpoint.cfn_endpoint.attr_endpoint_name,
                "EndpointConfigName": name,
                "RetainAllVariantProperties": True,
            },
            iam_resources=[endpoint.cfn_endpoint.ref, self._arn("endpoint-config")],
            result_path=sfn.JsonPath.DISCARD,
        )
        self._states = (create_model, create_config, update)
        for state in self._states:
            retry_api_errors(state)
        self.chain: sfn.Chain = create_model.next(create_config).next(update)

    def add_catch(self, handler: sfn.IChainable) -> None:
        """Send any failure of the states to ``handler``, with the error at ``$.failure``."""
        for state in self._states:
            state.add_catch(handler, errors=["States.ALL"], result_path="$.failure")

    def _arn(self, resource: str) -> str:
        return cdk.Stack.of(self).format_arn(
            service="sagemaker", resource=resource, resource_name=f"{self.name_prefix}-*"
        )

    def acknowledge(self, role: iam.IRole) -> None:
        """Acknowledge the wildcard findings the states give ``role`` (the state machine's):
        model and config names are made per execution at run time."""
        if not isinstance(role, Construct):
            return
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "Model and endpoint config names are made per execution at run time, so the "
            f"workflow creates model/{self.name_prefix}-* and "
            f"endpoint-config/{self.name_prefix}-* only.",
            applies_to=[
                resource_finding(role, self._arn("model")),
                resource_finding(role, self._arn("endpoint-config")),
            ],
        )


def _check_props(
    scope: Construct,
    *,
    endpoint: object,
    model_data_path: object,
    model_data_bucket: object,
    model_data_prefix: object,
    compressed: object,
) -> None:
    implements(
        "endpoint",
        endpoint,
        "cfn_endpoint_config",
        "an AsyncInferenceEndpoint or RealtimeEndpoint",
    )
    text(
        scope,
        "model_data_path",
        model_data_path,
        pattern=_JSON_PATH,
        allowed="a JSON path of the execution state like '$.training.ModelArtifacts.S3ModelArtifacts'",
    )
    implements("model_data_bucket", model_data_bucket, "arn_for_objects", "an s3.IBucket")
    if model_data_prefix != "":
        text(
            scope,
            "model_data_prefix",
            model_data_prefix,
            pattern=_KEY_PREFIX,
            allowed="an S3 key prefix (no leading '/', no '*'), or '' for the whole bucket",
        )
    instance("compressed", compressed, bool, "True or False")


def _config_request(endpoint: ServedEndpoint, model_name: str) -> dict[str, Any]:
    """The endpoint config's properties as CreateEndpointConfig takes them, on ``model_name``."""
    config = endpoint.cfn_endpoint_config
    stack = cdk.Stack.of(config)
    request: dict[str, Any] = {}
    for key, value in (
        ("ProductionVariants", config.production_variants),
        ("AsyncInferenceConfig", config.async_inference_config),
        ("DataCaptureConfig", config.data_capture_config),
        ("KmsKeyId", config.kms_key_id),
    ):
        if value is not None:
            request[key] = _api(stack.resolve(value))
    for variant in request["ProductionVariants"]:
        variant["ModelName"] = model_name
        ami = inference_ami_version(variant["InstanceType"])
        if ami is not None:
            variant["InferenceAmiVersion"] = ami
    return request


def _api(value: Any) -> Any:
    """Resolved L1 properties -> API names, intrinsics back to tokens for the definition."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("Ref", "Fn::GetAtt", "Fn::Join"):
            return cdk.Token.as_string(value)
        return {_key(k): _api(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_api(v) for v in value]
    return value


def _key(camel: str) -> str:
    pascal = camel[:1].upper() + camel[1:]
    return _KEYS.get(pascal, pascal)
