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

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import aws_cdk as cdk
import jsii

from ..lint.runner import lint
from ..rules import Finding, Rule, RuleSettings


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


def stack_findings(
    stack: cdk.Stack, rules: Iterable[Rule], settings: RuleSettings | None = None
) -> list[Finding]:
    """Findings of ``rules`` on ``stack``'s template as synthesis would write it now (a nested
    stack has its own), read as ``green-constructs lint`` reads a template file.

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
        template = Path(outdir, stack.template_file)
        return list(lint([template], tuple(rules), region=region, settings=settings).findings)


class ConstructFindings:
    """Findings of ``rules`` per stack, computed on the first resource asked about."""

    def __init__(self, rules: Iterable[Rule], settings: RuleSettings | None = None) -> None:
        self._rules = tuple(rules)
        self._settings = settings
        self._by_stack: dict[str, dict[str, list[Finding]]] = {}

    def for_resource(self, node: cdk.CfnResource) -> list[Finding]:
        """The findings on ``node``, from its stack's template (synthesized once per stack)."""
        stack = cdk.Stack.of(node)
        key = stack.node.path
        if key not in self._by_stack:
            grouped: dict[str, list[Finding]] = {}
            for finding in stack_findings(stack, self._rules, self._settings):
                grouped.setdefault(finding.resource, []).append(finding)
            self._by_stack[key] = grouped
        return self._by_stack[key].get(stack.resolve(stack.get_logical_id(node)), [])
