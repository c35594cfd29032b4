import pytest

from grootboek.network.nodes.readiness import NotReady, parse_metrics, wait_for


def test_parse_prometheus_text():
    text = """# HELP x
consensus_etcdraft_is_leader{channel="kindpakket"} 1
gossip_membership_total_peers_known{channel="kadaster"} 2
ledger_blockchain_height{channel="a\\"b"} 7
go_goroutines 42
"""
    samples = parse_metrics(text)
    assert ("consensus_etcdraft_is_leader", {"channel": "kindpakket"}, 1.0) in samples
    assert ("go_goroutines", {}, 42.0) in samples
    assert len(samples) == 4


def test_wait_for_returns_value_reports_last_error_and_fails_fast_on_dead_process():
    calls = iter([0, 0, 5])
    assert wait_for(lambda: next(calls), "counter", timeout=5, interval=0.001) == 5

    def boom():
        raise ValueError("not yet")

    with pytest.raises(NotReady, match=r"thing: not ready after 0 s \(last error: ValueError: not yet\)"):
        wait_for(boom, "thing", timeout=0.05, interval=0.01)
    with pytest.raises(NotReady, match="peer0 exited with code 2"):
        wait_for(lambda: False, "peer", timeout=30, alive=lambda: "peer0 exited with code 2")
