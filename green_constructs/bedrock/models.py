"""``BedrockModel``: an Amazon Bedrock model chosen from the catalog, smallest first.

The catalog table ``catalog/data/bedrock_models.csv`` lists, per model id, its provider, family,
size rank within the family (1 = smallest), modalities (ListFoundationModels' ``ModelModality``
values), whether batch inference (``CreateModelInvocationJob``) takes it, and the regions
offering it in-region. It is hand-transcribed, with its source pages and date per row: botocore
ships no model list, and the machine-readable source, ``ListFoundationModels``, needs an
account. Models the table does not list are refused (the message lists those it does).

A model id with a geography prefix (``us.``, ``eu.``, ``apac.``, ``global.``) is a cross-region
inference profile: the stack's region must be in its geography, and the requests go to the
foundation model in any region of it.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from constructs import Construct

from ..availability import NotOfferedError, not_offered_message, note_unchecked
from ..catalog import Catalog

TABLE = Path(__file__).resolve().parent.parent / "catalog" / "data" / "bedrock_models.csv"
MODEL_METADATA = "green-constructs:bedrock-model"
"""Construct metadata key under which a bound model, its choice and parameters are recorded."""
GEOGRAPHIES: Mapping[str, tuple[str, ...]] = {
    "us": ("us-east-", "us-west-"),
    "us-gov": ("us-gov-",),
    "eu": ("eu-",),
    "apac": ("ap-",),
    "jp": ("ap-northeast-1", "ap-northeast-3"),
    "au": ("ap-southeast-2", "ap-southeast-4"),
    "global": ("",),
}
"""Cross-region inference profile prefixes and the region name prefixes they serve from
(the user guide's "Supported Regions and models for inference profiles"; ``jp`` and ``au`` as
transcribed 2026-12-05, the source regions of a profile can be fewer: Bedrock refuses others)."""
CAPABILITIES = {"text": "TEXT", "embedding": "EMBEDDING", "image": "IMAGE"}
"""``capability`` of :meth:`BedrockModel.smallest` -> output modality (ListFoundationModels)."""


@dataclass(frozen=True)
class ModelRecord:
    """One row of ``bedrock_models.csv``."""

    model_id: str
    provider: str
    family: str
    size_rank: int
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    batch_inference: bool
    regions: tuple[str, ...]
    confidence: str
    notes: str
    source: str
    retrieved: str


@lru_cache(maxsize=1)
def bedrock_models() -> tuple[ModelRecord, ...]:
    """The catalog's Bedrock models, in table order (within a size rank, newer first)."""
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            ModelRecord(
                model_id=row["model_id"],
                provider=row["provider"],
                family=row["family"],
                size_rank=int(row["size_rank"]),
                input_modalities=tuple(row["input_modalities"].split()),
                output_modalities=tuple(row["output_modalities"].split()),
                batch_inference=row["batch_inference"] == "yes",
                regions=tuple(row["regions"].split()),
                confidence=row["confidence"],
                notes=row["notes"],
                source=row["source"],
                retrieved=row["retrieved"],
            )
            for row in csv.DictReader(handle)
        )


def _record(model_id: str) -> ModelRecord | None:
    return next((each for each in bedrock_models() if each.model_id == model_id), None)


def _allowed_ids() -> str:
    return ", ".join(each.model_id for each in bedrock_models())


@dataclass(frozen=True)
class InferenceParameters:
    """Sampling settings recorded with a model (Bedrock applies them per request, so they
    go into each request body or Converse ``inferenceConfig``; see :meth:`converse_config`).

    :param temperature: 0-1; low for extraction and summaries. Default: 0.2.
    :param top_p: 0-1 nucleus sampling. Default: unset (providers advise changing temperature
        or top_p, not both).
    :param top_k: whole number >= 1 where the model takes it. Default: unset.
    :param max_tokens: output token limit, >= 1: the main lever on energy per request.
        Default: 512.
    """

    temperature: float = 0.2
    top_p: float | None = None
    top_k: int | None = None
    max_tokens: int = 512

    def __post_init__(self) -> None:
        _check_fraction("temperature", self.temperature)
        if self.top_p is not None:
            _check_fraction("top_p", self.top_p)
        for name, value in (("top_k", self.top_k), ("max_tokens", self.max_tokens)):
            if value is None and name == "top_k":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")

    def to_metadata(self) -> dict[str, Any]:
        """The set parameters, by name."""
        values = {
            "temperature": self.temperature,
            "top_p": self.top_p,
            "top_k": self.top_k,
            "max_tokens": self.max_tokens,
        }
        return {name: value for name, value in values.items() if value is not None}

    def converse_config(self) -> dict[str, Any]:
        """The Converse API's ``inferenceConfig`` (``top_k`` is model-specific: not in it)."""
        config: dict[str, Any] = {"maxTokens": self.max_tokens, "temperature": self.temperature}
        if self.top_p is not None:
            config["topP"] = self.top_p
        return config


def _check_fraction(name: str, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not 0 <= value <= 1
    ):
        raise ValueError(f"{name} must be a number from 0 to 1, got {value!r}")


@dataclass(frozen=True)
class BedrockModel:
    """A catalog model (or a cross-region inference profile of one) with inference parameters.

    Build it with :meth:`of` or :meth:`smallest`; constructs that use it call :meth:`bind`,
    which checks the stack's region at synth and records the choice in construct metadata.
    """

    record: ModelRecord
    geography: str | None = None
    inference_parameters: InferenceParameters = field(default_factory=InferenceParameters)
    chosen_by: str = "of"

    @classmethod
    def of(
        cls,
        model_id: str,
        *,
        temperature: float = 0.2,
        top_p: float | None = None,
        top_k: int | None = None,
        max_tokens: int = 512,
    ) -> BedrockModel:
        """The model ``model_id`` (``amazon.nova-micro-v1:0``), or a cross-region inference
        profile of it (``us.amazon.nova-micro-v1:0``). Fails naming ``model_id`` and listing
        the catalog's ids when the catalog does not list it. Parameters: see
        :class:`InferenceParameters`."""
        if not isinstance(model_id, str) or cdk.Token.is_unresolved(model_id):
            raise ValueError(f"model_id must be a literal model id, got {model_id!r}")
        geography, _, rest = model_id.partition(".")
        if geography in GEOGRAPHIES and _record(rest) is not None:
            base: str = rest
        else:
            geography, base = "", model_id
        record = _record(base)
        if record is None:
            raise ValueError(
                f"model_id: {model_id!r} is not in the Bedrock model catalog "
                f"(bedrock_models.csv); allowed: {_allowed_ids()} (or a cross-region inference "
                f"profile of one: {', '.join(p + '.' for p in GEOGRAPHIES)})"
            )
        params = InferenceParameters(
            temperature=temperature, top_p=top_p, top_k=top_k, max_tokens=max_tokens
        )
        return cls(record=record, geography=geography or None, inference_parameters=params)

    @classmethod
    def smallest(
        cls,
        family: str = "amazon.nova",
        capability: str = "text",
        *,
        region: str | None = None,
        batch_inference: bool = False,
        temperature: float = 0.2,
        top_p: float | None = None,
        top_k: int | None = None,
        max_tokens: int = 512,
    ) -> BedrockModel:
        """The smallest model of ``family`` whose output is ``capability`` (``text``,
        ``embedding``, ``image``), offered in ``region`` when given and taking batch inference
        when ``batch_inference``; within a size rank the newer model (listed first).

        :param family: ``amazon.nova``, ``anthropic.claude``, ``meta.llama``, ``mistral``,
            ``amazon.titan-embed``. Default: ``amazon.nova``.
        """
        families = sorted({each.family for each in bedrock_models()})
        if family not in families:
            raise ValueError(f"family: {family!r} is not in the catalog; allowed: {families}")
        if capability not in CAPABILITIES:
            raise ValueError(f"capability: {capability!r} is not one of {sorted(CAPABILITIES)}")
        candidates = [
            each
            for each in bedrock_models()
            if each.family == family
            and CAPABILITIES[capability] in each.output_modalities
            and (region is None or cdk.Token.is_unresolved(region) or region in each.regions)
            and (each.batch_inference or not batch_inference)
        ]
        if not candidates:
            where = f" in {region}" if region else ""
            batch = " with batch inference" if batch_inference else ""
            raise ValueError(f"family: no {capability} model of {family}{where}{batch}")
        record = min(candidates, key=lambda each: each.size_rank)
        params = InferenceParameters(
            temperature=temperature, top_p=top_p, top_k=top_k, max_tokens=max_tokens
        )
        return cls(record=record, inference_parameters=params, chosen_by="smallest")

    @property
    def model_id(self) -> str:
        """The id given to Bedrock: the inference profile id when there is one."""
        return f"{self.geography}.{self.base_model_id}" if self.geography else self.base_model_id

    @property
    def base_model_id(self) -> str:
        """The foundation model's id."""
        return self.record.model_id

    @property
    def family(self) -> str:
        """The catalog family (``anthropic.claude``)."""
        return self.record.family

    @property
    def size_rank(self) -> int:
        """1 for the family's smallest model."""
        return self.record.size_rank

    @property
    def is_inference_profile(self) -> bool:
        """True for a cross-region inference profile."""
        return self.geography is not None

    def model_arn(self, scope: Construct) -> str:
        """The ARN naming this model in the stack's region: the foundation model's
        (``arn:<partition>:bedrock:<region>::foundation-model/<id>``) or the inference
        profile's (``...:<account>:inference-profile/<id>``)."""
        stack = cdk.Stack.of(scope)
        if self.is_inference_profile:
            return stack.format_arn(
                service="bedrock", resource="inference-profile", resource_name=self.model_id
            )
        return self._foundation_model_arn(stack, stack.region)

    def invoke_arns(self, scope: Construct) -> list[str]:
        """What ``bedrock:InvokeModel`` needs: the model's ARN, and for an inference profile
        the foundation model in every region (the profile routes within its geography)."""
        arns = [self.model_arn(scope)]
        if self.is_inference_profile:
            arns.append(self._foundation_model_arn(cdk.Stack.of(scope), "*"))
        return arns

    def _foundation_model_arn(self, stack: cdk.Stack, region: str) -> str:
        return stack.format_arn(
            service="bedrock",
            resource="foundation-model",
            resource_name=self.base_model_id,
            account="",
            region=region,
        )

    def bind(self, scope: Construct, *, prop: str = "model", batch_inference: bool = False) -> None:
        """Check the model against the stack's region (and batch inference support) at synth,
        naming ``prop`` in any failure, and record the choice in ``scope``'s metadata.

        Environment-agnostic stacks are not checked for the region: the template's metadata
        says so (``green-constructs:availability-not-checked``).
        """
        if batch_inference and not self.record.batch_inference:
            batch_ids = [each.model_id for each in bedrock_models() if each.batch_inference]
            raise ValueError(
                f"{prop}: {self.model_id} does not take batch inference per the catalog; "
                f"allowed: {', '.join(batch_ids)}"
            )
        stack = cdk.Stack.of(scope)
        region = stack.region
        if cdk.Token.is_unresolved(region):
            note_unchecked(stack, f"Amazon Bedrock model {self.model_id}")
        elif self.is_inference_profile:
            starts = GEOGRAPHIES[self.geography or ""]
            if not region.startswith(starts):
                raise NotOfferedError(
                    f"{prop}: the inference profile {self.model_id} serves {self.geography} "
                    f"regions, not {region}"
                )
        elif region not in self.record.regions:
            offering = Catalog.default().greenest_first(self.record.regions)
            raise NotOfferedError(
                not_offered_message(prop, f"Amazon Bedrock model {self.model_id}", region, offering)
                + f" (bedrock_models.csv, {self.record.retrieved}; a cross-region inference "
                "profile such as us. or eu. may serve other regions)"
            )
        scope.node.add_metadata(MODEL_METADATA, self.to_metadata(prop))

    def to_metadata(self, prop: str = "model") -> dict[str, Any]:
        """What is recorded about the choice: the id, how it was chosen, the parameters and
        the catalog row's source."""
        return {
            "property": prop,
            "model_id": self.model_id,
            "family": self.family,
            "size_rank": self.size_rank,
            "chosen_by": self.chosen_by,
            "inference_parameters": self.inference_parameters.to_metadata(),
            "catalog": f"bedrock_models.csv ({self.record.retrieved}; {self.record.source})",
        }
