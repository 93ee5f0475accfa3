"""Shadow variants run every request twice."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._compute import variant_label


@rule(
    id="GenAI-ShadowVariants",
    severity=Severity.INFO,
    title="Endpoint config with shadow variants",
    explanation=(
        "A shadow variant receives a copy of production traffic: each request is inferred twice, "
        "on instances provisioned for the purpose. That is worth it during a shadow test and "
        "waste once the test has concluded."
    ),
    remediation=(
        "Remove ShadowProductionVariants when the shadow test ends (or sample less traffic to "
        "it), and promote or discard the candidate model."
    ),
    best_practices=("SUS02-BP03", "MLSUS-04"),
    resource_types=("AWS::SageMaker::EndpointConfig",),
    notes="Informational: a reminder that shadow testing duplicates inference.",
)
def shadow_variants(resource: Resource, template: TemplateContext) -> str | None:
    shadows = resource.get("ShadowProductionVariants")
    if not isinstance(shadows, list) or not shadows:
        return None
    names = ", ".join(variant_label(v) if isinstance(v, dict) else "a variant" for v in shadows)
    return (
        f"Endpoint config {resource.logical_id} duplicates inference on shadow {names}: remove "
        "it once the shadow test concludes."
    )
