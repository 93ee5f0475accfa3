"""Training scripts shipped with the package, ready to hand to ``TrainiumTrainingJob``.

``LORA_FINETUNE``: a LoRA fine-tune of a causal language model with optimum-neuron
(``train.py``; JSON Lines with ``prompt`` and ``completion`` from the ``train`` channel,
resumes from checkpoints, saves the adapter to /opt/ml/model). Pass it as ``source_dir``.
"""

from pathlib import Path

LORA_FINETUNE = Path(__file__).resolve().parent / "lora_finetune"

__all__ = ["LORA_FINETUNE"]
