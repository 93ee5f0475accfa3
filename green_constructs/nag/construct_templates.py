"""Templates rebuilt from the construct tree, for the code paths that see constructs, not files.

cdk-nag 2.x runs as an Aspect (before synthesis) and cdk-nag 3's ``validate_scope`` walks the
tree; both hand us one ``CfnResource`` at a time. We rebuild each stack's template once (its
resources' resolved properties and metadata), evaluate every rule on it once, and answer each
resource from that result.
"""

from __future__ import annotations

from typing import Any, Iterable

import aws_cdk as cdk

from ..rules import Finding, Rule, RuleSettings, evaluate


def _region(stack: cdk.Stack) -> str | None:
    region = stack.region
    return None if cdk.Token.is_unresolved(region) else region


def _properties(stack: cdk.Stack, construct: cdk.CfnResource) -> dict[str, Any]:
    """Resolved CloudFormation properties, or none when jsii cannot carry them to Python.

    Properties travel through Python before CDK renders them; a lazy value that jsii cannot
    marshal (the parameters of a nested stack's ``AWS::CloudFormation::Stack``, for one) makes
    rendering fail. No rule reads such resources' properties, so they are left empty.
    """
    try:
        rendered = construct._render_properties(construct._cfn_properties)  # noqa: SLF001
    except RuntimeError:
        return {}
    return stack.resolve(rendered) or {}


def _stack_template(stack: cdk.Stack) -> dict[str, Any]:
    nested = [c.node.path + "/" for c in stack.node.find_all() if isinstance(c, cdk.Stack) and c is not stack]
    resources: dict[str, Any] = {}
    for construct in stack.node.find_all():
        if not isinstance(construct, cdk.CfnResource):
            continue
        if nested and construct.node.path.startswith(tuple(nested)):
            continue
        logical_id = stack.resolve(stack.get_logical_id(construct))
        body: dict[str, Any] = {
            "Type": construct.cfn_resource_type,
            "Properties": _properties(stack, construct),
        }
        metadata = construct.get_metadata("cdk_nag")
        if metadata:
            body["Metadata"] = {"cdk_nag": stack.resolve(metadata)}
        resources[logical_id] = body
    template: dict[str, Any] = {"Resources": resources}
    stack_metadata = stack.template_options.metadata
    if stack_metadata:
        template["Metadata"] = stack.resolve(stack_metadata)
    return template


class ConstructFindings:
    """Findings of ``rules`` per stack, computed on the first resource asked about."""

    def __init__(self, rules: Iterable[Rule], settings: RuleSettings | None = None) -> None:
        self._rules = tuple(rules)
        self._settings = settings
        self._by_stack: dict[str, dict[str, list[Finding]]] = {}

    def for_resource(self, node: cdk.CfnResource) -> list[Finding]:
        stack = cdk.Stack.of(node)
        key = stack.node.path
        if key not in self._by_stack:
            findings = evaluate(
                _stack_template(stack),
                self._rules,
                name=stack.stack_name,
                region=_region(stack),
                settings=self._settings,
            )
            grouped: dict[str, list[Finding]] = {}
            for finding in findings:
                grouped.setdefault(finding.resource, []).append(finding)
            self._by_stack[key] = grouped
        return self._by_stack[key].get(stack.resolve(stack.get_logical_id(node)), [])
