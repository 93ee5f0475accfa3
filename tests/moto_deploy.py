"""Deploy a synthesized template into moto's CloudFormation, minus what moto does not model."""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable

import boto3


def for_moto(
    template: dict,
    skipped: set[str],
    adjust: Callable[[dict], None] | None = None,
) -> dict:
    """``template`` without the resource types in ``skipped`` (each one must be present, so the
    list stays exact) and without the CDK bootstrap check; ``adjust`` may rewrite what moto
    models differently (e.g. its older instance-type lists). Fails on a dangling reference."""
    deployable = copy.deepcopy(template)
    resources = deployable["Resources"]
    removed = {k for k, v in resources.items() if v["Type"] in skipped}
    assert {resources[k]["Type"] for k in removed} == skipped
    for logical_id in removed:
        del resources[logical_id]
    for resource in resources.values():
        if "DependsOn" in resource:
            resource["DependsOn"] = [d for d in resource["DependsOn"] if d not in removed]
    if adjust is not None:
        adjust(deployable)
    text = json.dumps(deployable)
    assert not any(f'"{logical_id}"' in text for logical_id in removed), "dangling reference"
    deployable.pop("Parameters")  # BootstrapVersion: read from SSM by the CDK CLI only
    deployable.pop("Rules")  # CheckBootstrapVersion asserts on that parameter
    return deployable


def create_stack(name: str, template: dict, region: str) -> dict:
    """Create the stack (inside ``mock_aws``) and return its description; asserts that moto
    supported every resource (nothing skipped silently)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cloudformation = boto3.client("cloudformation", region_name=region)
        cloudformation.create_stack(
            StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"]
        )
        (stack,) = cloudformation.describe_stacks(StackName=name)["Stacks"]
    unsupported = [str(w.message) for w in caught if "not supported by moto" in str(w.message)]
    assert unsupported == []
    return stack
