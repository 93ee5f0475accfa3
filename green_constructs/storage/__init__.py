"""Storage building blocks shared by the inference and training constructs."""

from .sustainable_bucket import SustainableBucket

__all__ = ["SustainableBucket"]
