import threading

import grpc
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import transaction_pb2

from grootboek.client.chaincode_events import ChaincodeEvent
from grootboek.client.checkpoint import FileCheckpointer, InMemoryCheckpointer
from grootboek.client.identity import serialized_identity
from grootboek.client.errors import ChaincodeEventsError, DeliverError


def grant_three(contract) -> list[str]:
    return [contract.submit_async("Grant", [who, "1"]).transaction_id
            for who in ("a", "b", "c")]


def take(stream, count):
    with stream:
        return [next(stream) for _ in range(count)]


def test_chaincode_events_from_a_start_block(gateway, contract):
    tx_ids = grant_three(contract)
    events = take(gateway.network("mychannel").chaincode_events("budgets", start_block=0), 3)
    assert events == [ChaincodeEvent(1, tx_ids[0], "budgets", "Granted", b"a:1"),
                      ChaincodeEvent(2, tx_ids[1], "budgets", "Granted", b"b:1"),
                      ChaincodeEvent(3, tx_ids[2], "budgets", "Granted", b"c:1")]


def test_listener_restarted_from_a_file_checkpoint_neither_misses_nor_repeats(
        fabric, gateway, contract, tmp_path):
    tx_ids = grant_three(contract)
    network = gateway.network("mychannel")
    path = tmp_path / "checkpoint.json"

    checkpointer = FileCheckpointer(path)
    with network.chaincode_events("budgets", start_block=0, checkpoint=checkpointer) as events:
        first = next(events)
        checkpointer.checkpoint_chaincode_event(first)
    assert first.transaction_id == tx_ids[0]

    restarted = FileCheckpointer(path)  # a new process would do exactly this
    request = network.new_chaincode_events_request("budgets", start_block=0, checkpoint=restarted)
    rest = take(request.events(), 2)
    assert [e.transaction_id for e in rest] == tx_ids[1:]
    sent = gateway_pb2.ChaincodeEventsRequest.FromString(
        fabric.gateway.requests["ChaincodeEvents"][-1].request)
    assert sent.start_position.specified.number == first.block_number
    assert sent.after_transaction_id == first.transaction_id


def test_chaincode_events_start_at_the_next_commit_by_default(gateway):
    request = gateway.network("mychannel").new_chaincode_events_request("budgets")
    sent = gateway_pb2.ChaincodeEventsRequest.FromString(
        gateway_pb2.SignedChaincodeEventsRequest.FromString(request.bytes()).request)
    assert sent.identity == serialized_identity(gateway.identity)
    assert sent.start_position.WhichOneof("Type") == "next_commit"
    assert sent.chaincode_id == "budgets" and sent.channel_id == "mychannel"


def test_live_events_arrive_while_listening(gateway, contract):
    network = gateway.network("mychannel")
    with network.chaincode_events("budgets", start_block=1) as events:
        tx_id = contract.submit_async("Grant", ["live", "9"]).transaction_id
        assert next(events).transaction_id == tx_id


def test_full_filtered_and_private_block_events(fabric, gateway, contract):
    fabric.ledger.next_codes.append(transaction_pb2.MVCC_READ_CONFLICT)
    conflicted = contract.submit_async("Grant", ["x", "1"]).transaction_id
    private = contract.submit_async("TransientKeys", transient={"secret": b"p"}).transaction_id
    network = gateway.network("mychannel")

    blocks = take(network.block_events(start_block=0), 3)
    assert [b.header.number for b in blocks] == [0, 1, 2]
    payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(blocks[1].data.data[0]).payload)
    assert common_pb2.ChannelHeader.FromString(payload.header.channel_header).tx_id == conflicted

    filtered = take(network.filtered_block_events(start_block=1), 2)
    assert [(f.number, f.filtered_transactions[0].txid, f.filtered_transactions[0].tx_validation_code)
            for f in filtered] == [(1, conflicted, transaction_pb2.MVCC_READ_CONFLICT),
                                   (2, private, transaction_pb2.VALID)]

    with_private = take(network.block_and_private_data_events(start_block=2), 1)[0]
    assert with_private.block.header.number == 2
    collection = with_private.private_data_map[0].ns_pvt_rwset[0].collection_pvt_rwset[0]
    assert (collection.collection_name, collection.rwset) == ("private", b"p")


def test_block_events_resume_from_a_block_checkpoint(gateway, contract):
    grant_three(contract)
    checkpointer = InMemoryCheckpointer()
    network = gateway.network("mychannel")
    with network.block_events(start_block=0, checkpoint=checkpointer) as blocks:
        for block in blocks:
            checkpointer.checkpoint_block(block.header.number)
            if block.header.number == 1:
                break
    resumed = take(network.filtered_block_events(checkpoint=checkpointer), 2)
    assert [f.number for f in resumed] == [2, 3]


def test_close_from_another_thread_ends_a_blocked_iteration(gateway):
    stream = gateway.network("mychannel").block_events(start_block=5)  # not yet committed
    received, finished = [], threading.Event()

    def listen():
        received.extend(stream)
        finished.set()

    listener = threading.Thread(target=listen)
    listener.start()
    stream.close()
    listener.join(timeout=30)
    assert finished.is_set() and received == []


def test_deliver_status_errors_are_raised(gateway):
    with pytest.raises(DeliverError) as caught:
        take(gateway.network("nosuchchannel").block_events(start_block=0), 1)
    assert caught.value.status == "NOT_FOUND"


def test_stream_failures_are_typed(fabric, gateway):
    fabric.failures.add("ChaincodeEvents", grpc.StatusCode.PERMISSION_DENIED, "access denied")
    with pytest.raises(ChaincodeEventsError) as caught:
        take(gateway.network("mychannel").chaincode_events("budgets", start_block=0), 1)
    assert caught.value.code == grpc.StatusCode.PERMISSION_DENIED
