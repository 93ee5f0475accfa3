"""The estimator: energy, emissions and indicative cost before deployment (and in the carbon
metrics Lambda, which uses the same code)."""

from .footprint import Coefficient, InstanceFootprint, instance_footprint, instance_watts

__all__ = ["Coefficient", "InstanceFootprint", "instance_footprint", "instance_watts"]
