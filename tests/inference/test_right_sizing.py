"""Right-sizing: each term of the formula, the smallest fitting instance, clear errors."""

from __future__ import annotations

import pytest

from green_constructs.catalog.right_sizing import (
    BYTES_PER_PARAMETER,
    required_gib,
    right_size,
    weights_gib,
)

GIB = 2**30


def test_weights_are_parameters_times_bytes_per_parameter_in_gib() -> None:
    assert weights_gib(8, "bf16") == pytest.approx(16e9 / GIB)  # 14.901 GiB
    assert weights_gib(8, "bf16") == pytest.approx(14.9012, abs=1e-4)
    assert weights_gib(8, "fp32") == pytest.approx(32e9 / GIB)
    assert weights_gib(7, "int4") == pytest.approx(3.5e9 / GIB)
    assert BYTES_PER_PARAMETER["fp16"] == BYTES_PER_PARAMETER["bf16"] == 2


def test_kv_cache_headroom_is_a_fraction_of_the_weights() -> None:
    assert required_gib(8, "bf16") == pytest.approx(14.9012 * 1.25, abs=1e-3)  # default 25%
    assert required_gib(8, "bf16", kv_cache_headroom=0) == pytest.approx(14.9012, abs=1e-4)
    assert required_gib(70, "bf16", kv_cache_headroom=0.5) == pytest.approx(140e9 / GIB * 1.5)


def test_8b_bf16_needs_the_8xlarge_for_its_host_memory() -> None:
    decision = right_size(parameters_billion=8, dtype="bf16")
    # the xlarge's 32 GiB of accelerator memory hold it, but its 16 GiB of host memory cannot
    # load 14.9 GiB of weights plus 4 GiB for the OS, runtime and server
    assert decision.instance_type == "ml.inf2.8xlarge"
    assert (decision.neuron_cores, decision.tensor_parallel_degree) == (2, 2)
    assert (decision.required_gib, decision.available_gib) == (18.63, 32.0)
    assert (decision.required_host_gib, decision.host_memory_gib) == (18.9, 128.0)
    assert "14.9 GiB of weights + 25% KV-cache headroom = 18.6 GiB" in decision.reason
    assert "host memory to load the weights (128 GiB >= 18.9 GiB)" in decision.reason


def test_small_models_stay_on_the_xlarge() -> None:
    # 3B bf16 = 5.6 GiB of weights + 4 GiB = 9.6 GiB of host memory, within the xlarge's 16
    assert right_size(parameters_billion=3, dtype="bf16").instance_type == "ml.inf2.xlarge"
    assert right_size(parameters_billion=6, dtype="bf16").instance_type == "ml.inf2.xlarge"
    assert right_size(parameters_billion=7, dtype="bf16").instance_type == "ml.inf2.8xlarge"


def test_host_overhead_is_settable() -> None:
    decision = right_size(parameters_billion=6, dtype="bf16", host_overhead_gib=8)
    assert decision.instance_type == "ml.inf2.8xlarge"  # 11.2 + 8 > 16


def test_70b_bf16_needs_a_24xlarge() -> None:
    decision = right_size(parameters_billion=70, dtype="bf16")
    # 70e9 * 2 / 2**30 = 130.39 GiB; * 1.25 = 162.98 GiB > 32 GiB, <= 192 GiB
    assert decision.instance_type == "ml.inf2.24xlarge"
    assert (decision.neuron_cores, decision.tensor_parallel_degree) == (12, 12)
    assert decision.required_gib == 162.98
    assert decision.available_gib == 192.0


def test_headroom_moves_the_choice_up() -> None:
    # 13B bf16 = 24.2 GiB: fits 32 GiB with 25% headroom (30.3), not with 50% (36.3); the
    # xlarge's 16 GiB of host memory cannot load it, the 8xlarge's 128 GiB can
    assert right_size(parameters_billion=13, dtype="bf16").instance_type == "ml.inf2.8xlarge"
    assert (
        right_size(parameters_billion=13, dtype="bf16", kv_cache_headroom=0.5).instance_type
        == "ml.inf2.24xlarge"
    )


def test_tensor_parallel_degree_divides_the_neuron_cores_of_every_choice() -> None:
    for billions in (1, 8, 30, 70, 140):
        decision = right_size(parameters_billion=billions, dtype="bf16", families=("inf2", "trn1"))
        assert decision.neuron_cores % decision.tensor_parallel_degree == 0


def test_a_fixed_tensor_parallel_degree_gets_its_share_of_the_memory() -> None:
    # 13B bf16 needs 30.3 GiB: 2 of ml.inf2.24xlarge's 12 cores give 192 * 2 / 12 = 32 GiB
    decision = right_size(parameters_billion=13, dtype="bf16", tensor_parallel_degree=2)
    assert (decision.instance_type, decision.tensor_parallel_degree) == ("ml.inf2.8xlarge", 2)
    decision = right_size(parameters_billion=20, dtype="bf16", tensor_parallel_degree=4)
    # 20B = 37.3 GiB * 1.25 = 46.6 GiB; inf2.xlarge has only 2 cores, 4 of the 24xlarge's give 64
    assert (decision.instance_type, decision.available_gib) == ("ml.inf2.24xlarge", 64.0)
    with pytest.raises(
        ValueError,
        match=r"^tensor_parallel_degree 5 divides the cores of no instance of families inf2 \(they have 2, 12, 24\)",
    ):
        right_size(parameters_billion=1, dtype="bf16", tensor_parallel_degree=5)  # divides no inf2


def test_metadata_keeps_every_field() -> None:
    metadata = right_size(parameters_billion=8, dtype="bf16").to_metadata()
    assert set(metadata) == {
        "instance_type",
        "neuron_cores",
        "tensor_parallel_degree",
        "required_gib",
        "available_gib",
        "required_host_gib",
        "host_memory_gib",
        "reason",
    }


def test_nothing_fits_names_the_property_the_need_and_the_largest_instance() -> None:
    with pytest.raises(ValueError) as raised:
        right_size(parameters_billion=405, dtype="bf16")
    message = str(raised.value)
    assert message.startswith(
        "parameters_billion: a 405B-parameter model in bf16 needs 943.0 GiB"
    )  # 754.4 * 1.25
    assert "(ml.inf2.48xlarge gives 384 GiB and 768 GiB of host memory)" in message


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"parameters_billion": 0, "dtype": "bf16"}, "parameters_billion"),
        ({"parameters_billion": 8, "dtype": "fp64"}, "dtype"),
        (
            {"parameters_billion": 8, "dtype": "bf16", "kv_cache_headroom": -0.1},
            "kv_cache_headroom",
        ),
        (
            {"parameters_billion": 8, "dtype": "bf16", "tensor_parallel_degree": 0},
            "tensor_parallel_degree",
        ),
    ],
)
def test_bad_input_names_the_property(kwargs, named) -> None:
    with pytest.raises(ValueError, match=f"^{named}"):
        right_size(**kwargs)


def test_families_without_accelerator_memory_fail_naming_families() -> None:
    with pytest.raises(ValueError, match=r"^families: no instance of m7g has accelerator memory"):
        right_size(parameters_billion=1, dtype="bf16", families=("m7g",))
