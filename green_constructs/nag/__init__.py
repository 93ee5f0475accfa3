"""cdk-nag packs ``SustainabilityChecks`` and ``GenAISustainabilityChecks`` for cdk-nag 2 and 3.

The classes come from ``v3`` (validation plugins) or ``v2`` (Aspects) depending on the installed
cdk-nag; ``enable_sustainability_checks(app)`` registers both the right way, and
``acknowledge(construct, rule_id, reason)`` acknowledges a finding (ours or cdk-nag's own, such
as ``AwsSolutions-IAM5``) with whichever major is installed.
"""

from .acknowledge import acknowledge
from .enable import enable_sustainability_checks
from .installed import CDK_NAG_MAJOR, CDK_NAG_VERSION

if CDK_NAG_MAJOR >= 3:
    from .v3 import GenAISustainabilityChecks, SustainabilityChecks
else:  # the check types the names as the installed cdk-nag 3's classes
    from .v2 import GenAISustainabilityChecks, SustainabilityChecks  # type: ignore[assignment]

__all__ = [
    "CDK_NAG_MAJOR",
    "CDK_NAG_VERSION",
    "GenAISustainabilityChecks",
    "SustainabilityChecks",
    "acknowledge",
    "enable_sustainability_checks",
]
