"""Runs rules over a template: one pass over resources, rules indexed by resource type."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..catalog import Catalog
from .acknowledgements import acknowledgements_of
from .conditions import (
    MAX_EXHAUSTIVE,
    MAX_FLIPPED,
    Assignment,
    Conditions,
    conditions_used,
    qualifier,
)
from .context import TemplateContext
from .coverage import note_unreadable_content
from .intrinsics import is_intrinsic
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
    """Findings of ``rules`` on every resource of ``context``, acknowledgements applied.

    A template with conditions is judged under each assignment of them (see
    :mod:`.conditions`); a finding that holds under some only says when. What the rules read
    but could not know is added to ``context.unread``.
    """
    rules = tuple(rules)
    template = context.template
    if context.assignment is not None or not template.get("Conditions"):
        note_unreadable_content(context)
        return _evaluate(context, rules)
    conditions = Conditions(template, context.region)
    if not conditions.used:
        note_unreadable_content(context)
        return _evaluate(context, rules)
    return _evaluate_conditional(context, rules, conditions)


def _evaluate(context: TemplateContext, rules: tuple[Rule, ...]) -> list[Finding]:
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
        if len(resource.raw_properties) == 1 and is_intrinsic(resource.raw_properties):
            kind = next(iter(resource.raw_properties))
            context.not_evaluated(resource, "Properties", f"decided at deploy time ({kind})")
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
        if resource._by_path or resource.read:  # noqa: SLF001 - what the rules asked for
            _note_deploy_time_values(resource, context)
    return findings


def _evaluate_conditional(
    context: TemplateContext, rules: tuple[Rule, ...], conditions: Conditions
) -> list[Finding]:
    """Findings under each assignment of the free conditions, each saying when it holds."""
    hits: dict[tuple[str, str], list[tuple[Assignment, Finding]]] = {}
    present: dict[str, list[Assignment]] = defaultdict(list)
    for case in conditions.assignments():
        variant = context.under(tuple(conditions.values(case).items()))
        note_unreadable_content(variant)
        for logical_id in variant.resources:
            present[logical_id].append(case)
        for finding in _evaluate(variant, rules):
            hits.setdefault((finding.rule.id, finding.resource), []).append((case, finding))
        for note in variant.unread:
            context.add_unread(note)
    if len(conditions.free) > MAX_EXHAUSTIVE + MAX_FLIPPED:
        context.not_evaluated(
            None,
            "Conditions",
            f"{len(conditions.free)} conditions decide the checked resources: combinations "
            f"beyond each of the first {MAX_FLIPPED} alone were judged only all true and all "
            "false",
        )
    bodies = {str(key): body for key, body in context.template["Resources"].items()}
    findings: list[Finding] = []
    for (_, logical_id), found in hits.items():
        body = bodies.get(logical_id)
        relevant = conditions_used(body.get("Properties")) if type(body) is dict else []
        if type(body) is dict and type(body.get("Condition")) is str:
            relevant.append(body["Condition"])
        message = _conditional_message(found, present[logical_id], relevant)
        findings.append(found[0][1]._replace(message=message))
    order = {logical_id: index for index, logical_id in enumerate(bodies)}
    rank = {r.id: index for index, r in enumerate(rules)}
    findings.sort(key=lambda f: (order.get(f.resource, 0), rank[f.rule.id]))
    return findings


def _conditional_message(
    found: list[tuple[Assignment, Finding]], present: list[Assignment], relevant: list[str]
) -> str:
    """One message per distinct message of the assignments, each saying when it holds."""
    by_message: dict[str, list[Assignment]] = {}
    for case, finding in found:
        by_message.setdefault(finding.message, []).append(case)
    parts = []
    for message, cases in by_message.items():
        when = qualifier(cases, present, relevant)
        parts.append(message if when is None else f"{message.rstrip('.')} ({when}).")
    return " ".join(parts)


def _note_deploy_time_values(resource: Resource, context: TemplateContext) -> None:
    """Values below the properties the rules read that only the deployment decides."""
    found = dict((resource._by_path or {}).items())  # noqa: SLF001 - resolved reads
    for head in sorted(resource.read or ()):
        if head in resource.raw_properties:
            found.update(_intrinsics_below(resource.raw_properties[head], head))
    for path, value in found.items():
        reason = context.deploy_time_value(value)
        if reason is not None:
            context.not_evaluated(resource, path, f"only known at deploy time: {reason}")


def _intrinsics_below(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """``(dotted path, node)`` of every single-key intrinsic in ``value`` (list items by
    index), each node once however often YAML aliases repeat it."""
    seen: set[int] = set()
    stack = [(value, path)]
    while stack:
        node, where = stack.pop()
        if type(node) is list:
            if id(node) not in seen:
                seen.add(id(node))
                stack.extend((item, f"{where}.{i}") for i, item in enumerate(node))
        elif type(node) is dict:
            if id(node) in seen:
                continue
            seen.add(id(node))
            if len(node) == 1 and is_intrinsic(node):
                yield where, node
            else:
                stack.extend((item, f"{where}.{key}") for key, item in node.items())


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
