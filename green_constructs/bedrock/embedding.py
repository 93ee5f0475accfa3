"""Bedrock text embedding models a knowledge base can use, with the vector sizes they output.

Sources (retrieved 2026-12-05):

- Amazon Titan Text Embeddings V2: 256, 512 or 1024 dimensions (1024 by default), up to 8,192
  input tokens: Amazon Bedrock user guide, "Amazon Titan Text Embeddings models"
  (https://docs.aws.amazon.com/bedrock/latest/userguide/titan-embedding-models.html) and the
  AWS News Blog launch post "Amazon Titan Text Embeddings V2 now available in Amazon Bedrock,
  optimized for improving RAG" (2024-04-30), which also gives the trade-off: 512 dimensions
  keep about 99% and 256 about 97% of the retrieval accuracy of 1024.
- Amazon Titan Embeddings G1 - Text: 1,536 dimensions, 8,192 tokens (same user guide page).
- Cohere Embed English v3 and Multilingual v3: 1,024 dimensions; Cohere recommends texts under
  512 tokens (Amazon Bedrock user guide, "Cohere Embed models",
  https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html).

Smaller vectors are less to compute on every query, to store and to scan: a 512-dimension index
holds half the bytes of a 1024-dimension one for the same chunks.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from constructs import IConstruct


@dataclass(frozen=True)
class EmbeddingModel:
    """A Bedrock embedding model: its id and the vector sizes it can output.

    :param model_id: the foundation model id, e.g. ``amazon.titan-embed-text-v2:0``.
    :param dimensions: the vector sizes the model can output.
    :param recommended_dimension: the size a :class:`ServerlessKnowledgeBase` uses unless told
        otherwise: the smallest that keeps retrieval quality close to the largest, where AWS
        publishes such a figure, else the model's only size.
    :param max_input_tokens: the longest text (a chunk) the model embeds.
    :param source: where the figures come from (and when they were read).
    """

    model_id: str
    dimensions: tuple[int, ...]
    recommended_dimension: int
    max_input_tokens: int
    source: str

    def arn(self, scope: IConstruct) -> str:
        """``arn:<partition>:bedrock:<region>::foundation-model/<id>`` in ``scope``'s stack."""
        return cdk.Stack.of(scope).format_arn(
            service="bedrock",
            account="",
            resource="foundation-model",
            resource_name=self.model_id,
            arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME,
        )

    def check_dimension(self, prop: str, dimension: int | float) -> None:
        """Fail, naming ``prop`` and the allowed values, unless the model outputs ``dimension``
        (a token is accepted unchecked)."""
        if isinstance(dimension, (int, float)) and cdk.Token.is_unresolved(dimension):
            return
        if isinstance(dimension, bool) or dimension not in self.dimensions:
            allowed = ", ".join(str(each) for each in self.dimensions)
            raise ValueError(
                f"{prop}: {self.model_id} outputs vectors of {allowed} dimensions, "
                f"got {dimension!r}"
            )


TITAN_TEXT_EMBEDDINGS_V2 = EmbeddingModel(
    model_id="amazon.titan-embed-text-v2:0",
    dimensions=(256, 512, 1024),
    recommended_dimension=512,
    max_input_tokens=8192,
    source="Bedrock user guide titan-embedding-models; AWS News Blog, 2024-04-30 (read 2026-12-05)",
)
"""Amazon Titan Text Embeddings V2, at 512 dimensions by default: about 99% of the 1024-dimension
retrieval accuracy for half the vector bytes (AWS's launch post, 2024-04-30)."""

TITAN_EMBEDDINGS_G1_TEXT = EmbeddingModel(
    model_id="amazon.titan-embed-text-v1",
    dimensions=(1536,),
    recommended_dimension=1536,
    max_input_tokens=8192,
    source="Bedrock user guide titan-embedding-models (read 2026-12-05)",
)
"""Amazon Titan Embeddings G1 - Text (1,536 dimensions)."""

COHERE_EMBED_ENGLISH_V3 = EmbeddingModel(
    model_id="cohere.embed-english-v3",
    dimensions=(1024,),
    recommended_dimension=1024,
    max_input_tokens=512,
    source="Bedrock user guide model-parameters-embed (read 2026-12-05)",
)
"""Cohere Embed English v3 (1,024 dimensions)."""

COHERE_EMBED_MULTILINGUAL_V3 = EmbeddingModel(
    model_id="cohere.embed-multilingual-v3",
    dimensions=(1024,),
    recommended_dimension=1024,
    max_input_tokens=512,
    source="Bedrock user guide model-parameters-embed (read 2026-12-05)",
)
"""Cohere Embed Multilingual v3 (1,024 dimensions)."""

EMBEDDING_MODELS: dict[str, EmbeddingModel] = {
    each.model_id: each
    for each in (
        TITAN_TEXT_EMBEDDINGS_V2,
        TITAN_EMBEDDINGS_G1_TEXT,
        COHERE_EMBED_ENGLISH_V3,
        COHERE_EMBED_MULTILINGUAL_V3,
    )
}
"""The models above by id."""


def embedding_model(prop: str, model: EmbeddingModel | str) -> EmbeddingModel:
    """``model`` itself, or the known model of that id; fails naming ``prop`` and the known ids."""
    if isinstance(model, EmbeddingModel):
        return model
    if isinstance(model, str) and model in EMBEDDING_MODELS:
        return EMBEDDING_MODELS[model]
    raise ValueError(
        f"{prop}: unknown embedding model {model!r}; known: {', '.join(EMBEDDING_MODELS)} "
        "(or pass an EmbeddingModel with its dimensions)"
    )
