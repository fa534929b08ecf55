"""The bench's figures are registered and their bounds say what their docstrings say (the
figures themselves are measured by `make bench`, never in a test)."""

from __future__ import annotations

import importlib

import pytest

from bench.__main__ import FIGURES
from bench.batch import fastest_makespan
from bench.batches import in_order_makespan


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_figure_module_runs_alone_and_in_the_table(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert callable(module.run)
    assert callable(module.main)


def test_figures_are_numbered_in_table_order() -> None:
    numbers = [int(number) for number in FIGURES.values()]
    assert numbers == sorted(numbers)
    assert FIGURES["batches"] == "7"


def test_thirty_two_second_generations_end_at_140_s_at_the_earliest() -> None:
    # Three windows of ten creates (docs/bench.md, figure 4).
    assert fastest_makespan([2.0] * 30) == pytest.approx(140.0)
    # Long ones never meet the window: one after another.
    assert fastest_makespan([60.0, 90.0, 120.0]) == pytest.approx(270.0)


def test_the_in_order_bound_of_one_worker_is_the_fastest_schedule() -> None:
    durations = [2.0] * 30
    assert in_order_makespan(durations, 1) == pytest.approx(fastest_makespan(durations))
    long = [60.0 + 2 * index for index in range(30)]
    assert in_order_makespan(long, 1) == pytest.approx(sum(long))


def test_the_in_order_bound_of_a_pool_gives_each_item_to_the_first_worker_free() -> None:
    # 60, 90, 120 start at once; the first worker free (at 60) takes the 4th (30), and is free
    # again at 90 with the second: the 5th (100) runs from 90 to 190, after the 120 s one.
    assert in_order_makespan([60.0, 90.0, 120.0, 30.0, 100.0], 3) == pytest.approx(190.0)
    # Each worker its own window: 30 of 2 s on three workers, ten each, no window waits.
    assert in_order_makespan([2.0] * 30, 3) == pytest.approx(20.0)
