"""Instance checks shared by the endpoints and the batch transform pipeline."""

from __future__ import annotations

from constructs import Construct

from ..availability import check_instance_offered
from ..catalog import Catalog


def check_current_generation(name: str, instance_type: str) -> None:
    """Fail synth on a previous-generation instance (``ml.p3``, ``ml.inf1``, ``ml.m4``...).

    GPU and x86 instances of the current generation are allowed: ``GenAI-InferenceAccelerator``
    reports them, and a model that needs one is acknowledged with its reason.
    """
    family = Catalog.default().find_family(instance_type)
    if family is not None and family.previous_generation:
        raise ValueError(
            f"{name}: {instance_type} is a previous-generation instance; use "
            f"{family.superseded_by or 'a current family'} (allowed: current-generation "
            "instances, ml.inf2 by default)"
        )


def check_instance(scope: Construct, name: str, instance_type: str, *, feature: str) -> None:
    """Current generation, and offered for ``feature`` in the stack's region."""
    check_current_generation(name, instance_type)
    check_instance_offered(scope, property_name=name, instance_type=instance_type, feature=feature)
