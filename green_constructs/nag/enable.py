"""``enable_sustainability_checks``: both packs, through the installed cdk-nag's mechanism."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import aws_cdk as cdk

from ..rules import RuleSettings
from .installed import CDK_NAG_MAJOR
from .settings import rule_settings
from .tree_order import jsii_key

if TYPE_CHECKING:
    from .v3 import GenAISustainabilityChecks, SustainabilityChecks

    Pack = SustainabilityChecks | GenAISustainabilityChecks

DEFAULT_PACKS = ("Sustainability", "GenAI")
_ENABLED: dict[str, dict[str, tuple[tuple[Any, ...], Pack]]] = {}
"""Packs enabled per app (by jsii reference), with the options they were enabled with."""


def enable_sustainability_checks(
    app: cdk.App,
    *,
    strict: bool = False,
    settings: RuleSettings | Mapping[str, Any] | None = None,
    packs: Iterable[str] = DEFAULT_PACKS,
    exclude: Iterable[str] = (),
    reports: bool = True,
) -> list[Pack]:
    """Check every stack of ``app`` with our packs when it is synthesized.

    With cdk-nag 3 the packs are validation plugins; with cdk-nag 2 they run as a validation of
    the app and of every Stage it holds at the time of the call, on each of their stacks. Warnings and infos are
    printed; errors fail synth, and with ``strict=True`` warnings do too. With cdk-nag 2,
    ``reports`` writes cdk-nag's CSV report per pack and stack into the assembly
    (``Sustainability-<stack>-NagReport.csv``), as its own packs do; cdk-nag 3 reports through
    the CDK's validation report instead. Returns the pack objects (the installed major's
    ``SustainabilityChecks`` and ``GenAISustainabilityChecks``).

    Calling it again on the same app adds nothing: it returns the packs already enabled (a
    pack not yet enabled is added); enabling one again with other options is a
    ``ValueError``. ``settings`` is a ``RuleSettings`` or a mapping of its fields; anything
    else is a ``TypeError`` naming it.

    Acknowledge a finding on a construct and its children, giving the real reason: by the id
    the CDK CLI prints (the bare rule id works too) with cdk-nag 3::

        cdk.Validations.of(log_group).acknowledge(
            cdk.Acknowledgment(
                id="SustainabilityChecks::Sustainability-LogGroupRetention",
                reason="Audit logs are kept for seven years by regulation.",
            )
        )

    with cdk-nag 2::

        NagSuppressions.add_resource_suppressions(
            log_group,
            [
                {
                    "id": "Sustainability-LogGroupRetention",
                    "reason": "Audit logs are kept for seven years by regulation.",
                }
            ],
            apply_to_children=True,
        )

    or with either, :func:`green_constructs.nag.acknowledge.acknowledge`. Acknowledgements are
    written into the template, where ``green-constructs lint`` reads them too.
    """
    from . import GenAISustainabilityChecks, SustainabilityChecks

    classes: dict[str, type[Pack]] = {
        "Sustainability": SustainabilityChecks,
        "GenAI": GenAISustainabilityChecks,
    }
    chosen = list(dict.fromkeys(packs))
    unknown = [p for p in chosen if p not in classes]
    if unknown:
        raise ValueError(f"packs: unknown {', '.join(unknown)}; allowed: {', '.join(classes)}")
    settings = rule_settings(settings)
    key = (strict, settings, tuple(exclude), reports)
    enabled = _ENABLED.setdefault(jsii_key(app), {})
    for name in chosen:
        if name in enabled and enabled[name][0] != key:
            raise ValueError(
                f"enable_sustainability_checks: the {name} pack is already enabled on this app "
                "with other options (strict, settings, exclude, reports)"
            )
    options: dict = {} if CDK_NAG_MAJOR >= 3 else {"reports": reports}
    created = {
        p: classes[p](app, strict=strict, settings=settings, exclude=key[2], **options)
        for p in chosen
        if p not in enabled
    }
    if CDK_NAG_MAJOR >= 3:
        cdk.Validations.of(app).add_plugins(*created.values())
    elif created:  # one validation per Stage (the app too): see v2.PackValidation
        from .v2 import PackValidation

        inner = app.node.find_all()[1:]  # the first is the app itself
        for stage in [app, *(c for c in inner if isinstance(c, cdk.Stage))]:
            # typed as the cdk-nag 3 plugins the check sees; under cdk-nag 2 they are Aspects
            stage.node.add_validation(PackValidation(stage, cast(Any, created.values())))
    enabled.update((name, (key, pack)) for name, pack in created.items())
    return [enabled[name][1] for name in chosen]
