"""Training constructs: Trainium training jobs on Spot capacity with checkpoints, and their
distributed (tensor, pipeline, data parallel) configuration, and Trainium HyperPod clusters."""

from .cluster import LustreStorage, TrainiumCluster, TrainiumWorkerGroup
from .distributed import DistributedConfig, DistributedSettings
from .image import TrainingImage
from .training_job import TRAINING_INSTANCE_TYPES, TrainiumTrainingJob

__all__ = [
    "DistributedConfig",
    "DistributedSettings",
    "LustreStorage",
    "TRAINING_INSTANCE_TYPES",
    "TrainingImage",
    "TrainiumCluster",
    "TrainiumTrainingJob",
    "TrainiumWorkerGroup",
]
