"""LoRA fine-tune of a small causal language model on Trainium with optimum-neuron.

Run by the Neuron Deep Learning Container under torchrun (one process per NeuronCore). Reads
JSON Lines with ``prompt`` and ``completion`` fields from the ``train`` channel, resumes from
the newest checkpoint in /opt/ml/checkpoints (kept by SageMaker across Spot interruptions), and
saves the LoRA adapter and tokenizer to /opt/ml/model.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import torch
from datasets import load_dataset
from optimum.neuron import NeuronSFTConfig, NeuronSFTTrainer, NeuronTrainingArguments
from optimum.neuron.models.training import NeuronModelForCausalLM
from peft import LoraConfig
from transformers import AutoTokenizer, HfArgumentParser

CHECKPOINTS = "/opt/ml/checkpoints"


@dataclass
class JobArguments:
    """Settings of this script; the training settings are NeuronTrainingArguments."""

    model_id: str = field(default="Qwen/Qwen3-0.6B")
    train_dir: str = field(default=os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    model_dir: str = field(default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    max_seq_length: int = field(default=1024)
    lora_rank: int = field(default=16)
    data_parallel_size: int = field(default=1, metadata={"help": "Set by the construct."})
    nproc_per_node: int = field(default=1, metadata={"help": "Set by the construct."})
    nnodes: int = field(default=1, metadata={"help": "Set by the construct."})


def to_messages(example: dict) -> dict:
    return {
        "messages": [
            {"role": "user", "content": example["prompt"]},
            {"role": "assistant", "content": example["completion"]},
        ]
    }


def newest_checkpoint(directory: str) -> str | None:
    found = sorted(Path(directory).glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
    return str(found[-1]) if found else None


def main() -> None:
    parser = HfArgumentParser((JobArguments, NeuronTrainingArguments))
    job, training = parser.parse_args_into_dataclasses()
    files = sorted(str(p) for p in Path(job.train_dir).glob("*.jsonl"))
    dataset = load_dataset("json", data_files=files, split="train").map(to_messages)

    tokenizer = AutoTokenizer.from_pretrained(job.model_id)
    model = NeuronModelForCausalLM.from_pretrained(
        job.model_id,
        training.trn_config,
        torch_dtype=torch.bfloat16 if training.bf16 else torch.float32,
    )
    config = NeuronSFTConfig(max_seq_length=job.max_seq_length, packing=True, **training.to_dict())
    trainer = NeuronSFTTrainer(
        args=config,
        model=model,
        peft_config=LoraConfig(
            r=job.lora_rank,
            lora_alpha=2 * job.lora_rank,
            lora_dropout=0.05,
            target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
            task_type="CAUSAL_LM",
        ),
        tokenizer=tokenizer,
        train_dataset=dataset,
        formatting_func=lambda batch: tokenizer.apply_chat_template(
            batch["messages"], tokenize=False
        ),
    )
    trainer.train(resume_from_checkpoint=newest_checkpoint(training.output_dir))
    trainer.save_model(job.model_dir)
    tokenizer.save_pretrained(job.model_dir)


if __name__ == "__main__":
    main()
