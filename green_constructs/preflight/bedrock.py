"""Amazon Bedrock models a template names, and the regions that offer them.

The facts are the catalog's hand-transcribed table ``catalog/data/bedrock_models.csv`` (the one
:mod:`green_constructs.bedrock.models` reads; read again here without importing the CDK, so the
lint and preflight stay light): per model id, whether batch inference takes it and the regions
offering it in-region. Every row says its confidence is medium or low and several say more
regions offer the model than are listed, so a region the table does not list is ``unknown``,
never a blocker; a model outside the table is ``unknown`` everywhere.

Models are named by:

- ``AWS::Bedrock::KnowledgeBase``: the embedding model
  (``KnowledgeBaseConfiguration.VectorKnowledgeBaseConfiguration.EmbeddingModelArn``);
- ``AWS::Bedrock::Agent``: ``FoundationModel`` (an id or an ARN);
- ``AWS::Bedrock::IntelligentPromptRouter``: ``Models[].ModelArn`` and
  ``FallbackModel.ModelArn``;
- ``AWS::Bedrock::Flow``: the ``modelId`` of prompt and knowledge-base nodes of an inline
  ``Definition``;
- ``AWS::StepFunctions::StateMachine``: the ``ModelId`` of ``bedrock:createModelInvocationJob``
  (batch inference: the model must take batch jobs) and ``bedrock:invokeModel`` tasks.

A model id with a geography prefix (``us.``, ``eu.``...) is a cross-region inference profile:
it serves the regions of its geography (:data:`green_constructs.bedrock.models.GEOGRAPHIES`,
imported only when a template names a profile). Custom, imported and provisioned model ARNs are
not checked. Property names from cfn-lint's ``AWS::Bedrock::*`` schemas.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from ..rules.context import TemplateContext
from ..rules.genai._compute import BEDROCK_MODEL_TYPES
from ..rules.model import Resource
from ..rules.training_jobs import bedrock_model_tasks, is_unknown

TABLE = Path(__file__).resolve().parent.parent / "catalog" / "data" / "bedrock_models.csv"
TABLE_NAME = "bedrock_models.csv"
BEDROCK_TYPES = BEDROCK_MODEL_TYPES
_MODEL_IN_ARN = re.compile(r":(?:foundation-model|inference-profile)/([A-Za-z0-9._:-]+)$")
_MODEL_ID = re.compile(r"^[a-z0-9-]+\.[A-Za-z0-9._:-]+$")
_PROFILE_PREFIXES = ("us", "us-gov", "eu", "apac", "jp", "au", "global")
"""Prefixes of cross-region inference profile ids (those of ``GEOGRAPHIES``)."""


class ModelRow(NamedTuple):
    """What preflight reads of a ``bedrock_models.csv`` row."""

    model_id: str
    batch_inference: bool
    regions: tuple[str, ...]
    confidence: str
    retrieved: str


class ModelUse(NamedTuple):
    """A model a resource names: where (a property path or a state name), the id as written
    (an inference profile keeps its prefix) and whether a batch inference job uses it."""

    where: str
    model_id: str
    batch: bool = False


@lru_cache(maxsize=1)
def model_table() -> Mapping[str, ModelRow]:
    """The table's rows by model id."""
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return {
            row["model_id"]: ModelRow(
                row["model_id"],
                row["batch_inference"] == "yes",
                tuple(row["regions"].split()),
                row["confidence"],
                row["retrieved"],
            )
            for row in csv.DictReader(handle)
        }


def split_profile(model_id: str) -> tuple[str | None, str]:
    """``(geography, foundation model id)``: ``("us", "amazon.nova-micro-v1:0")`` for the
    inference profile ``us.amazon.nova-micro-v1:0``, ``(None, model_id)`` otherwise."""
    prefix, _, rest = model_id.partition(".")
    if prefix in _PROFILE_PREFIXES and rest and _MODEL_ID.match(rest):
        return prefix, rest
    return None, model_id


def profile_serves(geography: str, region: str) -> bool:
    """Whether the inference profiles of ``geography`` serve ``region``."""
    from ..bedrock.models import GEOGRAPHIES  # imports the CDK: only for templates with profiles

    starts = GEOGRAPHIES.get(geography)
    return starts is not None and region.startswith(starts)


def model_uses(resource: Resource, context: TemplateContext) -> Iterator[ModelUse]:
    """The Bedrock models ``resource`` names, as far as the template tells."""
    kind = resource.type
    if kind == "AWS::Bedrock::KnowledgeBase":
        path = "KnowledgeBaseConfiguration.VectorKnowledgeBaseConfiguration.EmbeddingModelArn"
        yield from _use(path, resource.get(path))
    elif kind == "AWS::Bedrock::Agent":
        yield from _use("FoundationModel", resource.get("FoundationModel"))
    elif kind == "AWS::Bedrock::IntelligentPromptRouter":
        models = resource.get("Models")
        for index, model in enumerate(models if isinstance(models, list) else ()):
            if isinstance(model, dict):
                yield from _use(f"Models[{index}].ModelArn", model.get("ModelArn"))
        yield from _use("FallbackModel.ModelArn", resource.get("FallbackModel.ModelArn"))
    elif kind == "AWS::Bedrock::Flow":
        yield from _flow_models(resource.get("Definition.Nodes"))
    elif kind == "AWS::StepFunctions::StateMachine":
        for task in bedrock_model_tasks(resource, context):
            for key in ("ModelId", "modelId"):
                for use in _use(f"state {task.name}", task.get(key)):
                    yield use._replace(batch=task.kind == "bedrock-batch")


def _flow_models(nodes: Any) -> Iterator[ModelUse]:
    for node in nodes if isinstance(nodes, list) else ():
        configuration = node.get("Configuration") if isinstance(node, dict) else None
        if not isinstance(configuration, dict):
            continue
        name = node.get("Name", "?")
        prompt = configuration.get("Prompt")
        if isinstance(prompt, dict):
            inline = prompt.get("SourceConfiguration", {}).get("Inline")
            if isinstance(inline, dict):
                yield from _use(f"node {name}", inline.get("ModelId"))
        base = configuration.get("KnowledgeBase")
        if isinstance(base, dict):
            yield from _use(f"node {name}", base.get("ModelId"))


def _use(where: str, value: Any) -> Iterator[ModelUse]:
    model_id = model_id_of(value)
    if model_id is not None:
        yield ModelUse(where, model_id)


def model_id_of(value: Any) -> str | None:
    """The model id in a model id or a foundation-model or inference-profile ARN, as a
    string or as the ``Fn::Join`` CDK writes (``arn:``, the partition, the rest); ``None``
    for other ARNs (custom, provisioned, imported models) and values the template does not
    decide."""
    text = _text(value)
    if text is None or is_unknown(text):
        return None
    if text.startswith("arn:"):
        match = _MODEL_IN_ARN.search(text)
        return match.group(1) if match else None
    return text if _MODEL_ID.match(text) else None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("Fn::Join"), list):
        joined = value["Fn::Join"]
        if len(joined) == 2 and joined[0] == "" and isinstance(joined[1], list):
            parts = joined[1]
            # the model id sits in the last literal: tokens before it (partition, region,
            # account) do not change it
            if parts and isinstance(parts[-1], str):
                return "arn:" + parts[-1] if "/" in parts[-1] else None
    return None
