"""Instance checks shared by the endpoints and the batch transform pipeline."""

from __future__ import annotations

from constructs import Construct

from ..availability import check_instance_offered
from ..catalog import Catalog
from ..rules.genai._compute import PURPOSE_FEATURES, replacement

_PURPOSES = {feature: purpose for purpose, feature in PURPOSE_FEATURES.items()}
"""Catalog feature -> the work it does (``hosting`` -> ``inference``)."""


def check_current_generation(name: str, instance_type: str, *, feature: str) -> None:
    """Fail synth on a previous-generation instance (``ml.p3``, ``ml.inf1``, ``ml.m4``...),
    naming a current type of comparable size that ``feature``'s API takes.

    GPU and x86 instances of the current generation are allowed: ``GenAI-InferenceAccelerator``
    reports them, and a model that needs one is acknowledged with its reason.
    """
    catalog = Catalog.default()
    family = catalog.find_family(instance_type)
    if family is not None and family.previous_generation:
        found = replacement(
            catalog, instance_type, family, purpose=_PURPOSES[feature], feature=feature
        )
        raise ValueError(
            f"{name}: {instance_type} is a previous-generation instance; use "
            f"{found or 'a current-generation type'} (allowed: current-generation instances, "
            "ml.inf2 by default)"
        )


def check_instance(scope: Construct, name: str, instance_type: str, *, feature: str) -> None:
    """Current generation, and offered for ``feature`` in the stack's region."""
    check_current_generation(name, instance_type, feature=feature)
    check_instance_offered(scope, property_name=name, instance_type=instance_type, feature=feature)
