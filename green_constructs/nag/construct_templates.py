"""Stack templates as synthesis writes them, for the front ends that see constructs, not files.

cdk-nag 2 packs are Aspects and cdk-nag 3's ``validate_scope`` walks the tree: both hand us one
``CfnResource`` at a time. Its properties, read from Python, are not what synthesis writes: L2s
keep many in lazy values, which CDK resolves before it renders them (rendering first fails
validation), and escape-hatch overrides (``add_property_override``) are out of jsii's reach.
So the stack's synthesizer writes the template into a scratch directory, with the method
synthesis itself calls; ``green-constructs lint``'s own code path runs every rule once per stack
on that file, and each resource is answered from the result.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, cast

import aws_cdk as cdk
import jsii

from ..lint.runner import lint
from ..rules import Finding, Rule, RuleSettings
from .tree_order import jsii_key, logical_ids


@jsii.implements(cdk.ISynthesisSession)
class _ScratchSession:
    """A synthesis session writing into ``outdir`` and nowhere else."""

    def __init__(self, outdir: str) -> None:
        self._outdir = outdir
        self._assembly = cdk.cx_api.CloudAssemblyBuilder(outdir)

    @property
    def outdir(self) -> str:
        return self._outdir

    @property
    def assembly(self) -> cdk.cx_api.CloudAssemblyBuilder:
        return self._assembly

    @property
    def validate_on_synth(self) -> bool:
        return False


class StackTemplate(NamedTuple):
    """A stack's template as synthesis would write it now, in a scratch directory."""

    path: Path
    written: dict[str, Any]
    region: str | None
    logical_ids: dict[str, str] | None
    """Logical id by jsii reference of each resource (:mod:`.tree_order`); ``None``: ask."""


@contextmanager
def stack_template(stack: cdk.Stack) -> Iterator[StackTemplate]:
    """``stack``'s template (a nested stack has its own), written by its own synthesizer into
    a scratch directory that lasts as long as the context.

    Writing the template has one trace: CDK notes the template file in the stack's metadata
    (``aws:cdk:templateFile``) once more.
    """
    region = None if cdk.Token.is_unresolved(stack.region) else stack.region
    with tempfile.TemporaryDirectory(prefix="green-constructs-") as outdir:
        # casts: IStackSynthesizer does not declare _synthesize_template (every synthesizer of
        # the CDK is a StackSynthesizer; the call fails as before on one that is not), and
        # _ScratchSession is an ISynthesisSession through jsii.implements, which the type
        # checker does not follow
        synthesizer = cast(cdk.StackSynthesizer, stack.synthesizer)
        session = cast(cdk.ISynthesisSession, _ScratchSession(outdir))
        synthesizer._synthesize_template(session)  # noqa: SLF001
        path = Path(outdir, stack.template_file)
        written = json.loads(path.read_text(encoding="utf-8"))
        resources = written.get("Resources") or {}
        listed = [
            (logical_id, body["Type"])
            for logical_id, body in resources.items()
            if isinstance(body, dict) and isinstance(body.get("Type"), str)
        ]
        yield StackTemplate(path, written, region, logical_ids(stack, listed))


def _suppressions(body: Any) -> bool:
    """Whether a template or resource has cdk-nag metadata (suppressions)."""
    metadata = body.get("Metadata") if isinstance(body, dict) else None
    return isinstance(metadata, dict) and "cdk_nag" in metadata


class _Stack(NamedTuple):
    findings: dict[str, list[Finding]]  # by logical id
    types: dict[str, str]  # by logical id
    suppressible: set[str] | None  # resources with cdk-nag suppressions; None: all (template's)
    logical_ids: dict[str, str] | None  # by jsii reference; None: ask each resource


class ConstructFindings:
    """Findings of ``rules`` per stack, computed on the first resource asked about (or given
    the stack's template by :meth:`prime`), read as ``green-constructs lint`` reads a file."""

    def __init__(self, rules: Iterable[Rule], settings: RuleSettings | None = None) -> None:
        self._rules = tuple(rules)
        self._settings = settings
        self._by_stack: dict[str, _Stack] = {}

    def prime(self, stack: cdk.Stack, template: StackTemplate) -> None:
        """Take ``template`` as ``stack``'s (its findings computed now)."""
        result = lint([template.path], self._rules, region=template.region, settings=self._settings)
        grouped: dict[str, list[Finding]] = {}
        for finding in result.findings:
            grouped.setdefault(finding.resource, []).append(finding)
        resources = template.written.get("Resources") or {}
        types = {
            logical_id: body["Type"]
            for logical_id, body in resources.items()
            if isinstance(body, dict) and isinstance(body.get("Type"), str)
        }
        suppressible = (
            None
            if _suppressions(template.written)
            else {logical_id for logical_id, body in resources.items() if _suppressions(body)}
        )
        self._by_stack[jsii_key(stack)] = _Stack(grouped, types, suppressible, template.logical_ids)

    def for_resources(
        self, stack: cdk.Stack, nodes: Sequence[cdk.CfnResource]
    ) -> list[tuple[cdk.CfnResource, str, list[Finding], bool]]:
        """``(node, resource type, findings on it, whether it has cdk-nag suppressions)`` for
        ``nodes`` of ``stack``, from its template (synthesized once per stack). Logical ids
        come from the stack's tree (:mod:`.tree_order`), else from each node."""
        key = jsii_key(stack)
        if key not in self._by_stack:
            with stack_template(stack) as template:
                self.prime(stack, template)
        found = self._by_stack[key]
        known = found.logical_ids or {}
        ids = [known.get(jsii_key(node)) for node in nodes]
        missing = [i for i, logical_id in enumerate(ids) if logical_id is None]
        if missing:
            asked = stack.resolve([stack.get_logical_id(nodes[i]) for i in missing])
            for i, logical_id in zip(missing, asked, strict=True):
                ids[i] = logical_id
        resolved = cast(list[str], ids)  # each one filled in above
        return [
            (
                node,
                found.types.get(logical_id) or node.cfn_resource_type,
                found.findings.get(logical_id, []),
                found.suppressible is None or logical_id in found.suppressible,
            )
            for node, logical_id in zip(nodes, resolved, strict=True)
        ]
