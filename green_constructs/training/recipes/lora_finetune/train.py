"""LoRA fine-tune of a small causal language model on Trainium with optimum-neuron.

Run by the Neuron Deep Learning Container under torchrun (one process per NeuronCore). Reads
JSON Lines with ``prompt`` and ``completion`` fields from the ``train`` channel, resumes from
the newest checkpoint in /opt/ml/checkpoints (kept by SageMaker across Spot interruptions), and
saves the LoRA adapter and tokenizer to /opt/ml/model. With ``--merge_adapter true`` the first
process then consolidates the adapter's tensor-parallel shards (``optimum-cli neuron
consolidate``), merges it into the base weights on the host (peft's ``merge_and_unload``) and
saves the merged model there instead, with the adapter under ``adapter/``: a standard Hugging
Face checkpoint that a serving container reads from /opt/ml/model (optimum-neuron's vLLM
plugin serves no LoRA adapter). optimum-neuron 0.4 trains Llama, Granite and Qwen3 models.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    merge_adapter: bool = field(
        default=False, metadata={"help": "Save the base model with the adapter merged in."}
    )
    data_parallel_size: int = field(default=1, metadata={"help": "Set by the construct."})
    nproc_per_node: int = field(default=1, metadata={"help": "Set by the construct."})
    nnodes: int = field(default=1, metadata={"help": "Set by the construct."})


def to_messages(example: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """A ``prompt``/``completion`` record as the chat ``messages`` the SFT trainer takes."""
    return {
        "messages": [
            {"role": "user", "content": example["prompt"]},
            {"role": "assistant", "content": example["completion"]},
        ]
    }


def newest_checkpoint(directory: str) -> str | None:
    """The ``checkpoint-<step>`` directory of the highest step in ``directory``, if any."""
    found = sorted(Path(directory).glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
    return str(found[-1]) if found else None


def main() -> None:
    """Fine-tune, save the adapter (or the merged model) and the tokenizer to the model dir."""
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
    adapter_dir = os.path.join(job.model_dir, "adapter") if job.merge_adapter else job.model_dir
    trainer.save_model(adapter_dir)
    tokenizer.save_pretrained(job.model_dir)
    if job.merge_adapter and trainer.is_world_process_zero():
        merge_adapter(job.model_id, adapter_dir, job.model_dir, training.bf16)


def merge_adapter(model_id: str, adapter_dir: str, model_dir: str, bf16: bool) -> None:
    """Save ``model_id`` with the adapter in ``adapter_dir`` merged into its weights (on the
    host's memory: trn1 hosts have 512 GiB) as safetensors in ``model_dir``."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    unified = os.path.join(adapter_dir, "adapter_default")
    subprocess.run(["optimum-cli", "neuron", "consolidate", adapter_dir, unified], check=True)
    base = AutoModelForCausalLM.from_pretrained(
        model_id, torch_dtype=torch.bfloat16 if bf16 else torch.float32
    )
    merged = PeftModel.from_pretrained(base, unified).merge_and_unload()
    merged.save_pretrained(model_dir, safe_serialization=True)


if __name__ == "__main__":
    main()
