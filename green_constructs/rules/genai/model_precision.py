"""Serving in fp32 doubles memory and compute compared with bf16 or fp16."""

from __future__ import annotations

import re
from typing import Any

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule

FULL_PRECISION = frozenset({"fp32", "float32", "float", "torch.float32", "f32"})
_PRECISION_KEY = re.compile(r"(^|_)(DTYPE|TORCH_DTYPE|PRECISION|AUTO_CAST_TYPE)$", re.IGNORECASE)
_NO_AUTO_CAST = re.compile(r"--auto-cast(?:=|\s+)none\b")


@rule(
    id="GenAI-ModelPrecision",
    severity=Severity.WARNING,
    title="Model served in full (fp32) precision",
    explanation=(
        "Serving in fp32 needs twice the accelerator memory and much more compute than bf16 or "
        "fp16, usually with no measurable quality gain for inference: bigger instances, more "
        "energy per token."
    ),
    remediation=(
        "Serve in bf16 or fp16 (HF_DTYPE/DTYPE/OPTION_DTYPE=bfloat16 or auto), and on Neuron "
        "keep the compiler's default auto-casting (drop --auto-cast none from NEURON_CC_FLAGS)."
    ),
    best_practices=("MLSUS-13", "SUS05-BP04"),
    resource_types=("AWS::SageMaker::Model",),
    notes=(
        "Reads PrimaryContainer and Containers[] Environment: keys named *DTYPE, *TORCH_DTYPE, "
        "*AUTO_CAST_TYPE (TGI-neuronx's HF_AUTO_CAST_TYPE) or *PRECISION set to fp32, "
        "float32, float (vLLM's name for fp32), torch.float32 or f32, "
        "and NEURON_CC_FLAGS containing --auto-cast none. bf16, fp16, auto and unresolved values "
        "are not reported."
    ),
)
def model_precision(resource: Resource, template: TemplateContext) -> str | None:
    containers = [resource.get("PrimaryContainer")]
    listed = resource.get("Containers")
    containers += listed if isinstance(listed, list) else []
    found = [
        setting
        for container in containers
        if isinstance(container, dict)
        for setting in _full_precision(container.get("Environment"))
    ]
    if not found:
        return None
    return (
        f"Model {resource.logical_id} requests full precision ({', '.join(found)}): serve in "
        "bf16 or fp16 to halve memory and compute."
    )


def _full_precision(environment: Any) -> list[str]:
    if not isinstance(environment, dict):
        return []
    found = []
    for key, value in environment.items():
        if not isinstance(value, str):
            continue
        if _PRECISION_KEY.search(key) and value.strip().lower() in FULL_PRECISION:
            found.append(f"{key}={value}")
        elif key == "NEURON_CC_FLAGS" and _NO_AUTO_CAST.search(value):
            found.append(f"{key} with --auto-cast none")
    return found
