"""Acknowledgements recorded in templates (cdk-nag's ``Metadata.cdk_nag.rules_to_suppress``)."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Mapping


def acknowledgements_of(metadata: Any) -> dict[str, str]:
    """Rule id to reason, from a resource's or a template's ``Metadata``."""
    if not isinstance(metadata, dict):
        return {}
    nag = metadata.get("cdk_nag")
    entries = nag.get("rules_to_suppress") if isinstance(nag, dict) else None
    found: dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            found[entry["id"]] = _reason(entry)
    return found


def _reason(entry: Mapping[str, Any]) -> str:
    reason = str(entry.get("reason") or "")
    if entry.get("is_reason_encoded"):  # cdk-nag >= 2.28 stores reasons base64-encoded
        try:
            return base64.b64decode(reason).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return reason
    return reason
