from __future__ import annotations

import pytest

from neuron_kernel_helpers.kernel_cores import (
    kernel_cores,
    parse_visible_cores,
    plan_in_kernel_cores,
)


def test_parse_visible_cores() -> None:
    assert parse_visible_cores("8-15") == tuple(range(8, 16))
    assert parse_visible_cores("3") == (3,)
    assert parse_visible_cores("0, 2-3") == (0, 2, 3)
    for bad in ("", "a-b", "5-2", "1-"):
        with pytest.raises(ValueError):
            parse_visible_cores(bad)


def test_kernel_cores_from_environment() -> None:
    assert kernel_cores({}) is None
    assert kernel_cores({"NEURON_RT_VISIBLE_CORES": "nonsense"}) is None
    assert kernel_cores({"NEURON_RT_VISIBLE_CORES": "16-23"}) == tuple(range(16, 24))


def test_plan_fits_the_kernel_lease() -> None:
    env = {"NEURON_RT_VISIBLE_CORES": "8-15"}
    # 32 asked (the whole instance), the lease holds 8: 8 documented, on the lease.
    plan = plan_in_kernel_cores("trn1.32xlarge", 32, env)
    assert plan is not None and plan.workers == 8 and plan.visible_cores == "8-15"
    # A documented count that fits is kept, aligned inside the lease.
    plan = plan_in_kernel_cores("trn1.32xlarge", 2, env)
    assert plan is not None and plan.workers == 2 and plan.visible_cores == "8-9"
    # 4 cores: 8 does not fit, 4 is not documented on trn1.32xlarge: 2.
    plan = plan_in_kernel_cores("trn1.32xlarge", 8, {"NEURON_RT_VISIBLE_CORES": "4-7"})
    assert plan is not None and plan.workers == 2 and plan.visible_cores == "4-5"
    # trn2.48xlarge (LNC=2): 16 logical cores give 16 workers.
    plan = plan_in_kernel_cores("trn2.48xlarge", None, {"NEURON_RT_VISIBLE_CORES": "16-31"})
    assert plan is not None and plan.workers == 16


def test_no_plan_without_a_lease_or_instance() -> None:
    assert plan_in_kernel_cores("trn1.32xlarge", 8, {}) is None
    assert plan_in_kernel_cores("", 8, {"NEURON_RT_VISIBLE_CORES": "0-7"}) is None
    assert plan_in_kernel_cores("inf2.48xlarge", 1, {"NEURON_RT_VISIBLE_CORES": "0-1"}) is None
