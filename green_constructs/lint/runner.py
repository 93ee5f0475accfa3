"""Lint templates: decode every input, evaluate the rules, count what was found.

:func:`lint` returns a :class:`LintResult` whose ``summary`` (also printed by
``green-constructs lint --format json``) has this shape::

    {
        "templates": int,      # templates read: cdk.out stacks and nested stacks, template files
        "resources": int,      # resources (entries with a Type) across those templates
        "rules": int,          # rules evaluated
        "findings": int,       # unacknowledged findings
        "acknowledged": int,   # findings acknowledged in template metadata (cdk_nag)
        "by_severity": {"error": int, "warning": int, "info": int},  # unacknowledged findings
        "not_evaluated": int,  # entries of LintResult.not_evaluated
    }

``not_evaluated`` lists what the rules could not read, so that silence means "checked": custom
resources, definitions kept in S3, values only known at deploy time (a parameter without
default, an import), transforms that were not expanded. Each entry is
``{"template", "resource", "resource_type", "path", "reason", "line"}``; ``resource`` is empty
for the template as a whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from typing import Any, NamedTuple

from ..catalog import Catalog
from ..rules import (
    Finding,
    NotEvaluated,
    Rule,
    RuleSelection,
    RuleSettings,
    Severity,
    TemplateContext,
    evaluate_context,
)
from .decode import DecodedTemplate, TemplateDecodeError, declared_transforms, decode_file


class LintResult(NamedTuple):
    """Findings in template order, the summary, and the file behind each template name."""

    findings: tuple[Finding, ...]
    summary: dict[str, Any]
    rules: tuple[Rule, ...]  # the rules evaluated (of a selection: those the input needed)
    paths: Mapping[str, str]  # Finding.template -> template file path
    unknown_regions: tuple[str, ...] = ()  # deployment regions the catalog does not know
    not_evaluated: tuple[NotEvaluated, ...] = ()  # what the rules could not read

    def fails(self, threshold: Severity | None) -> bool:
        """Whether an unacknowledged finding is at or above ``threshold`` (None: never)."""
        return threshold is not None and any(
            not f.acknowledged and f.severity.rank >= threshold.rank for f in self.findings
        )


def load_templates(paths: Iterable[str | PathLike[str]]) -> list[DecodedTemplate]:
    """Decode template files and every template of cdk.out directories, each file once.

    Raises :class:`~green_constructs.lint.decode.TemplateDecodeError` on unreadable input.
    """
    templates: list[DecodedTemplate] = []
    seen: set[str] = set()
    names: set[str] = set()
    for path in paths:
        if _is_directory(path):
            from .assembly import read_assembly  # pathlib and the manifest: cdk.out only

            found = read_assembly(path)
        else:
            found = [decode_file(path)]
        for decoded in found:
            real = os.path.realpath(decoded.path)
            if real in seen:
                continue
            seen.add(real)
            if decoded.display_name in names:  # same stack name in two assemblies
                decoded.name = decoded.path
            names.add(decoded.display_name)
            templates.append(decoded)
    return templates


def _is_directory(path: str | PathLike[str]) -> bool:
    try:
        return os.path.isdir(path)
    except OSError as error:  # a name too long for the file system...
        raise TemplateDecodeError(f"{path}: cannot read: {error.strerror or error}") from None


def lint(
    paths: Iterable[str | PathLike[str]],
    rules: Sequence[Rule] | RuleSelection,
    *,
    region: str | None = None,
    settings: RuleSettings | None = None,
) -> LintResult:
    """Evaluate ``rules`` on every template of ``paths``.

    ``rules`` may be a :class:`~green_constructs.rules.RuleSelection`: only the selected rules
    for the resource types present are then imported. ``region`` applies to templates whose
    assembly does not say where they deploy.
    """
    catalog = Catalog.default()
    templates = load_templates(paths)
    unknown_regions: dict[str, None] = {}
    for decoded in templates:
        if decoded.region and not catalog.has_region(decoded.region):
            unknown_regions[decoded.region] = None
        if decoded.mentions_include or declared_transforms(decoded.template):
            from .transforms import apply_transforms

            apply_transforms(decoded, decoded.region or region)
    contexts = [
        TemplateContext(
            decoded.template,
            name=decoded.display_name,
            region=decoded.region or region,
            settings=settings,
            catalog=catalog,
        )
        for decoded in templates
    ]
    if isinstance(rules, RuleSelection):
        selected = len(rules.ids)
        rules = rules.load({t for context in contexts for t in context.resource_types()})
    else:
        selected = len(rules)
    findings: list[Finding] = []
    unread: list[NotEvaluated] = []
    resources = 0
    paths_by_name: dict[str, str] = {}
    for decoded, context in zip(templates, contexts):
        resources += len(context.resources)
        paths_by_name[decoded.display_name] = decoded.path
        lines = decoded.lines
        findings += (
            f._replace(line=lines.get(f.resource)) for f in evaluate_context(context, rules)
        )
        unread += (
            n._replace(line=lines.get(n.resource)) for n in (*decoded.unread(), *context.unread)
        )
    summary = _summary(findings, templates=len(paths_by_name), resources=resources, rules=selected)
    summary["not_evaluated"] = len(unread)
    return LintResult(
        findings=tuple(findings),
        summary=summary,
        rules=tuple(rules),
        paths=paths_by_name,
        unknown_regions=tuple(unknown_regions),
        not_evaluated=tuple(unread),
    )


def _summary(
    findings: Sequence[Finding], *, templates: int, resources: int, rules: int
) -> dict[str, Any]:
    open_findings = [f for f in findings if not f.acknowledged]
    by_severity = {s.value: 0 for s in sorted(Severity, key=lambda s: -s.rank)}
    for finding in open_findings:
        by_severity[finding.severity.value] += 1
    return {
        "templates": templates,
        "resources": resources,
        "rules": rules,
        "findings": len(open_findings),
        "acknowledged": len(findings) - len(open_findings),
        "by_severity": by_severity,
    }
