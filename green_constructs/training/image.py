"""The container a Trainium training job runs: a Neuron Deep Learning Container or the user's."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct

from ..catalog import Catalog
from ..inference.images import neuron_dlc_image
from ..inference.model_source import grant_image_pull, image_accelerator

DEFAULT_REPOSITORY = "pytorch-training-neuronx"
DEFAULT_TAG = "2.8.0-neuronx-py311-sdk2.26.1-ubuntu22.04"
"""PyTorch 2.8 with torch-neuronx, NxD and NxD Training (Neuron SDK 2.26.1), trn1 and trn2.
The SDK's image tables list this repository (``hyperpod-recipes-neuron``) but not this tag:
its regions are taken to be the repository's."""
_HUGGINGFACE = Catalog.default().newest_dlc_image("huggingface-neuronx", "training")
HUGGINGFACE_REPOSITORY = _HUGGINGFACE.repository
HUGGINGFACE_TAG = "2.8.0-" + _HUGGINGFACE.tag.split("-", 1)[1]
"""The Hugging Face Neuron training image (transformers, optimum-neuron, peft and datasets):
the newest ``huggingface-neuronx`` training release of the SDK's image tables, with the PyTorch
version of its published tag (2.8.0; the table's key says 2.7.0, and the SDK builds no tag for
it: AWS Deep Learning Containers' and Hugging Face's image listings)."""


class TrainingImage:
    """A training image; build one with :meth:`neuron_dlc` or :meth:`from_uri`."""

    def __init__(self, *, repository: str | None, tag: str | None, uri: str | None) -> None:
        for name, value in (("repository", repository), ("tag", tag), ("uri", uri)):
            if value is not None and (not isinstance(value, str) or not value):
                raise TypeError(f"image {name} must be a non-empty string, got {value!r}")
        self._repository, self._tag, self._uri = repository, tag, uri

    @classmethod
    def neuron_dlc(
        cls, repository: str = DEFAULT_REPOSITORY, tag: str = DEFAULT_TAG
    ) -> TrainingImage:
        """A Neuron Deep Learning Container (``pytorch-training-neuronx``,
        ``huggingface-pytorch-training-neuronx``...) from the registry of the stack's region
        (a per-region mapping in environment-agnostic stacks)."""
        return cls(repository=repository, tag=tag, uri=None)

    @classmethod
    def huggingface_neuron(cls, tag: str = HUGGINGFACE_TAG) -> TrainingImage:
        """The Hugging Face Neuron training Deep Learning Container (optimum-neuron inside):
        what the recipes in :mod:`green_constructs.training.recipes` need."""
        return cls.neuron_dlc(repository=HUGGINGFACE_REPOSITORY, tag=tag)

    @classmethod
    def from_uri(cls, uri: str) -> TrainingImage:
        """Any image URI; pull access is granted when it is in ECR. It must be built for
        Neuron: an image named for GPU or CPU fails synth."""
        return cls(repository=None, tag=None, uri=uri)

    def bind(self, scope: Construct, role: iam.IRole) -> str:
        """The image URI for ``scope``'s stack, with pull access granted to ``role``."""
        if self._uri is not None:
            built_for = image_accelerator(self._uri)
            if built_for not in (None, "neuron"):
                raise ValueError(
                    f"image: {self._uri} is a {built_for} image; Trainium needs a Neuron image "
                    "(allowed: Neuron Deep Learning Containers or images built on them)"
                )
            grant_image_pull(role, self._uri)
            return self._uri
        if self._repository is None or self._tag is None:
            raise ValueError("image: give a uri, or a repository and a tag")
        image = neuron_dlc_image(
            scope, repository=self._repository, tag=self._tag, property_name="image"
        )
        image.grant_pull(role)
        return image.uri
