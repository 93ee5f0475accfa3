"""``enable_sustainability_checks``: both packs, through the installed cdk-nag's mechanism."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

import aws_cdk as cdk

from ..rules import RuleSettings
from .installed import CDK_NAG_MAJOR

if TYPE_CHECKING:
    from .v3 import GenAISustainabilityChecks, SustainabilityChecks

    Pack = SustainabilityChecks | GenAISustainabilityChecks

DEFAULT_PACKS = ("Sustainability", "GenAI")


def enable_sustainability_checks(
    app: cdk.App,
    *,
    strict: bool = False,
    settings: RuleSettings | None = None,
    packs: Iterable[str] = DEFAULT_PACKS,
    exclude: Iterable[str] = (),
    reports: bool = True,
) -> list[Pack]:
    """Check every stack of ``app`` with our packs when it is synthesized.

    With cdk-nag 3 the packs are validation plugins; with cdk-nag 2 they are Aspects added to
    the app and to every Stage it holds at the time of the call. Warnings and infos are
    printed; errors fail synth, and with ``strict=True`` warnings do too. With cdk-nag 2,
    ``reports`` writes cdk-nag's CSV report per pack and stack into the assembly
    (``Sustainability-<stack>-NagReport.csv``), as its own packs do; cdk-nag 3 reports through
    the CDK's validation report instead. Returns the pack objects (the installed major's
    ``SustainabilityChecks`` and ``GenAISustainabilityChecks``).

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
    chosen = list(packs)
    unknown = [p for p in chosen if p not in classes]
    if unknown:
        raise ValueError(f"packs: unknown {', '.join(unknown)}; allowed: {', '.join(classes)}")
    options: dict = {} if CDK_NAG_MAJOR >= 3 else {"reports": reports}
    created = [
        classes[p](app, strict=strict, settings=settings, exclude=exclude, **options)
        for p in chosen
    ]
    if CDK_NAG_MAJOR >= 3:
        cdk.Validations.of(app).add_plugins(*created)
    else:  # Aspects of an App do not reach into its Stages: add them to each one
        scopes = [app, *(c for c in app.node.find_all() if isinstance(c, cdk.Stage))]
        for scope in scopes:
            for pack in created:
                # typed as the cdk-nag 3 plugins the check sees; under cdk-nag 2 they are Aspects
                cdk.Aspects.of(scope).add(cast(cdk.IAspect, pack))
    return created
