"""How our severities map onto cdk-nag levels and validation-report severities."""

from __future__ import annotations

import cdk_nag

from ..rules import Severity


def report_severity(severity: Severity, *, strict: bool) -> str:
    """Severity in a CDK validation report; ``strict`` turns warnings into errors."""
    if strict and severity is Severity.WARNING:
        return "error"
    return severity.value


def nag_level(severity: Severity, *, strict: bool) -> cdk_nag.NagMessageLevel:
    """cdk-nag message level (errors fail synth; ``strict`` makes warnings fail it too)."""
    name = report_severity(severity, strict=strict)
    if name == "error":
        return cdk_nag.NagMessageLevel.ERROR
    if name == "info" and hasattr(cdk_nag.NagMessageLevel, "INFO"):
        return cdk_nag.NagMessageLevel.INFO
    return cdk_nag.NagMessageLevel.WARN
