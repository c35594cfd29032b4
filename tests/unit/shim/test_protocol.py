"""The chaincode stream against a fake peer: registration, concurrency, replies, errors."""
from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter

from fabric_protos.peer import chaincode_shim_pb2 as pb

from grootboek.chaincode.conformance import chaincode as conformance
from grootboek.chaincode.contractapi import (
    Chaincode,
    Context,
    Contract,
    ContractError,
    transaction,
)
from grootboek.chaincode.shim import PeerError, Response, ShimError

Message = pb.ChaincodeMessage
IN_FLIGHT = 40


class Gate(Contract):
    """Transactions that can only finish if all of them are in flight at the same time: each
    one asks the peer again until every party has arrived. Run one after another, the first
    would ask in vain until its budget of requests is spent."""

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.arrived = 0

    @transaction
    def meet(self, ctx: Context, key: str) -> str:
        self.arrived += 1
        before = ctx.stub.get_state(key)
        for _ in range(100 * self.parties):
            if self.arrived >= self.parties:
                break
            ctx.stub.get_state(key)  # waits for the peer; the others run meanwhile
        else:
            raise ContractError("ALONE", f"{self.arrived} of {self.parties} arrived")
        ctx.stub.put_state(key, ctx.tx_id)
        return (before or b"").decode() + ctx.tx_id

    @transaction
    def refuse(self, ctx: Context) -> None:
        raise ContractError("NOPE", "refused")

    @transaction
    def crash(self, ctx: Context) -> None:
        raise RuntimeError("boom")


def replies_per_tx(peer) -> Counter:
    return Counter(m.txid for m in peer.received if m.type in (Message.COMPLETED, Message.ERROR))


def test_registers_with_the_package_id_and_echoes_keepalives(connect):
    peer = connect(conformance)
    assert peer.chaincode_id == "conformance:0123"
    assert peer.keepalive()


def test_many_transactions_in_flight_on_one_stream_all_complete(connect, write_batch):
    peer = connect(Chaincode(Gate(IN_FLIGHT)), write_batch=write_batch)
    futures = [peer.submit("meet", f"k{i}") for i in range(IN_FLIGHT)]
    replies = [future.result(timeout=60) for future in futures]
    assert all(peer.response(reply).status == 200 for reply in replies)
    assert [peer.response(r).payload.decode() for r in replies] == [r.txid for r in replies]
    assert replies_per_tx(peer) == Counter({reply.txid: 1 for reply in replies})
    assert {peer.state[("", f"k{i}")].decode() for i in range(IN_FLIGHT)} == {r.txid for r in replies}


def test_exactly_one_reply_per_transaction_whatever_happens(connect):
    peer = connect(Chaincode(Gate(1)))
    outcomes = {
        "ok": peer.submit("meet", "k"),
        "contract error": peer.submit("Gate:refuse"),
        "crash": peer.submit("crash"),
        "bad arguments": peer.submit("meet"),
        "unknown": peer.submit("Gate:nothing"),
        "garbage payload": peer.submit(payload=b"\xff\xff\xff"),
    }
    replies = {name: future.result(timeout=10) for name, future in outcomes.items()}
    assert peer.response(replies["ok"]).status == 200
    assert peer.response(replies["contract error"]).message == "NOPE: refused"
    assert peer.response(replies["crash"]).message == "INTERNAL: RuntimeError: boom"
    assert peer.response(replies["bad arguments"]).message.startswith("INVALID_ARGUMENT: Gate:meet takes 1")
    assert peer.response(replies["unknown"]).message.startswith("UNKNOWN_TRANSACTION:")
    assert replies["garbage payload"].type == Message.ERROR
    assert set(replies_per_tx(peer).values()) == {1}
    assert len(replies_per_tx(peer)) == len(outcomes)


def test_a_peer_error_fails_the_transaction_and_nothing_commits(connect, write_batch):
    peer = connect(conformance, write_batch=write_batch)
    peer.refuse = lambda m: "disk full" if m.type in (Message.PUT_STATE, Message.WRITE_BATCH_STATE) else None
    reply = peer.invoke("State:put", "k", "v")
    if write_batch:  # refused when the batch is flushed, after the contract returned
        assert reply.type == Message.ERROR and b"disk full" in reply.payload
    else:  # refused inside the contract's put_state call
        assert peer.response(reply).message == "INTERNAL: PeerError: disk full"
    assert ("", "k") not in peer.state


def test_a_write_after_a_paginated_query_is_refused_and_fails(connect, write_batch):
    peer = connect(conformance, write_batch=write_batch)
    peer.state[("", "a")] = b"1"
    reply = peer.invoke("Queries:paginated_then_write", "k", "v")
    failed = reply.type == Message.ERROR or peer.response(reply).status == 500
    assert failed
    assert ("", "k") not in peer.state


def test_the_event_travels_in_completed_only_when_the_transaction_succeeds(connect):
    peer = connect(conformance)
    reply = peer.invoke("Tx:emit", "Paid", "b1")
    assert (reply.chaincode_event.event_name, reply.chaincode_event.payload) == ("Paid", b"b1")
    failed = peer.invoke("State:write_then_fail", "k", "v")
    assert peer.response(failed).message == "DELIBERATE_FAILURE: wrote k and then failed"
    assert not failed.HasField("chaincode_event")
    assert ("", "k") not in peer.state


def test_writes_are_batched_when_the_peer_offers_it(connect):
    peer = connect(conformance, write_batch=100)
    entries = {f"k{i:03}": str(i) for i in range(250)}
    assert peer.response(peer.invoke("State:put_many", json.dumps(entries))).payload == b"250"
    assert len(peer.of_type(Message.WRITE_BATCH_STATE)) == 3
    assert peer.of_type(Message.PUT_STATE) == []
    assert {k: v.decode() for (_, k), v in peer.state.items()} == entries


def test_writes_go_one_by_one_when_the_peer_does_not_batch(connect):
    peer = connect(conformance)
    peer.invoke("State:put_many", json.dumps({"a": "1", "b": "2"}))
    assert len(peer.of_type(Message.PUT_STATE)) == 2
    assert peer.of_type(Message.WRITE_BATCH_STATE) == []


def test_multiple_keys_are_read_in_one_request_when_offered(connect):
    keys = json.dumps(["a", "missing", "b"])
    for offered, requests in ((100, {Message.GET_STATE_MULTIPLE: 1}), (0, {Message.GET_STATE: 3})):
        peer = connect(conformance, get_multiple=offered)
        peer.state.update({("", "a"): b"1", ("", "b"): b"2"})
        assert json.loads(peer.response(peer.invoke("State:get_many", keys)).payload) == ["1", None, "2"]
        kinds = Counter(m.type for m in peer.received if m.type in (Message.GET_STATE, Message.GET_STATE_MULTIPLE))
        assert kinds == requests


def test_paginated_range_walks_all_keys_with_bookmarks(connect):
    peer = connect(conformance)
    peer.state.update({("", f"k{i}"): str(i).encode() for i in range(5)})
    seen, bookmark, pages = [], "", 0
    while True:
        page = json.loads(peer.response(peer.invoke("Queries:range_page", "", "", "2", bookmark)).payload)
        seen += [record["key"] for record in page["records"]]
        assert page["fetched"] == len(page["records"])
        pages += 1
        bookmark = page["bookmark"]
        if not bookmark:
            break
    assert (seen, pages) == ([f"k{i}" for i in range(5)], 3)


def test_range_iterator_fetches_pages_and_closes_only_abandoned_queries(connect):
    peer = connect(conformance, batch=2)
    peer.state.update({("", f"k{i}"): b"v" for i in range(5)})
    records = json.loads(peer.response(peer.invoke("Queries:range", "", "")).payload)
    assert [r["key"] for r in records] == [f"k{i}" for i in range(5)]
    assert len(peer.of_type(Message.QUERY_STATE_NEXT)) == 2
    assert peer.of_type(Message.QUERY_STATE_CLOSE) == []  # the peer freed it with the last page
    first = json.loads(peer.response(peer.invoke("Queries:range_first", "", "")).payload)
    assert first == {"key": "k0", "value": "v"}
    assert len(peer.of_type(Message.QUERY_STATE_CLOSE)) == 1 and len(peer.closed_queries) == 1


def test_stub_calls_map_onto_the_protocol(connect, write_batch):
    peer = connect(conformance, write_batch=write_batch)

    def call(*args, **kwargs):
        return peer.response(peer.invoke(*args, **kwargs))

    call("Private:put", "p", "secret")
    assert peer.state[("private", "p")] == b"secret"
    assert call("Private:get", "p").payload == b"secret"
    assert call("Private:hash", "p").payload == hashlib.sha256(b"secret").hexdigest().encode()
    call("Private:purge", "p")
    assert ("private", "p") not in peer.state
    call("Tx:set_endorsement", "k", json.dumps(["Org2MSP", "Org1MSP"]))
    assert json.loads(call("Tx:get_endorsement", "k").payload) == ["Org1MSP", "Org2MSP"]
    call("State:put", "h", "1")
    call("State:delete", "h")
    history = json.loads(call("Queries:history", "h").payload)
    assert [h["is_delete"] for h in history] == [True, False]
    called = json.loads(call("Tx:call", "other", json.dumps(["fn", "x"]), "ch2").payload)
    assert called == {"status": 200, "message": "", "payload": "other/ch2 fn x"}
    assert call("Queries:rich_query", "{}").message == "PEER_REFUSED: ExecuteQuery not supported for leveldb"
    info = json.loads(call("Tx:info", channel="kindpakket", tx_id="tx-1").payload)
    assert (info["tx_id"], info["channel_id"], info["signed_proposal"]) == ("tx-1", "kindpakket", True)
    transient = json.loads(call("Tx:transient", transient={"secret": b"\x00\x01"}).payload)
    assert transient == {"secret": "AAE="}


def test_init_messages_are_dispatched_like_transactions(connect):
    peer = connect(conformance)
    assert peer.response(peer.invoke("State:put", "i", "1", init=True)).status == 200
    assert peer.state[("", "i")] == b"1"


class Sideways(Contract):
    """Calls the stub from a thread of its own, which the runtime refuses."""

    @transaction
    def read(self, ctx: Context, key: str) -> str:
        failures: list[Exception] = []

        def read_elsewhere() -> None:
            try:
                ctx.stub.get_state(key)
            except ShimError as exc:
                failures.append(exc)

        helper = threading.Thread(target=read_elsewhere)
        helper.start()
        helper.join()
        return f"{failures[0]} / {ctx.stub.get_state(key).decode()}"


def test_stub_calls_from_another_thread_are_refused_and_the_transaction_goes_on(connect):
    peer = connect(Chaincode(Sideways()))
    peer.state[("", "k")] = b"v"
    reply = peer.invoke("read", "k")
    assert peer.response(reply).payload == (
        b"stub calls must come from the thread running the transaction / v")
    assert len(peer.of_type(Message.GET_STATE)) == 1


class Watcher(Contract):
    """Records what a transaction saw when its peer went away mid-request."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.done = threading.Event()

    @transaction
    def read(self, ctx: Context, key: str) -> None:
        try:
            ctx.stub.get_state(key)
        except PeerError as exc:
            self.seen.append(str(exc))
            raise
        finally:
            self.done.set()


def test_a_lost_peer_releases_waiting_transactions_with_a_peer_error(connect):
    watcher = Watcher()
    peer = connect(Chaincode(watcher))

    def vanish(message):
        peer.close()  # the peer goes away instead of answering
        return None

    peer.refuse = vanish
    peer.submit("read", "k")
    assert watcher.done.wait(timeout=30)
    assert watcher.seen == ["connection to the peer was lost"]


class Tally:
    """A hand-written chaincode (no contracts): Go's Init/Invoke interface."""

    def init(self, stub) -> Response:
        stub.put_state("count", "0")
        return Response(200)

    def invoke(self, stub) -> Response:
        function, params = stub.get_function_and_parameters()
        if function != "add":
            return Response(500, f"unknown {function}")
        total = int(stub.get_state("count") or b"0") + int(params[0])
        stub.put_state("count", str(total))
        return Response(200, payload=str(total).encode())


def test_a_hand_written_chaincode_is_served_too(connect):
    peer = connect(Tally())
    assert peer.response(peer.invoke(init=True)).status == 200
    assert peer.response(peer.invoke("add", "5")).payload == b"5"
    assert peer.response(peer.invoke("sub", "5")).message == "unknown sub"
    assert peer.state[("", "count")] == b"5"
