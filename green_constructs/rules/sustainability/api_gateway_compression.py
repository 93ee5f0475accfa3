"""REST APIs should compress payloads above a threshold of 1 to 2 KiB."""

from __future__ import annotations

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource, Severity
from ..registry import rule
from ..values import as_int

MIN_BYTES, MAX_BYTES = 1024, 2048
OPENAPI_KEY = "x-amazon-apigateway-minimum-compression-size"


@rule(
    id="Sustainability-ApiGatewayCompression",
    severity=Severity.WARNING,
    title="REST API without payload compression between 1 and 2 KiB",
    explanation=(
        "Uncompressed responses move more bytes over the network for every call; compressing "
        "tiny payloads, on the other hand, costs CPU and can make them bigger."
    ),
    remediation=(
        f"Set MinimumCompressionSize to a value from {MIN_BYTES} to {MAX_BYTES} bytes on the "
        f"AWS::ApiGateway::RestApi (or {OPENAPI_KEY} in its OpenAPI Body)."
    ),
    best_practices=("SUS04-BP07",),
    resource_types=("AWS::ApiGateway::RestApi",),
    equivalents=(
        "sustainability-scanner:rest_api_compression_exists",
        "sustainability-scanner:rest_api_compression_min",
        "sustainability-scanner:rest_api_compression_max",
    ),
    notes=(
        "The scanner's three checks (set, >= 1024, <= 2048) are one rule here. The threshold may "
        f"also come from {OPENAPI_KEY} in an inline OpenAPI Body, which the scanner ignores; an "
        "API imported from BodyS3Location or a non-literal Body is unknown and not flagged."
    ),
)
def api_gateway_compression(resource: Resource, template: TemplateContext) -> str | None:
    size = resource.get("MinimumCompressionSize")
    body = resource.get("Body")
    if size is None and isinstance(body, dict):
        size = body.get(OPENAPI_KEY)
    if size is None:
        imported = resource.get("BodyS3Location") is not None
        if imported or (body is not None and not isinstance(body, dict)):
            return None
        return (
            f"REST API {resource.logical_id} sets no MinimumCompressionSize, so every response "
            "is sent uncompressed."
        )
    if is_intrinsic(size) or (value := as_int(size)) is None:
        return None
    if value < MIN_BYTES:
        return (
            f"REST API {resource.logical_id} compresses payloads from {value} bytes, below "
            f"{MIN_BYTES}, where compression costs CPU and can grow the payload."
        )
    if value > MAX_BYTES:
        return (
            f"REST API {resource.logical_id} compresses only payloads above {value} bytes, over "
            f"{MAX_BYTES}, so compressible responses travel uncompressed."
        )
    return None
