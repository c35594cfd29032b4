"""The in-memory ledger keeps Fabric's transaction semantics for contract unit tests."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest

from grootboek.chaincode.contractapi import (
    Chaincode,
    Context,
    Contract,
    ContractError,
    transaction,
)
from grootboek.chaincode.shim import KeyEndorsementPolicy
from grootboek.chaincode.shimtest import MemoryLedger, make_identity


class Probe(Contract):
    """Small transactions that expose what the stub sees."""

    @transaction
    def write_and_read(self, ctx: Context, key: str, value: str) -> str:
        ctx.stub.put_state(key, value)
        seen = ctx.stub.get_state(key)
        return "unseen" if seen is None else seen.decode()

    @transaction
    def write_everything_then_fail(self, ctx: Context) -> None:
        ctx.stub.put_state("k", "v")
        ctx.stub.put_private_data("private", "p", "secret")
        ctx.stub.set_state_validation_parameter("k", b"policy")
        ctx.stub.set_event("Written", "k")
        raise ContractError("CHANGED_MY_MIND", "nothing happened")

    @transaction
    def put(self, ctx: Context, key: str, value: str) -> None:
        ctx.stub.put_state(key, value)
        ctx.stub.set_event("Put", key)

    @transaction
    def delete(self, ctx: Context, key: str) -> None:
        ctx.stub.del_state(key)

    @transaction
    def put_private(self, ctx: Context, key: str) -> None:
        ctx.stub.put_private_data("private", key, ctx.stub.get_transient()["value"])

    @transaction(evaluate=True)
    def private_hash(self, ctx: Context, key: str) -> str:
        digest = ctx.stub.get_private_data_hash("private", key)
        return digest.hex() if digest else ""

    @transaction
    def purge(self, ctx: Context, key: str) -> None:
        ctx.stub.purge_private_data("private", key)

    @transaction
    def protect(self, ctx: Context, key: str) -> None:
        policy = KeyEndorsementPolicy()
        policy.add_orgs("peer", "RegistryMSP")
        ctx.stub.set_state_validation_parameter(key, policy.policy())

    @transaction
    def write_then_page(self, ctx: Context) -> None:
        ctx.stub.put_state("x", "1")
        ctx.stub.get_state_by_range_with_pagination("", "", 10)

    @transaction
    def private_range_then_write(self, ctx: Context) -> None:
        list(ctx.stub.get_private_data_by_range("private", "", ""))
        ctx.stub.put_state("x", "1")

    @transaction(evaluate=True)
    def page(self, ctx: Context, page_size: int, bookmark: str) -> dict:
        results, metadata = ctx.stub.get_state_by_range_with_pagination("", "", page_size, bookmark)
        return {"keys": [kv.key for kv in results], "bookmark": metadata.bookmark,
                "count": metadata.fetched_records_count}

    @transaction(evaluate=True)
    def by_owner(self, ctx: Context, owner: str) -> list[str]:
        with ctx.stub.get_state_by_partial_composite_key("deed", [owner]) as results:
            return [ctx.stub.split_composite_key(kv.key)[1][1] for kv in results]

    @transaction
    def deed(self, ctx: Context, owner: str, parcel: str) -> None:
        ctx.stub.put_state(ctx.stub.create_composite_key("deed", [owner, parcel]), "1")

    @transaction(evaluate=True)
    def context(self, ctx: Context) -> dict:
        return {"who": ctx.client_identity.id, "msp": ctx.client_identity.msp_id,
                "when": ctx.tx_timestamp, "tx": ctx.tx_id, "channel": ctx.stub.channel_id}

    @transaction
    def relay(self, ctx: Context, target: str, key: str) -> dict:
        ctx.stub.put_state("relayed", key)
        response = ctx.stub.invoke_chaincode(target, ["put", key, "from-relay"])
        return {"status": response.status, "message": response.message}


@pytest.fixture
def ledger() -> MemoryLedger:
    return MemoryLedger()


chaincode = Chaincode(Probe())


def test_reads_do_not_see_the_transactions_own_writes(ledger):
    assert ledger.invoke(chaincode, "write_and_read", "k", "v").text == "unseen"
    assert ledger.invoke(chaincode, "write_and_read", "k", "w").text == "v"
    assert ledger.get_state("k") == b"w"


def test_a_failed_transaction_leaves_nothing_behind(ledger):
    result = ledger.invoke(chaincode, "write_everything_then_fail")
    assert (result.ok, result.message, result.event) == (False, "CHANGED_MY_MIND: nothing happened", None)
    assert ledger.state() == {} and ledger.state(collection="private") == {}
    assert ledger.history("k") == [] and ledger.validation_parameter("k") is None


def test_events_are_captured_per_transaction(ledger):
    first = ledger.invoke(chaincode, "put", "a", "1")
    second = ledger.invoke(chaincode, "put", "b", "2")
    assert (first.event.name, first.event.payload, second.event.payload) == ("Put", b"a", b"b")
    assert ledger.invoke(chaincode, "delete", "a").event is None


def test_history_is_newest_first_with_deletes(ledger):
    stamps = [datetime(2026, 1, day, tzinfo=timezone.utc) for day in (1, 2, 3)]
    ids = [ledger.invoke(chaincode, "put", "k", "1", timestamp=stamps[0]).tx_id,
           ledger.invoke(chaincode, "put", "k", "2", timestamp=stamps[1]).tx_id,
           ledger.invoke(chaincode, "delete", "k", timestamp=stamps[2]).tx_id]
    history = ledger.history("k")
    assert [(h.tx_id, h.value, h.timestamp, h.is_delete) for h in history] == [
        (ids[2], b"", stamps[2], True), (ids[1], b"2", stamps[1], False), (ids[0], b"1", stamps[0], False)]


def test_private_data_from_transient_with_hash_and_purge(ledger):
    assert ledger.invoke(chaincode, "put_private", "p", transient={"value": b"secret"}).ok
    assert ledger.get_private_data("private", "p") == b"secret"
    assert ledger.invoke(chaincode, "private_hash", "p").text == hashlib.sha256(b"secret").hexdigest()
    assert ledger.invoke(chaincode, "purge", "p").ok
    assert ledger.get_private_data("private", "p") is None
    assert ledger.invoke(chaincode, "private_hash", "p").text == ""


def test_key_level_endorsement_parameters_are_kept(ledger):
    ledger.invoke(chaincode, "put", "deed", "1")
    ledger.invoke(chaincode, "protect", "deed")
    assert KeyEndorsementPolicy(ledger.validation_parameter("deed")).list_orgs() == ["RegistryMSP"]


@pytest.mark.parametrize("function, refusal", [
    ("write_then_page", "Paginated queries are supported only in a read-only transaction"),
    ("private_range_then_write", "Transaction has already performed queries on pvt data"),
])
def test_the_peers_refusals_are_reproduced(ledger, function, refusal):
    result = ledger.invoke(chaincode, function)
    assert result.message.startswith("INTERNAL: PeerError: txid [") and refusal in result.message
    assert ledger.get_state("x") is None


def test_pagination_and_partial_composite_keys(ledger):
    for key in "abcde":
        ledger.put_state(key, "1")
    first = ledger.invoke(chaincode, "page", 2, "").json()
    assert first == {"keys": ["a", "b"], "bookmark": "c", "count": 2}
    assert ledger.invoke(chaincode, "page", 2, "e").json() == {"keys": ["e"], "bookmark": "", "count": 1}
    for owner, parcel in [("jan", "p1"), ("jan", "p2"), ("janneke", "p3")]:
        ledger.invoke(chaincode, "deed", owner, parcel)
    assert ledger.invoke(chaincode, "by_owner", "jan").json() == ["p1", "p2"]


def test_identity_timestamp_and_tx_id_are_settable(ledger):
    clerk = make_identity("RegistryMSP", "clerk")
    when = datetime(2026, 5, 1, 9, 30, tzinfo=timezone.utc)
    result = ledger.invoke(chaincode, "context", identity=clerk, timestamp=when, tx_id="tx-7")
    assert result.json() == {"who": clerk.client_identity.id, "msp": "RegistryMSP",
                             "when": "2026-05-01T09:30:00Z", "tx": "tx-7", "channel": "mychannel"}
    assert result.tx_id == "tx-7"


def test_chaincode_to_chaincode_calls_share_the_transaction(ledger):
    ledger.deploy("relay", chaincode)
    ledger.deploy("target", Chaincode(Probe()))
    result = ledger.invoke("relay", "relay", "target", "k")
    assert result.json() == {"status": 200, "message": ""}
    assert ledger.get_state("relayed", namespace="relay") == b"k"
    assert ledger.get_state("k", namespace="target") == b"from-relay"
    missing = ledger.invoke("relay", "relay", "ghost", "k").json()
    assert missing["status"] == 500 and "ghost" in missing["message"]
