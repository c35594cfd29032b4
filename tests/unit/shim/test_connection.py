"""The stream's message handling without gRPC: transactions suspended on the peer, nested calls."""
from __future__ import annotations

from fabric_protos.ledger.queryresult import kv_query_result_pb2
from fabric_protos.peer import chaincode_pb2
from fabric_protos.peer import chaincode_shim_pb2 as pb
from fabric_protos.peer import proposal_response_pb2

from grootboek.chaincode.conformance import chaincode as conformance
from grootboek.chaincode.shim import Response
from grootboek.chaincode.shim.connection import Connection

Message = pb.ChaincodeMessage


def ready_connection() -> tuple[Connection, list[Message]]:
    sent: list[Message] = []
    connection = Connection(conformance, "conformance:0123", sent.append)
    connection.start()
    connection.handle(Message(type=Message.REGISTERED))
    connection.handle(Message(type=Message.READY))
    return connection, sent


def transaction(channel: str, tx_id: str, *args: str) -> Message:
    payload = chaincode_pb2.ChaincodeInput(args=[a.encode() for a in args]).SerializeToString()
    return Message(type=Message.TRANSACTION, channel_id=channel, txid=tx_id, payload=payload)


def reply(request: Message, kind: int, payload: bytes) -> Message:
    return Message(type=kind, channel_id=request.channel_id, txid=request.txid, payload=payload)


def test_a_call_back_into_this_chaincode_runs_while_the_caller_waits():
    # What the peer does for "Tx:call conformance State:get k other": the same tx id on the other
    # channel, on this very stream, and the caller's INVOKE_CHAINCODE answered with its outcome.
    connection, sent = ready_connection()
    connection.handle(transaction("ch", "tx1", "Tx:call", "conformance", '["State:get", "k"]', "other"))
    invoke = sent[-1]
    assert (invoke.type, invoke.channel_id) == (Message.INVOKE_CHAINCODE, "ch")

    connection.handle(transaction("other", "tx1", "State:get", "k"))
    get_state = sent[-1]
    assert (get_state.type, get_state.channel_id) == (Message.GET_STATE, "other")
    connection.handle(reply(get_state, Message.RESPONSE, b"there"))
    called = sent[-1]
    assert (called.type, called.channel_id) == (Message.COMPLETED, "other")

    connection.handle(reply(invoke, Message.RESPONSE, called.SerializeToString()))
    outcome = sent[-1]
    assert (outcome.type, outcome.channel_id) == (Message.COMPLETED, "ch")
    response = proposal_response_pb2.Response.FromString(outcome.payload)
    assert response.payload == b'{"status":200,"message":"","payload":"there"}'


def test_replies_reach_the_transaction_that_asked_whatever_their_order():
    connection, sent = ready_connection()
    for tx_id in ("a", "b", "c"):
        connection.handle(transaction("ch", tx_id, "State:read", f"key-{tx_id}"))
    requests = {m.txid: m for m in sent if m.type == Message.GET_STATE}
    assert set(requests) == {"a", "b", "c"}
    for tx_id in ("c", "a", "b"):
        connection.handle(reply(requests[tx_id], Message.RESPONSE, f"value-{tx_id}".encode()))
    completed = {m.txid: proposal_response_pb2.Response.FromString(m.payload).payload
                 for m in sent if m.type == Message.COMPLETED}
    assert completed == {"a": b"value-a", "b": b"value-b", "c": b"value-c"}


def test_closing_fails_the_waiting_transactions_each_with_one_reply():
    connection, sent = ready_connection()
    connection.handle(transaction("ch", "a", "State:read", "k"))
    connection.handle(transaction("ch", "b", "State:read", "k"))
    connection.close()
    outcomes = [m for m in sent if m.type in (Message.COMPLETED, Message.ERROR)]
    assert sorted(m.txid for m in outcomes) == ["a", "b"]
    messages = {proposal_response_pb2.Response.FromString(m.payload).message for m in outcomes}
    assert messages == {"INTERNAL: PeerError: connection to the peer was lost"}


class BadResponse:
    """A chaincode whose transaction "bad" returns a response of the wrong types."""

    def init(self, stub):
        return Response(200)

    def invoke(self, stub):
        if stub.get_args() == [b"bad"]:
            return Response(200, payload="text, not bytes")
        return Response(200, payload=b"fine")


def test_a_response_of_the_wrong_types_fails_its_transaction_only():
    sent: list[Message] = []
    connection = Connection(BadResponse(), "bad:0123", sent.append)
    connection.start()
    connection.handle(Message(type=Message.REGISTERED))
    connection.handle(Message(type=Message.READY))
    connection.handle(transaction("ch", "tx1", "bad"))
    assert (sent[-1].type, sent[-1].txid) == (Message.ERROR, "tx1")
    assert b"TypeError" in sent[-1].payload
    connection.handle(transaction("ch", "tx2", "good"))
    assert (sent[-1].type, sent[-1].txid) == (Message.COMPLETED, "tx2")


def test_an_error_that_escapes_a_transaction_fails_that_transaction_only():
    sent: list[Message] = []

    def send(message: Message) -> None:
        if message.type == Message.COMPLETED and message.txid == "tx1":
            raise RuntimeError("cannot send")
        sent.append(message)

    connection = Connection(conformance, "conformance:0123", send)
    connection.start()
    connection.handle(Message(type=Message.REGISTERED))
    connection.handle(Message(type=Message.READY))
    request = transaction("ch", "tx1", "State:get", "k")
    connection.handle(request)
    connection.handle(reply(sent[-1], Message.RESPONSE, b"v"))  # the tx resumes and breaks out
    assert (sent[-1].type, sent[-1].txid, sent[-1].payload) == (Message.ERROR, "tx1", b"RuntimeError: cannot send")
    connection.handle(transaction("ch", "tx2", "State:get", "k"))
    connection.handle(reply(sent[-1], Message.RESPONSE, b"v"))
    assert (sent[-1].type, sent[-1].txid) == (Message.COMPLETED, "tx2")


def test_a_transaction_past_its_deadline_stops_asking_the_peer():
    # A range query that keeps going: the page comes back after the deadline, so the next request
    # (QUERY_STATE_NEXT) is never sent and the transaction ends with an error the peer can report.
    now = [0.0]
    sent: list[Message] = []
    connection = Connection(conformance, "conformance:0123", sent.append, tx_deadline=25, clock=lambda: now[0])
    connection.start()
    connection.handle(Message(type=Message.REGISTERED))
    connection.handle(Message(type=Message.READY))
    connection.handle(transaction("ch", "tx1", "Queries:range", "a", "z"))
    first_page = sent[-1]
    assert first_page.type == Message.GET_STATE_BY_RANGE
    now[0] = 26.0
    page = pb.QueryResponse(has_more=True, id="q1", results=[pb.QueryResultBytes(
        resultBytes=kv_query_result_pb2.KV(key="a", value=b"1").SerializeToString())])
    connection.handle(reply(first_page, Message.RESPONSE, page.SerializeToString()))
    assert Message.QUERY_STATE_NEXT not in [m.type for m in sent]
    outcome = sent[-1]
    assert (outcome.type, outcome.txid) == (Message.COMPLETED, "tx1")
    response = proposal_response_pb2.Response.FromString(outcome.payload)
    assert response.status == 500
    assert "TransactionTimeout: the transaction ran longer than 25 s" in response.message
    connection.handle(transaction("ch", "tx2", "State:get", "k"))  # the next one runs normally
    assert (sent[-1].type, sent[-1].txid) == (Message.GET_STATE, "tx2")
