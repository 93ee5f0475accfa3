"""Runs rules over a template: one pass over resources, rules indexed by resource type."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Mapping

from ..catalog import Catalog
from .acknowledgements import acknowledgements_of
from .context import TemplateContext
from .model import Check, Finding, Resource, Rule, RuleSettings


def _index(rules: Iterable[Rule]) -> tuple[dict[str, list[Rule]], list[Rule]]:
    by_type: dict[str, list[Rule]] = defaultdict(list)
    everywhere: list[Rule] = []
    for r in rules:
        if "*" in r.resource_types:
            everywhere.append(r)
        for resource_type in r.resource_types:
            if resource_type != "*":
                by_type[resource_type].append(r)
    return by_type, everywhere


def _crash_message(r: Rule, resource: Resource, error: Exception) -> str:
    """A rule that raises is reported as a finding on the resource, not a crash."""
    return (
        f"Rule {r.id} failed on {resource.logical_id} ({type(error).__name__}: {error}); "
        "please report this."
    )


def evaluate_context(context: TemplateContext, rules: Iterable[Rule]) -> list[Finding]:
    """Findings of ``rules`` on every resource of ``context``, acknowledgements applied."""
    by_type, everywhere = _index(rules)
    template_acks = acknowledgements_of(context.template.get("Metadata"))
    findings: list[Finding] = []
    name = context.name
    checks: dict[str, list[tuple[Rule, Check]]] = {}  # per resource type, built on first use
    for resource in context.resources.values():
        applicable = checks.get(resource.type)
        if applicable is None:
            listed = (*by_type.get(resource.type, ()), *everywhere)
            applicable = checks[resource.type] = [(r, r.check) for r in listed]
        if not applicable:
            continue
        acks: dict[str, str] | None = None  # read only for resources with findings
        for r, check in applicable:
            try:
                message = check(resource, context)
            except Exception as error:  # one rule's bug must not stop the others (cfn-lint E0002)
                message = _crash_message(r, resource, error)
            if message is None:
                continue
            if acks is None:
                acks = (
                    {**template_acks, **acknowledgements_of(resource.metadata)}
                    if "cdk_nag" in resource.metadata
                    else template_acks
                )
            reason = acks.get(r.id)
            findings.append(  # positional: measurably cheaper for hundreds of findings
                Finding(
                    r, name, resource.logical_id, resource.type, message, reason is not None, reason
                )
            )
    return findings


def evaluate(
    template: Mapping[str, Any],
    rules: Iterable[Rule],
    *,
    name: str = "template",
    region: str | None = None,
    settings: RuleSettings | None = None,
    catalog: Catalog | None = None,
) -> list[Finding]:
    """Findings of ``rules`` on a decoded CloudFormation template."""
    context = TemplateContext(
        template, name=name, region=region, settings=settings, catalog=catalog
    )
    return evaluate_context(context, rules)
