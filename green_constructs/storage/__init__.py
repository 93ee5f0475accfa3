"""Storage building blocks shared by the inference and training constructs."""

from .dataset_bucket import DATASET_STORAGE_CLASSES, DatasetBucket
from .prefix_access import grant_prefix
from .sustainable_bucket import SustainableBucket

__all__ = ["DATASET_STORAGE_CLASSES", "DatasetBucket", "SustainableBucket", "grant_prefix"]
