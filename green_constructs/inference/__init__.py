"""Inference constructs: model sources, right-sizing, and the SageMaker model they share."""

from .inference_model import InferenceModel
from .model_source import ContainerConfig, CustomImage, ModelSource, S3ModelArtifact
from .right_sizing import SizingDecision, right_size

__all__ = [
    "ContainerConfig",
    "CustomImage",
    "InferenceModel",
    "ModelSource",
    "S3ModelArtifact",
    "SizingDecision",
    "right_size",
]
