"""Acknowledgements recorded in templates (cdk-nag's ``Metadata.cdk_nag.rules_to_suppress``).

cdk-nag 2's ``NagSuppressions`` write the bare rule id (``GenAI-AsyncScaleToZero``), its reason
base64-encoded since 2.28. cdk-nag 3 packs created with a scope write each
``Validations.of(x).acknowledge(...)`` id as given: bare, or in the form the CDK CLI suggests,
``<plugin name>::<rule id>`` (``GenAISustainabilityChecks::GenAI-AsyncScaleToZero``), which
is what CDK itself matches against a plugin's report. Both forms acknowledge the rule here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Each pack's validation plugin name (cdk-nag 3), the namespace CDK puts before its rule ids.
PLUGIN_NAMES = {"Sustainability": "SustainabilityChecks", "GenAI": "GenAISustainabilityChecks"}


def acknowledgements_of(metadata: Any) -> dict[str, str]:
    """Rule id to reason, from a resource's or a template's ``Metadata``."""
    if not isinstance(metadata, dict):
        return {}
    nag = metadata.get("cdk_nag")
    entries = nag.get("rules_to_suppress") if isinstance(nag, dict) else None
    found: dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            found[acknowledged_rule_id(entry["id"])] = _reason(entry)
    return found


def acknowledged_rule_id(acknowledged: str) -> str:
    """``GenAI-X`` for ``GenAISustainabilityChecks::GenAI-X``; any other id unchanged.

    Only the namespace of the rule's own pack is removed, as CDK only matches that one.
    """
    namespace, separator, rule_id = acknowledged.partition("::")
    if separator and PLUGIN_NAMES.get(rule_id.split("-", 1)[0]) == namespace:
        return rule_id
    return acknowledged


def _reason(entry: Mapping[str, Any]) -> str:
    reason = str(entry.get("reason") or "")
    if entry.get("is_reason_encoded"):  # cdk-nag >= 2.28 stores reasons base64-encoded
        import base64
        import binascii

        try:
            return base64.b64decode(reason).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return reason
    return reason
