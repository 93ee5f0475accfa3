"""The names cdk-nag gives granular findings, for acknowledging exactly those findings."""

from __future__ import annotations

import re
from typing import Any

import aws_cdk as cdk
from constructs import IConstruct


def resource_finding(scope: IConstruct, value: str) -> str:
    """``Resource::...`` as cdk-nag names a policy resource ``value`` (a string or a token in
    ``scope``'s stack): ``{"Ref": X}`` becomes ``<X>``, ``{"Fn::GetAtt": [X, Y]}`` ``<X.Y>``,
    ``Fn::Join`` concatenates, ``Fn::Sub`` (string form) writes ``${X}`` as ``<X>``."""
    return f"Resource::{_flatten(cdk.Stack.of(scope).resolve(value))}"


def _flatten(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        key, arg = next(iter(value.items()))
        if key == "Ref":
            return f"<{arg}>"
        if key == "Fn::GetAtt":
            return f"<{'.'.join(arg)}>"
        if key == "Fn::Sub" and isinstance(arg, str):
            return re.sub(r"\$\{([^}]+)\}", r"<\1>", arg)
        if key == "Fn::Join":
            separator, parts = arg
            return separator.join(_flatten(p) for p in parts)
    raise ValueError(f"cannot name a cdk-nag finding for {value!r}")
