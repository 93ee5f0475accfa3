"""DistributedConfig: parallel degrees checked against NeuronCores and nodes, Neuron settings."""

from __future__ import annotations

import re

import pytest

from green_constructs.training import DistributedConfig
from green_constructs.training.distributed import DEFAULT_COMPILER_FLAGS, EFA_INSTANCE_TYPES


def test_data_parallel_is_derived_from_nodes_and_neuron_cores() -> None:
    settings = DistributedConfig(tensor_parallel=8, pipeline_parallel=2, microbatches=4).resolve(
        instance_type="ml.trn1.32xlarge", instance_count=4
    )
    assert (settings.cores_per_node, settings.world_size, settings.data_parallel) == (32, 128, 8)
    assert settings.hyperparameters() == {
        "sagemaker_torch_distributed_enabled": "true",
        "sagemaker_instance_type": "ml.trn1.32xlarge",
        "nproc_per_node": "32",
        "nnodes": "4",
        "tensor_parallel_size": "8",
        "pipeline_parallel_size": "2",
        "data_parallel_size": "8",
        "pipeline_parallel_num_microbatches": "4",
        "gradient_accumulation_steps": "1",
    }


def test_single_node_has_no_efa_settings() -> None:
    settings = DistributedConfig().resolve(instance_type="ml.trn1.2xlarge", instance_count=1)
    assert settings.data_parallel == 2
    assert settings.environment() == {"NEURON_CC_FLAGS": DEFAULT_COMPILER_FLAGS}


def test_several_nodes_get_efa_settings() -> None:
    environment = (
        DistributedConfig()
        .resolve(instance_type="ml.trn1n.32xlarge", instance_count=2)
        .environment()
    )
    assert environment["FI_PROVIDER"] == "efa"
    assert environment["FI_EFA_USE_DEVICE_RDMA"] == "1"
    assert environment["FI_EFA_FORK_SAFE"] == "1"
    assert "--auto-cast-type=bf16" in environment["NEURON_CC_FLAGS"]


@pytest.mark.parametrize("instance_type", EFA_INSTANCE_TYPES)
def test_several_nodes_train_on_every_type_with_efa(instance_type) -> None:
    settings = DistributedConfig().resolve(instance_type=instance_type, instance_count=2)
    assert settings.environment()["FI_PROVIDER"] == "efa"


def test_trainium2_uses_logical_neuron_cores() -> None:
    default = DistributedConfig(tensor_parallel=64).resolve(
        instance_type="ml.trn2.48xlarge", instance_count=1
    )
    assert (default.cores_per_node, default.logical_nc_config) == (64, 2)
    assert default.environment()["NEURON_LOGICAL_NC_CONFIG"] == "2"
    physical = DistributedConfig(logical_nc_config=1).resolve(
        instance_type="ml.trn2.48xlarge", instance_count=1
    )
    assert physical.cores_per_node == 128


@pytest.mark.parametrize(
    "config, instance_type, nodes, message",
    [
        (
            DistributedConfig(tensor_parallel=3),
            "ml.trn1.32xlarge",
            1,
            "tensor_parallel (3) must divide the 32 NeuronCores of one ml.trn1.32xlarge node",
        ),
        (
            DistributedConfig(tensor_parallel=4),
            "ml.trn1.2xlarge",
            1,
            "tensor_parallel (4) must divide the 2 NeuronCores",
        ),
        (
            DistributedConfig(),
            "ml.trn1.2xlarge",
            2,
            "instance_count: ml.trn1.2xlarge has no EFA, which Neuron needs between nodes, so it "
            "trains on 1 node only (got 2); for several nodes use one of ml.trn1.32xlarge, "
            "ml.trn1n.32xlarge, ml.trn2.48xlarge",
        ),
        (
            DistributedConfig(tensor_parallel=8, pipeline_parallel=3, microbatches=3),
            "ml.trn1.32xlarge",
            1,
            "pipeline_parallel: tensor_parallel x pipeline_parallel (8 x 3)",
        ),
        (
            DistributedConfig(pipeline_parallel=4, microbatches=2),
            "ml.trn1.32xlarge",
            1,
            "microbatches (2) must be at least pipeline_parallel (4)",
        ),
        (
            DistributedConfig(tensor_parallel=0),
            "ml.trn1.32xlarge",
            1,
            "tensor_parallel must be a whole number from 1 to 2147483647",
        ),
        (
            DistributedConfig(gradient_accumulation=0),
            "ml.trn1.32xlarge",
            1,
            "gradient_accumulation must be a whole number from 1 to 2147483647",
        ),
        (
            DistributedConfig(),
            "ml.trn1.32xlarge",
            0,
            "instance_count must be a whole number from 1 to 2147483647",
        ),
        (
            DistributedConfig(logical_nc_config=2),
            "ml.trn1.32xlarge",
            1,
            "logical_nc_config: 2 is not supported on ml.trn1.32xlarge (allowed: 1)",
        ),
        (DistributedConfig(), "ml.g6.xlarge", 1, "instance_type: ml.g6.xlarge has no NeuronCores"),
    ],
)
def test_bad_config_names_the_property(config, instance_type, nodes, message) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        config.resolve(instance_type=instance_type, instance_count=nodes)
