"""The measurement tool keeps working (its figures are not judged here)."""
from grootboek.chaincode.shim import benchmark


def test_benchmark_runs_every_workload_against_a_real_server_process():
    results = benchmark.run(transactions=20, in_flight=4)
    assert [r.workload for r in results] == [
        "read (State:read)", "write (State:put)", "read (State:read) batched", "write (State:put) batched"]
    assert all(r.tx_per_second > 0 and r.chaincode_cpu_us_per_tx >= 0 for r in results)
