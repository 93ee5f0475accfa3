"""Lambda functions should run on arm64 (Graviton)."""

from __future__ import annotations

from typing import Any

from ..context import TemplateContext
from ..intrinsics import is_intrinsic, references
from ..model import Resource, Severity
from ..registry import rule
from ._cloudfront import DISTRIBUTION, behaviors


@rule(
    id="Sustainability-LambdaGraviton",
    severity=Severity.WARNING,
    title="Lambda function not on arm64 (Graviton)",
    explanation=(
        "Functions on Graviton2 use less energy for the same work than on x86_64, and most "
        "interpreted runtimes move over without code changes."
    ),
    remediation="Set Architectures: [arm64] (with arm64 builds of any native dependencies).",
    best_practices=("SUS05-BP02",),
    resource_types=("AWS::Lambda::Function",),
    equivalents=("sustainability-scanner:check_graviton_architecture_usage_in_lambda",),
    notes=(
        "Architectures is a list in CloudFormation; the scanner compares it to the plain "
        "string 'arm64', so a correct Architectures: [arm64] fails it. Both the list and the "
        "string forms are accepted here. A missing Architectures means x86_64 and is flagged, "
        "as in the scanner; an unresolved intrinsic is not judged. Lambda@Edge functions "
        "(whose version or alias a CloudFront distribution in the same template associates) "
        "are not flagged: Lambda@Edge does not support arm64."
    ),
)
def lambda_graviton(resource: Resource, template: TemplateContext) -> str | None:
    if resource.logical_id in template.memo("edge-functions", lambda: _edge_functions(template)):
        return None
    architectures = resource.get("Architectures")
    if architectures is None:
        return (
            f"Lambda function {resource.logical_id} sets no Architectures, so it runs on x86_64 "
            "instead of arm64 (Graviton)."
        )
    values = architectures if isinstance(architectures, list) else [architectures]
    if any(is_intrinsic(v) for v in values) or "arm64" in values:
        return None
    return (
        f"Lambda function {resource.logical_id} runs on {', '.join(map(str, values))} instead "
        "of arm64 (Graviton)."
    )


def _edge_functions(template: TemplateContext) -> set[str]:
    """Functions that distributions of the template run at the edge, through a version, an
    alias or the function itself."""
    found: set[str] = set()
    for distribution in template.of_type(DISTRIBUTION):
        for _, behavior in behaviors(distribution):
            associations = behavior.get("LambdaFunctionAssociations")
            for association in associations if isinstance(associations, list) else ():
                if isinstance(association, dict):
                    found |= _functions(association.get("LambdaFunctionARN"), template)
    return found


def _functions(arn: Any, template: TemplateContext) -> set[str]:
    """Functions an association's ARN names, directly or through a version or alias."""
    found: set[str] = set()
    for target in map(template.resources.get, references(arn)):
        if target is None:
            continue
        if target.type in ("AWS::Lambda::Version", "AWS::Lambda::Alias"):
            found |= references(target.get("FunctionName"))
        elif target.type == "AWS::Lambda::Function":
            found.add(target.logical_id)
    return found
