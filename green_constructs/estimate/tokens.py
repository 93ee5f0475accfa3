"""Energy of Amazon Bedrock tokens: shared capacity, estimated per 1,000 tokens.

AWS publishes no energy figure for Bedrock. The catalog's figures (``constants.csv``, ranges in
``assumption_ranges.csv``) are per 1,000 input and per 1,000 output tokens for four size
classes (``small``: 10B active parameters or fewer; ``medium``: 10B-100B; ``large``: above
100B or undisclosed; ``embedding``), at the server boundary (accelerators, host, idle reserve)
from public measurements, before the data centre's PUE, which is applied here. Batch inference
(``CreateModelInvocationJob``) is taken to use ``bedrock_batch_energy_ratio`` of the energy per
token: larger batches. A model maps to its class by the longest id prefix of
``bedrock_model_sizes.csv`` (cross-region inference profile prefixes such as ``us.`` removed);
a model it does not list is counted as ``large`` and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..catalog import Catalog
from ..catalog.loader import load_bedrock_model_sizes
from .footprint import Coefficient, _grid_coefficient

SIZE_CLASSES = ("small", "medium", "large", "embedding")
UNLISTED = "large"
_PROFILE_PREFIXES = ("us-gov.", "global.", "apac.", "us.", "eu.", "jp.", "au.", "ca.")
"""Geography prefixes of Bedrock's cross-region inference profile ids (``us.amazon.nova-lite-v1:0``)."""


@dataclass(frozen=True)
class ModelClass:
    """A Bedrock model's size class and why."""

    model: str
    size_class: str
    active_parameters_billion: float | None
    basis: str
    source: str


@lru_cache(maxsize=1)
def _table() -> tuple[ModelClass, ...]:
    rows = (
        ModelClass(
            model=row["model"],
            size_class=row["size_class"],
            active_parameters_billion=(
                float(row["active_parameters_billion"])
                if row["active_parameters_billion"]
                else None
            ),
            basis=row["basis"],
            source=row["source"],
        )
        for row in load_bedrock_model_sizes()
    )
    return tuple(sorted(rows, key=lambda row: -len(row.model)))  # longest prefix first


def base_model_id(model_id: str) -> str:
    """``amazon.nova-lite-v1:0`` from ``us.amazon.nova-lite-v1:0`` or a foundation-model ARN."""
    model_id = model_id.rpartition("/")[2]
    for prefix in _PROFILE_PREFIXES:
        if model_id.startswith(prefix):
            return model_id[len(prefix) :]
    return model_id


def model_class(model_id: str) -> ModelClass:
    """The size class of ``model_id`` (an id, an inference profile id or an ARN)."""
    base = base_model_id(model_id)
    for row in _table():
        if base.startswith(row.model):
            return row
    return ModelClass(
        model=base,
        size_class=UNLISTED,
        active_parameters_billion=None,
        basis=f"not in bedrock_model_sizes.csv: counted as {UNLISTED}",
        source="assumption",
    )


@dataclass(frozen=True)
class TokenFootprint:
    """Energy and emissions of a month of Bedrock tokens for one model."""

    model: ModelClass
    kwh: float
    kgco2e: float
    coefficients: tuple[Coefficient, ...]


def token_footprint(
    model_id: str,
    *,
    input_tokens: float,
    output_tokens: float,
    region: str,
    batch: bool = False,
    catalog: Catalog | None = None,
) -> TokenFootprint:
    """``(input / 1000 x Wh in + output / 1000 x Wh out) x batch ratio x PUE`` for a month's
    ``input_tokens`` and ``output_tokens`` of ``model_id`` in ``region``."""
    if input_tokens < 0 or output_tokens < 0:
        raise ValueError(f"tokens must be >= 0, got {input_tokens} in, {output_tokens} out")
    catalog = catalog or Catalog.default()
    found = model_class(model_id)
    if found.size_class == "embedding" and output_tokens:
        raise ValueError(f"{model_id} is an embedding model: it has input tokens only")
    per_input = catalog.constant(f"bedrock_wh_per_1k_input_{found.size_class}")
    used = [
        Coefficient(
            f"{found.model}: {found.size_class} model", found.active_parameters_billion,
            "billion active parameters", found.basis, found.source,
        ),
        Coefficient(per_input.name, per_input.value, per_input.unit, "assumption", per_input.source),
    ]  # fmt: skip
    wh = input_tokens / 1000 * per_input.value
    if found.size_class != "embedding":
        per_output = catalog.constant(f"bedrock_wh_per_1k_output_{found.size_class}")
        wh += output_tokens / 1000 * per_output.value
        used.append(
            Coefficient(
                per_output.name, per_output.value, per_output.unit, "assumption", per_output.source
            )
        )
    if batch:
        ratio = catalog.constant("bedrock_batch_energy_ratio")
        wh *= ratio.value
        used.append(Coefficient(ratio.name, ratio.value, ratio.unit, "assumption", ratio.source))
    pue = catalog.constant("pue_aws")
    grid = catalog.region(region, fallback=True)
    kwh = wh / 1000 * pue.value
    used += [
        Coefficient("PUE", pue.value, pue.unit, "published", pue.source),
        _grid_coefficient(grid),
    ]
    return TokenFootprint(found, kwh, kwh * grid.kgco2e_per_kwh, tuple(used))
