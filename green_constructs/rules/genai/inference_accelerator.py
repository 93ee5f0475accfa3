"""Inference on GPU or x86 CPU where Inferentia2 or Graviton would serve it with less energy."""

from __future__ import annotations

from ...catalog import Catalog, Family
from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._compute import GPU_KINDS, Usage, component_variant, usages, variant_label

_COMPONENT = "AWS::SageMaker::InferenceComponent"
_CONFIG = "AWS::SageMaker::EndpointConfig"


@rule(
    id="GenAI-InferenceAccelerator",
    severity=Severity.WARNING,
    title="Inference on GPU or x86 CPU where Inferentia2 or Graviton serves",
    explanation=(
        "Inf2 instances deliver up to 50% better performance per watt than comparable GPU "
        "instances for deep-learning inference, and Graviton uses up to 60% less energy than "
        "comparable x86 instances for CPU inference: the same requests for less energy."
    ),
    remediation=(
        "Compile the model with AWS Neuron and host it on the ml.inf2 type the finding names "
        "(Neuron serving images such as huggingface-vllm-inference-neuronx), or move CPU "
        "endpoints to the Graviton type it names."
    ),
    best_practices=("MLSUS-12", "SUS05-BP02", "SUS05-BP04"),
    resource_types=(
        _CONFIG,
        _COMPONENT,
        "AWS::StepFunctions::StateMachine",
        "AWS::SageMaker::Pipeline",
    ),
    notes=(
        "Checks endpoint config variants (shadow variants included), inference components "
        "(through their endpoint's config, when the variant hosts components rather than a "
        "model: such variants are reported on the components, not the config) and transform "
        "jobs in state machines and pipelines. Serverless variants and unresolved instance "
        "types are not reported, nor x86 CPU transform jobs (SageMaker batch transform takes "
        "no Graviton instance type, by botocore's TransformInstanceType). Suggested types are "
        "ones the API takes (botocore's ProductionVariantInstanceType, TransformInstanceType) "
        "of a comparable size (Catalog.comparable: accelerator memory for GPUs, vCPUs and "
        "memory for CPUs, at most four times as large); a GPU too large for any ml.inf2 type "
        "is pointed to Inferentia2 without one. Some models (custom CUDA kernels, unsupported "
        "architectures) need GPUs: acknowledge the finding with the reason."
    ),
)
def inference_accelerator(resource: Resource, template: TemplateContext) -> str | None:
    if resource.type == _COMPONENT:
        found = component_variant(resource, template)
        if found is None or found[1].get("ModelName"):  # a model variant: reported on the config
            return None
    skipped = _component_variants(resource, template) if resource.type == _CONFIG else set()
    found_usages = [
        f"{u.where} on {u.instance_type} ({advice})"
        for u in usages(resource, template)
        if u.purpose in ("inference", "transform")
        and u.where not in skipped
        and (advice := _advice(u, template)) is not None
    ]
    if not found_usages:
        return None
    return (
        f"{resource.logical_id} runs inference on {'; '.join(found_usages)}: "
        "move it to the efficient silicon named if the model supports it."
    )


def _advice(usage: Usage, template: TemplateContext) -> str | None:
    family = usage.family
    if family is None or family.kind not in (*GPU_KINDS, "cpu"):
        return None
    catalog = template.catalog
    if family.kind in GPU_KINDS:
        inf2 = catalog.comparable(
            usage.instance_type, usage.feature, catalog.current_families(["inferentia"])
        )
        if inf2 is None:  # no single Inferentia2 instance holds its accelerator memory
            return (
                "GPU; Inferentia2 serves most transformer and diffusion models, sharded over "
                "several ml.inf2 instances"
            )
        return f"GPU; Inferentia2 {inf2} serves most transformer and diffusion models"
    graviton = catalog.comparable(usage.instance_type, usage.feature, _graviton(family, catalog))
    # None: batch transform takes no Graviton type, so there is no greener CPU to name
    return f"x86 CPU; use Graviton {graviton}" if graviton else None


def _graviton(family: Family, catalog: Catalog) -> list[str]:
    """Current Graviton families, those of the same line first (``c8g`` for ``c5``)."""
    found = catalog.current_families(["graviton"])
    return sorted(found, key=lambda name: catalog.family(name).line != family.line)


def _component_variants(config: Resource, template: TemplateContext) -> set[str]:
    """Labels of the config's variants that host inference components (reported on those)."""
    return template.memo("component-variants", lambda: _hosted(template)).get(
        config.logical_id, set()
    )


def _hosted(template: TemplateContext) -> dict[str, set[str]]:
    """Labels of the variants hosting inference components, by their config's logical id."""
    hosted: dict[str, set[str]] = {}
    for component in template.of_type(_COMPONENT):
        found = component_variant(component, template)
        if found and not found[1].get("ModelName"):
            hosted.setdefault(found[0].logical_id, set()).add(variant_label(found[1]))
    return hosted
