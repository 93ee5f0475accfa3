"""Managed generative AI on Amazon Bedrock: serverless knowledge bases (RAG over S3 Vectors, or
OpenSearch Serverless when opted into), batch inference on shared capacity, and model choice
with prompt routing."""

from .batch_inference import BedrockBatchInference
from .embedding import (
    COHERE_EMBED_ENGLISH_V3,
    COHERE_EMBED_MULTILINGUAL_V3,
    TITAN_EMBEDDINGS_G1_TEXT,
    TITAN_TEXT_EMBEDDINGS_V2,
    EmbeddingModel,
)
from .knowledge_base import ServerlessKnowledgeBase
from .models import BedrockModel, InferenceParameters
from .prompt_router import PromptRouter
from .vector_store import VectorStore

__all__: list[str] = []
__all__ += ["BedrockBatchInference", "BedrockModel", "InferenceParameters", "PromptRouter"]
__all__ += [
    "COHERE_EMBED_ENGLISH_V3",
    "COHERE_EMBED_MULTILINGUAL_V3",
    "TITAN_EMBEDDINGS_G1_TEXT",
    "TITAN_TEXT_EMBEDDINGS_V2",
    "EmbeddingModel",
    "ServerlessKnowledgeBase",
    "VectorStore",
]
