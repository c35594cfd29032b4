"""The load engine's pure parts (bench/chaincode.py): percentiles, slice figures and how they add
up, the ABBA order, how threads are spread over client processes, failure names, /proc readings,
Python's share of Go's figures."""
from __future__ import annotations

import os
from collections import Counter

import pytest

from bench.chaincode import GO, PYTHON, python_share
from bench.load import (Client, Figures, Sample, alternate, error_name, percentile, process_usage, spread,
                        thread_ranges)
from grootboek.client import CommitError, EndorseError, ErrorDetail


def test_percentile_is_nearest_rank_of_unsorted_values():
    values = [float(v) for v in range(100, 0, -1)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.5) == 0.0


def test_a_slice_counts_successes_that_end_inside_its_window_and_every_call_for_cpu():
    samples = [
        Sample(0, 0, 9.0, 9.5),              # ramp-up: ended before the window
        Sample(0, 1, 9.5, 10.5),             # counted, latency 1.0
        Sample(1, 0, 10.0, 10.25),           # counted, latency 0.25
        Sample(1, 1, 10.25, 11.0, "MVCC_READ_CONFLICT"),
        Sample(0, 2, 11.5, 12.5),            # the tail: ended after the window
    ]
    figures = Figures.of(samples, start=10.0, seconds=2.0,
                         usage={"chaincode": 0.5, "chaincode_system": 0.125, "chaincode_switches": 20})
    assert sorted(figures.latencies) == [0.25, 1.0]
    assert figures.per_s == 1.0
    assert figures.failures == Counter({"MVCC_READ_CONFLICT": 1})
    row = figures.row()
    assert row["cpu_chaincode_ms"] == pytest.approx(100.0)  # 0.5 s over all 5 calls
    assert (row["chaincode_system_share"], row["chaincode_switches"]) == (0.25, 4.0)
    assert (row["completed"], row["failed"], row["p50_ms"]) == (2, 1, 250.0)


def test_slices_add_up_to_the_rate_over_their_total_time_and_keep_each_rate():
    first = Figures.of([Sample(0, 0, 0.0, 0.5)], 0.0, 1.0, {"chaincode": 1.0, "chaincode_switches": 2})
    second = Figures.of([Sample(0, 1, 1.0, 1.5), Sample(0, 2, 1.5, 2.0), Sample(0, 3, 2.0, 2.5)], 1.0, 3.0,
                        {"chaincode": 2.0, "peers": 3.0})
    total = Figures() + first + second
    assert total.per_s == 1.0  # 4 calls in 4 seconds
    assert total.rates == [1.0, 1.0]
    row = total.row()
    assert (row["cpu_chaincode_ms"], row["cpu_peers_ms"], row["chaincode_switches"]) == (750.0, 750.0, 0.5)
    assert (row["slowest_slice_per_s"], row["fastest_slice_per_s"]) == (1.0, 1.0)


def test_alternate_gives_both_the_same_turns_in_abba_order():
    order = alternate("python", "go", 3)
    assert order == ["python", "go", "go", "python", "python", "go"]
    assert order.count("python") == order.count("go") == 3


def test_spread_splits_threads_evenly_and_drops_idle_clients():
    seats = [("A", "admin"), ("B", "admin"), ("C", "admin")]
    assert [c.threads for c in spread(seats, 16)] == [6, 5, 5]
    assert spread(seats, 2) == [Client("A", "admin", 1), Client("B", "admin", 1)]


def test_thread_numbers_are_unique_across_clients():
    ranges = thread_ranges([Client("A", "u", 3), Client("B", "u", 2)])
    assert [list(r) for r in ranges] == [[0, 1, 2], [3, 4]]


def test_failures_are_named_by_validation_code_or_by_what_the_endorser_said():
    assert error_name(CommitError("tx1", 11, "MVCC_READ_CONFLICT", 7)) == "MVCC_READ_CONFLICT"
    reason = "chaincode response 500, INSUFFICIENT_BALANCE: 10 left\nmore"
    refused = EndorseError("failed to endorse transaction", transaction_id="tx2",
                           details=[ErrorDetail("peer0:7051", "MerchantsMSP", reason)])
    assert error_name(refused) == "EndorseError: chaincode response 500, INSUFFICIENT_BALANCE: 10 left"
    assert error_name(TimeoutError("deadline")) == "TimeoutError: deadline"


def test_process_usage_reads_this_process_cpu_and_context_switches():
    before = process_usage(os.getpid())
    sum(i * i for i in range(200_000))  # some CPU in user mode
    after = process_usage(os.getpid())
    assert after["user"] + after["system"] >= before["user"] + before["system"] > 0
    assert after["switches"] >= before["switches"] > 0


def test_python_share_compares_rates_latency_and_cpu_per_call():
    def loaded(calls_per_s: float, chaincode_s: float, others_s: float) -> Figures:
        usage = {"chaincode": chaincode_s, "peers": others_s, "rest": 0.0, "clients": 0.0}
        return Figures(1.0, [0.01] * int(calls_per_s), int(calls_per_s), usage=Counter(usage))

    figures = {
        "endorse": {PYTHON: Figures(1.0, [0.02] * 3, 3), GO: Figures(1.0, [0.01] * 3, 3)},
        "evaluate": {PYTHON: loaded(90, 0.2, 0.6), GO: loaded(100, 0.1, 0.6)},  # 8.9 vs 7 ms per call
        "submit": {PYTHON: loaded(10, 0.02, 0.1), GO: loaded(10, 0.01, 0.1)},   # 12 vs 11 ms per call
    }
    shares = python_share(figures)
    assert shares["evaluate"] == pytest.approx(0.9)
    assert shares["endorse p50 latency"] == pytest.approx(0.5)
    assert shares["evaluate chaincode CPU per call"] == pytest.approx((0.1 / 100) / (0.2 / 90))
    assert shares["evaluate projected from CPU per call"] == pytest.approx((0.7 / 100) / (0.8 / 90))
    assert shares["submit projected from CPU per call"] == pytest.approx(11 / 12)
