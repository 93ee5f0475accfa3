"""Inference constructs: asynchronous (scale-to-zero), real-time and batch-transform serving,
model sources (Hugging Face on Neuron images, S3 artifacts, custom images) and right-sizing."""

from ..catalog.right_sizing import SizingDecision, right_size
from .async_endpoint import AsyncInferenceEndpoint
from .batch_transform import AssembleWith, BatchStrategy, BatchTransformPipeline, SplitType
from .huggingface import HuggingFaceNeuronModel
from .inference_model import InferenceModel
from .model_source import ContainerConfig, CustomImage, ModelSource, S3ModelArtifact
from .realtime_endpoint import OffHoursSchedule, RealtimeEndpoint

__all__ = [
    "AssembleWith",
    "AsyncInferenceEndpoint",
    "BatchStrategy",
    "BatchTransformPipeline",
    "ContainerConfig",
    "CustomImage",
    "HuggingFaceNeuronModel",
    "InferenceModel",
    "ModelSource",
    "OffHoursSchedule",
    "RealtimeEndpoint",
    "S3ModelArtifact",
    "SizingDecision",
    "SplitType",
    "right_size",
]
