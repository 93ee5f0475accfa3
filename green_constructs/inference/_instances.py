"""Instance checks shared by the endpoints and the batch transform pipeline."""

from __future__ import annotations

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
