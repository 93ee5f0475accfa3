"""The ``GenAI`` pack: generative-AI sustainability checks; one rule a module."""
