"""Chaincode and block events from a real peer, and resuming a listener after a restart."""
from __future__ import annotations

from fabric_protos.common import common_pb2
from fabric_protos.peer import transaction_pb2

from grootboek.client.checkpoint import FileCheckpointer

CHANNEL = "kindpakket"
STREAM_TIMEOUT = 60  # a bug must fail the test, not hang it


def emit(contract, name: str, count: int) -> list:
    """Submits `count` Tx:emit transactions; returns their statuses (in order)."""
    return [contract.submit_async("Tx:emit", [name, f"payload-{i}"]).status().check()
            for i in range(count)]


def tx_ids_of(block: common_pb2.Block) -> list[str]:
    ids = []
    for data in block.data.data:
        payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(data).payload)
        ids.append(common_pb2.ChannelHeader.FromString(payload.header.channel_header).tx_id)
    return ids


def events_named(stream, name: str, count: int) -> list:
    """The next `count` events called `name` (other tests emit other names on this channel)."""
    found = []
    with stream:
        for event in stream:
            if event.event_name == name:
                found.append(event)
                if len(found) == count:
                    return found
    raise AssertionError("stream ended")


def test_chaincode_events_resume_from_a_file_checkpoint_after_a_restart(
        fabric, connect_as, conformance, key, tmp_path):
    statuses = emit(conformance, key, 3)
    start = statuses[0].block_number
    path = tmp_path / "listener.json"

    with connect_as(fabric, "Merchants") as listener:
        checkpointer = FileCheckpointer(path)
        stream = listener.network(CHANNEL).new_chaincode_events_request(
            "conformance", start_block=start, checkpoint=checkpointer).events(timeout=STREAM_TIMEOUT)
        first = events_named(stream, key, 1)[0]
        checkpointer.checkpoint_chaincode_event(first)
    assert (first.transaction_id, first.payload) == (statuses[0].transaction_id, b"payload-0")

    # A new process: new connection, checkpoint read back from the file.
    with connect_as(fabric, "Merchants") as restarted:
        resumed = FileCheckpointer(path)
        assert (resumed.block_number, resumed.transaction_id) == (first.block_number,
                                                                  first.transaction_id)
        stream = restarted.network(CHANNEL).new_chaincode_events_request(
            "conformance", checkpoint=resumed).events(timeout=STREAM_TIMEOUT)
        rest = events_named(stream, key, 2)
    assert [e.transaction_id for e in rest] == [s.transaction_id for s in statuses[1:]]
    assert [e.block_number for e in rest] == [s.block_number for s in statuses[1:]]
    assert [e.payload for e in rest] == [b"payload-1", b"payload-2"]


def test_full_and_filtered_block_events(municipality, conformance, key):
    status = conformance.submit_async("State:put", [key, "block"]).status().check()
    network = municipality.network(CHANNEL)
    with network.block_events(start_block=status.block_number) as blocks:
        block = next(blocks)
    assert block.header.number == status.block_number
    assert status.transaction_id in tx_ids_of(block)

    with network.filtered_block_events(start_block=status.block_number) as blocks:
        filtered = next(blocks)
    assert filtered.number == status.block_number and filtered.channel_id == CHANNEL
    ours = [t for t in filtered.filtered_transactions if t.txid == status.transaction_id]
    assert ours and ours[0].tx_validation_code == transaction_pb2.VALID


def test_block_events_with_private_data(municipality, conformance, key):
    status = conformance.submit_async("Private:put", [key, "for members only"]).status().check()
    network = municipality.network(CHANNEL)
    with network.block_and_private_data_events(start_block=status.block_number) as blocks:
        event = next(blocks)
    index = tx_ids_of(event.block).index(status.transaction_id)
    namespaces = event.private_data_map[index].ns_pvt_rwset
    collections = [(ns.namespace, c.collection_name) for ns in namespaces
                   for c in ns.collection_pvt_rwset]
    assert ("conformance", "private") in collections
    assert any(b"for members only" in c.rwset for ns in namespaces for c in ns.collection_pvt_rwset)
