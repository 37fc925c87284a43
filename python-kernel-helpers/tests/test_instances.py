from __future__ import annotations

import dataclasses

import pytest

from neuron_kernel_helpers.instances import (
    GIB,
    INSTANCE_TYPES,
    recommended_workers,
    valid_worker_counts,
)

# (name, devices, cores per device as numbered, total cores, memory per device in GiB)
# straight from the instance table of the Neuron documentation.
REFERENCE_TABLE = [
    ("inf1.xlarge", 1, 4, 4, 8),
    ("inf1.2xlarge", 1, 4, 4, 8),
    ("inf1.6xlarge", 4, 4, 16, 8),
    ("inf1.24xlarge", 16, 4, 64, 8),
    ("inf2.xlarge", 1, 2, 2, 32),
    ("inf2.8xlarge", 1, 2, 2, 32),
    ("inf2.24xlarge", 6, 2, 12, 32),
    ("inf2.48xlarge", 12, 2, 24, 32),
    ("trn1.2xlarge", 1, 2, 2, 32),
    ("trn1.32xlarge", 16, 2, 32, 32),
    ("trn1n.32xlarge", 16, 2, 32, 32),
    ("trn2.48xlarge", 16, 4, 64, 96),
]


def test_catalogue_has_exactly_the_reference_instances() -> None:
    assert set(INSTANCE_TYPES) == {row[0] for row in REFERENCE_TABLE}


@pytest.mark.parametrize(("name", "devices", "per_device", "total", "memory_gib"), REFERENCE_TABLE)
def test_catalogue_matches_reference(
    name: str, devices: int, per_device: int, total: int, memory_gib: int
) -> None:
    spec = INSTANCE_TYPES[name]
    assert spec.devices == devices
    assert spec.logical_cores_per_device == per_device
    assert spec.neuroncores == total
    assert spec.memory_per_device_bytes == memory_gib * GIB


def test_trn2_physical_and_logical_cores() -> None:
    trn2 = INSTANCE_TYPES["trn2.48xlarge"]
    assert trn2.cores_per_device == 8
    assert trn2.logical_neuroncore_config == 2
    assert trn2.physical_neuroncores == 128
    assert trn2.neuroncores == 64
    assert trn2.neuroncore_ids(1) == (4, 5, 6, 7)


def test_neuroncore_versions() -> None:
    assert INSTANCE_TYPES["inf1.xlarge"].neuroncore_version == "NC-v1"
    assert INSTANCE_TYPES["inf2.xlarge"].neuroncore_version == "NC-v2"
    assert INSTANCE_TYPES["trn1.2xlarge"].neuroncore_version == "NC-v2"


def test_host_resources_where_documented() -> None:
    assert (
        INSTANCE_TYPES["inf2.xlarge"].host_vcpus,
        INSTANCE_TYPES["inf2.xlarge"].host_memory_bytes,
    ) == (4, 16 * GIB)
    assert INSTANCE_TYPES["trn1.2xlarge"].host_vcpus == 8
    assert INSTANCE_TYPES["trn1.32xlarge"].host_memory_bytes == 512 * GIB
    assert INSTANCE_TYPES["trn2.48xlarge"].host_memory_bytes == 2048 * GIB
    assert INSTANCE_TYPES["inf2.48xlarge"].host_vcpus is None


def test_catalogue_entries_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        INSTANCE_TYPES["trn1.2xlarge"].devices = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        INSTANCE_TYPES["bogus"] = INSTANCE_TYPES["trn1.2xlarge"]  # type: ignore[index]


@pytest.mark.parametrize("name", ["trn1.32xlarge", "trn1n.32xlarge", "trn2.48xlarge"])
def test_torus_has_four_distinct_symmetric_neighbours(name: str) -> None:
    spec = INSTANCE_TYPES[name]
    for index in range(spec.devices):
        neighbours = spec.connected_to(index)
        assert neighbours is not None
        assert len(set(neighbours)) == 4
        assert index not in neighbours
        for other in neighbours:
            assert index in spec.connected_to(other)  # type: ignore[operator]
    assert spec.connected_to(0) == (12, 3, 4, 1)


def test_single_device_instances_have_no_links() -> None:
    for spec in INSTANCE_TYPES.values():
        if spec.devices == 1:
            assert spec.connected_to(0) is None


def test_inf2_devices_form_a_ring() -> None:
    spec = INSTANCE_TYPES["inf2.48xlarge"]
    assert spec.connected_to(0) == (11, 1)
    assert spec.connected_to(5) == (4, 6)


def test_device_index_out_of_range() -> None:
    with pytest.raises(IndexError):
        INSTANCE_TYPES["trn1.2xlarge"].connected_to(1)


def test_trn1_worker_counts() -> None:
    assert INSTANCE_TYPES["trn1.2xlarge"].worker_counts == (1, 2)
    assert INSTANCE_TYPES["trn1.32xlarge"].worker_counts == (1, 2, 8, 16, 32)
    assert valid_worker_counts(100, "trn1") == (1, 2, 8, 16, 32, 64, 96)


def test_other_families_use_divisors() -> None:
    assert INSTANCE_TYPES["inf2.24xlarge"].worker_counts == (1, 2, 3, 4, 6, 12)
    assert INSTANCE_TYPES["trn2.48xlarge"].worker_counts == (1, 2, 4, 8, 16, 32, 64)


@pytest.mark.parametrize(
    ("cores", "instance", "expected"),
    [
        (2, "trn1.2xlarge", 2),
        (2, "inf2.xlarge", 2),
        (32, "trn1.32xlarge", 32),
        (31, "trn1.32xlarge", 16),
        (12, "inf2.24xlarge", 12),
        (64, "trn2.48xlarge", 64),
        (12, None, 8),
        (1, None, 1),
        (12, "no-such.type", 8),
    ],
)
def test_recommended_workers(cores: int, instance: str | None, expected: int) -> None:
    assert recommended_workers(cores, instance) == expected


def test_recommended_workers_needs_a_core() -> None:
    with pytest.raises(ValueError):
        recommended_workers(0)


def test_instance_recommended_workers_property() -> None:
    assert INSTANCE_TYPES["trn1.32xlarge"].recommended_workers == 32
    assert INSTANCE_TYPES["inf2.48xlarge"].recommended_workers == 24
