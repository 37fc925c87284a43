from __future__ import annotations

import dataclasses

import pytest

from neuron_kernel_helpers.instances import (
    GIB,
    INSTANCE_TYPES,
    aligned_core_range,
    instance_family,
    lookup_instance,
    plan_workers,
    recommended_workers,
    visible_cores,
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


# The worker counts the Neuron training documentation lists per instance, and our
# stated choices for the others (see the comment above the catalogue).
WORKER_SETS = {
    "inf1.xlarge": (),
    "inf1.2xlarge": (),
    "inf1.6xlarge": (),
    "inf1.24xlarge": (),
    "inf2.xlarge": (1, 2),
    "inf2.8xlarge": (1, 2),
    "inf2.24xlarge": (),
    "inf2.48xlarge": (),
    "trn1.2xlarge": (1, 2),
    "trn1.32xlarge": (1, 2, 8, 32),
    "trn1n.32xlarge": (1, 2, 8, 32),
    "trn2.48xlarge": (1, 4, 16, 64),
}

DOCUMENTED = {"inf2.xlarge", "trn1.2xlarge", "trn1.32xlarge", "trn1n.32xlarge", "trn2.48xlarge"}


def test_every_instance_has_a_stated_worker_set() -> None:
    assert set(WORKER_SETS) == set(INSTANCE_TYPES)


@pytest.mark.parametrize("name", sorted(WORKER_SETS))
def test_worker_sets(name: str) -> None:
    spec = INSTANCE_TYPES[name]
    assert spec.worker_counts == WORKER_SETS[name]
    assert spec.trains == bool(WORKER_SETS[name])
    expected_basis = (
        "documented"
        if name in DOCUMENTED
        else "same-device"
        if WORKER_SETS[name]
        else "inference-only"
    )
    assert spec.worker_counts_basis == expected_basis
    # One worker per NeuronCore: no set asks for more workers than cores.
    assert all(count <= spec.neuroncores for count in spec.worker_counts)


def test_no_sixteen_workers_on_trn1() -> None:
    assert 16 not in INSTANCE_TYPES["trn1.32xlarge"].worker_counts


def test_monitor_facts_of_trn2() -> None:
    trn2 = INSTANCE_TYPES["trn2.48xlarge"]
    assert (trn2.device_type, trn2.device_version, trn2.core_version) == ("trainium2", "v4", "v3d")
    trn1 = INSTANCE_TYPES["trn1.32xlarge"]
    assert (trn1.device_type, trn1.device_version, trn1.core_version) == ("trainium", "v2", "v2")
    assert INSTANCE_TYPES["inf2.xlarge"].device_type == "inferentia2"


def test_device_of_core_uses_the_logical_numbering() -> None:
    trn2 = INSTANCE_TYPES["trn2.48xlarge"]
    assert trn2.device_of_core(4) == 1
    assert trn2.device_of_core(63) == 15
    assert INSTANCE_TYPES["trn1.32xlarge"].device_of_core(4) == 2
    with pytest.raises(IndexError):
        trn2.device_of_core(64)


def test_pytorch_path_per_family() -> None:
    assert INSTANCE_TYPES["inf2.xlarge"].pytorch_path == "xla"
    assert INSTANCE_TYPES["trn1n.32xlarge"].pytorch_path == "xla"
    assert INSTANCE_TYPES["trn2.48xlarge"].pytorch_path == "torchneuron"
    assert INSTANCE_TYPES["inf1.xlarge"].pytorch_path == "torch-neuron"


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("trn1n.32xlarge", "trn1n"),
        ("trn3.48xlarge", "trn3"),
        ("inf2.xlarge", "inf2"),
        (None, None),
        ("", None),
        ("nodot", None),
    ],
)
def test_instance_family(name: str | None, family: str | None) -> None:
    assert instance_family(name) == family


def test_lookup_instance() -> None:
    spec = INSTANCE_TYPES["trn1.2xlarge"]
    assert lookup_instance("trn1.2xlarge") is spec
    assert lookup_instance(spec) is spec
    with pytest.raises(ValueError, match=r"trn1\.2xlarge"):
        lookup_instance("no-such.type")


@pytest.mark.parametrize("name", sorted(WORKER_SETS))
def test_all_free_recommends_the_largest_count_on_cores_from_zero(name: str) -> None:
    spec = INSTANCE_TYPES[name]
    expected = max(WORKER_SETS[name], default=0)
    assert recommended_workers(name) == expected
    assert recommended_workers(name, free_cores=range(spec.neuroncores)) == expected
    assert spec.recommended_workers == expected
    plan = plan_workers(name)
    if expected:
        assert plan is not None and plan.cores == range(expected)
        assert plan.uses_whole_instance == (expected == spec.neuroncores)
    else:
        assert plan is None


# (instance, busy cores, expected workers, expected NEURON_RT_VISIBLE_CORES or None)
BUSY_CASES = [
    # 32 does not fit, 16 is not documented: 8 workers, on the first free aligned 8.
    ("trn1.32xlarge", range(0, 4), 8, "8-15"),
    # One busy core in every block of 8: only 2 fit, first aligned pair after core 0.
    ("trn1.32xlarge", (0, 8, 16, 24), 2, "2-3"),
    # Cores 1, 9, 17, 25 busy: blocks of 8 broken, pairs 2-3 free.
    ("trn1.32xlarge", (1, 9, 17, 25), 2, "2-3"),
    # Only core 31 free: one worker there.
    ("trn1.32xlarge", range(0, 31), 1, "31"),
    # Cores 4-11 free but not aligned for 8 (8-15 has 12-15 busy): pairs only.
    ("trn1.32xlarge", (*range(0, 4), *range(12, 32)), 2, "4-5"),
    ("trn1.32xlarge", range(0, 32), 0, None),
    ("trn1.2xlarge", (0,), 1, "1"),
    ("trn1.2xlarge", (1,), 1, "0"),
    ("inf2.xlarge", (0, 1), 0, None),
    # trn2 at LNC=2: 64 does not fit, 16 at 16-31 (0-15 has core 4 busy).
    ("trn2.48xlarge", (4,), 16, "16-31"),
    # A job on 0-15 and another on 32-47: 16 fits at 16-31.
    ("trn2.48xlarge", (*range(0, 16), *range(32, 48)), 16, "16-31"),
    # Every block of 16 broken, 4 fits at 4-7 (0-3 has core 1 busy).
    ("trn2.48xlarge", (1, 16, 32, 48), 4, "4-7"),
    # Only cores 2-3 free: 2 is not documented on trn2 and 4 does not fit, so one worker.
    ("trn2.48xlarge", (*range(0, 2), *range(4, 64)), 1, "2"),
]


@pytest.mark.parametrize(("name", "busy", "workers", "visible"), BUSY_CASES)
def test_recommendation_with_busy_cores(
    name: str, busy: tuple[int, ...], workers: int, visible: str | None
) -> None:
    spec = INSTANCE_TYPES[name]
    free = [core for core in range(spec.neuroncores) if core not in set(busy)]
    assert recommended_workers(name, free_cores=free) == workers
    plan = plan_workers(name, free_cores=free)
    if visible is None:
        assert plan is None
        return
    assert plan is not None
    assert plan.workers == workers
    assert plan.visible_cores == visible
    assert workers in spec.worker_counts
    assert plan.cores.start % workers == 0
    assert set(plan.cores) <= set(free)


def test_aligned_core_range_never_straddles_an_alignment() -> None:
    # Cores 4-11 are free and contiguous, but 8 workers must start at 0, 8, 16 or 24.
    free = range(4, 12)
    assert aligned_core_range("trn1.32xlarge", 8, free) is None
    assert aligned_core_range("trn1.32xlarge", 4, free) == range(4, 8)
    assert aligned_core_range("trn1.32xlarge", 2, free) == range(4, 6)


def test_aligned_core_range_checks_its_inputs() -> None:
    with pytest.raises(ValueError):
        aligned_core_range("trn1.2xlarge", 0)
    with pytest.raises(ValueError, match=r"0\.\.1"):
        recommended_workers("trn1.2xlarge", free_cores=[0, 2])
    with pytest.raises(ValueError):
        recommended_workers("no-such.type")


@pytest.mark.parametrize(
    ("cores", "text"), [(range(8, 16), "8-15"), (range(3, 4), "3"), (range(0, 64), "0-63")]
)
def test_visible_cores(cores: range, text: str) -> None:
    assert visible_cores(cores) == text


@pytest.mark.parametrize("cores", [range(0), range(0, 8, 2)])
def test_visible_cores_needs_a_contiguous_range(cores: range) -> None:
    with pytest.raises(ValueError):
        visible_cores(cores)


def test_worker_plan_as_json() -> None:
    plan = plan_workers("trn1.32xlarge", free_cores=range(4, 32))
    assert plan is not None
    assert plan.to_dict() == {
        "instance_type": "trn1.32xlarge",
        "workers": 8,
        "first_core": 8,
        "last_core": 15,
        "visible_cores": "8-15",
    }
    assert not plan.uses_whole_instance
