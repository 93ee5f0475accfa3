"""``PromptRouter``: an Amazon Bedrock intelligent prompt router between a small and a large
model of one family, so each prompt goes to the small model when it answers well enough.

``AWS::Bedrock::IntelligentPromptRouter`` (cfn-lint's CloudFormation schema, us-east-1) requires
``PromptRouterName``, ``Models``, ``FallbackModel`` and ``RoutingCriteria.ResponseQualityDifference``
(a number from 0 to 100, as botocore's ``RoutingCriteriaResponseQualityDifferenceDouble``); every
property but ``Tags`` is create-only (a change replaces the router). The router picks the
cheaper model when its predicted response quality is within ``ResponseQualityDifference``
percent of the fallback's; Bedrock routers serve two models of one family, from a short list.
"""

from __future__ import annotations

import re
from typing import cast

import aws_cdk as cdk
from aws_cdk import aws_bedrock as bedrock
from aws_cdk import aws_iam as iam
from constructs import Construct

from .. import props
from .models import BedrockModel

QUALITY_DIFFERENCE_RANGE = (0.0, 100.0)
"""``RoutingCriteria.ResponseQualityDifference``: schema minimum and maximum."""
DEFAULT_QUALITY_DIFFERENCE = 10.0
"""Route to the small model when it is predicted within 10% of the large one's quality."""
ROUTABLE_MODELS = frozenset(
    {
        "amazon.nova-lite-v1:0",
        "amazon.nova-pro-v1:0",
        "anthropic.claude-3-haiku-20240307-v1:0",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "anthropic.claude-3-5-sonnet-20241022-v2:0",
        "meta.llama3-1-8b-instruct-v1:0",
        "meta.llama3-1-70b-instruct-v1:0",
    }
)
"""Models (foundation model ids; in-region or through their inference profiles) a prompt router
routes between: Amazon Bedrock user guide, "Understanding intelligent prompt routing"
(prompt-routing.html, supported models table, read 2026-12-05; the default routers pair Claude
3 Haiku with Claude 3.5 Sonnet, and Llama 3.1 8B with 70B). AWS adds models over time:
``allow_unlisted_models`` accepts one added since."""
_NAME = re.compile(r"^([0-9a-zA-Z][ _-]?)+$")
_DESCRIPTION = re.compile(r"^([0-9a-zA-Z:.][ _-]?)+$")


class PromptRouter(Construct):
    """An intelligent prompt router between ``small`` and ``large`` (one family).

    :param small: the model most prompts should go to (:meth:`BedrockModel.smallest`).
    :param large: the model for prompts the small one would answer worse; must be of the same
        family and larger (catalog size rank).
    :param fallback: the model used when the router cannot decide. Default: ``large`` (the
        quality reference the difference is measured against).
    :param response_quality_difference: percent (0-100) of predicted quality the small model may
        lose and still be chosen; higher sends more prompts to the small model. Default: 10.
    :param router_name: the router's name (1-64 letters, digits, single spaces, ``_`` or
        ``-``). Default: the construct's unique id, cut to 64 characters.
    :param description: Default: ``"<small> or <large>"``.
    :param allow_unlisted_models: accept models missing from :data:`ROUTABLE_MODELS` (one AWS
        added to prompt routing after that list was read). Default: False.

    Both models are checked against the stack's region at synth (see :meth:`BedrockModel.bind`).
    """

    router: bedrock.CfnIntelligentPromptRouter
    """The L1 router (also ``node.default_child``)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        small: BedrockModel,
        large: BedrockModel,
        fallback: BedrockModel | None = None,
        response_quality_difference: float = DEFAULT_QUALITY_DIFFERENCE,
        router_name: str | None = None,
        description: str | None = None,
        allow_unlisted_models: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        fallback = large if fallback is None else fallback
        _check_models(small, large, fallback)
        props.instance("allow_unlisted_models", allow_unlisted_models, bool, "True or False")
        if not allow_unlisted_models:
            _check_routable(small=small, large=large)
        low, high = QUALITY_DIFFERENCE_RANGE
        props.real_number(
            self,
            "response_quality_difference",
            response_quality_difference,
            minimum=low,
            maximum=high,
            unit="(percent)",
        )
        for prop, model in (("small", small), ("large", large)):
            model.bind(self, prop=prop)
        if fallback is not large:
            fallback.bind(self, prop="fallback")
        name = props.text(
            self,
            "router_name",
            router_name or cdk.Names.unique_id(self)[-64:],
            pattern=_NAME,
            max_length=64,
            allowed="1-64 letters, digits, and single spaces, '_' or '-' between them",
        )
        description = props.text(
            self,
            "description",
            description or f"{_describe(small)} or {_describe(large)}",
            pattern=_DESCRIPTION,
            max_length=200,
            allowed="1-200 letters, digits, ':' or '.', with single spaces, '_' or '-' between them",
        )
        self.small, self.large, self.fallback = small, large, fallback
        self.router = bedrock.CfnIntelligentPromptRouter(
            self,
            "Router",
            prompt_router_name=name,
            description=description,
            models=[
                bedrock.CfnIntelligentPromptRouter.PromptRouterTargetModelProperty(
                    model_arn=model.model_arn(self)
                )
                for model in (small, large)
            ],
            fallback_model=bedrock.CfnIntelligentPromptRouter.PromptRouterTargetModelProperty(
                model_arn=fallback.model_arn(self)
            ),
            routing_criteria=bedrock.CfnIntelligentPromptRouter.RoutingCriteriaProperty(
                response_quality_difference=response_quality_difference
            ),
        )
        self.node.default_child = self.router

    @property
    def prompt_router_arn(self) -> str:
        """The router's ARN: the ``modelId`` to invoke."""
        return cast(str, self.router.attr_prompt_router_arn)

    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` invoke the router and, through it, its models."""
        arns = [self.prompt_router_arn]
        for model in (self.small, self.large, self.fallback):
            arns.extend(arn for arn in model.invoke_arns(self) if arn not in arns)
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            resource_arns=arns,
        )


def _describe(model: BedrockModel) -> str:
    return re.sub(r"[^0-9a-zA-Z:.]+", "-", model.model_id).strip("-")


def _check_routable(**models: BedrockModel) -> None:
    for prop, model in models.items():
        if model.base_model_id not in ROUTABLE_MODELS:
            raise ValueError(
                f"{prop}: Bedrock prompt routers do not route to {model.model_id}; allowed: "
                f"{', '.join(sorted(ROUTABLE_MODELS))} (or their inference profiles). If AWS "
                "has added it since, pass allow_unlisted_models=True"
            )


def _check_models(small: BedrockModel, large: BedrockModel, fallback: BedrockModel) -> None:
    for prop, model in (("small", small), ("large", large), ("fallback", fallback)):
        props.instance(prop, model, BedrockModel, "a BedrockModel")
    families = {small.family, large.family, fallback.family}
    if len(families) > 1:
        raise ValueError(
            "small, large, fallback: a prompt router routes within one model family, got "
            f"{small.model_id} ({small.family}), {large.model_id} ({large.family}) and "
            f"{fallback.model_id} ({fallback.family})"
        )
    if small.size_rank >= large.size_rank:
        raise ValueError(
            f"small: {small.model_id} (size rank {small.size_rank}) must be smaller than large "
            f"{large.model_id} (size rank {large.size_rank})"
        )
    if fallback.model_id not in (small.model_id, large.model_id):
        raise ValueError(
            f"fallback: {fallback.model_id} must be one of the routed models "
            f"({small.model_id}, {large.model_id})"
        )
