"""Every stub function of the shim against real Fabric 3.1 peers (the conformance chaincode)."""
from __future__ import annotations

import base64
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

from grootboek.client.errors import CommitError, EndorseError, EvaluateError

from .conftest import CHANNEL

MUNICIPALITY, MERCHANTS = "MunicipalityMSP", "MerchantsMSP"


def as_json(raw: bytes):
    return json.loads(raw)


def refusal(call) -> str:
    """The chaincode's message of a failed evaluate or endorsement."""
    with pytest.raises((EvaluateError, EndorseError)) as caught:
        call()
    return " ".join(d.message for d in caught.value.details) or str(caught.value)


def test_put_get_delete(conformance, key):
    conformance.submit("State:put", [key, "v1"])
    assert conformance.evaluate("State:get", [key]) == b"v1"
    assert conformance.evaluate("State:read", [key]) == b"v1"
    conformance.submit("State:delete", [key])
    assert conformance.evaluate("State:get", [key]) == b""


def test_a_value_of_several_megabytes_crosses_both_ways(conformance, key):
    # Larger than any HTTP/2 window the peer opens at first: flow control in both directions.
    value = (hashlib.sha256(key.encode()).hexdigest() * (4 * 1024 * 1024 // 64))
    conformance.submit("State:put", [key, value])
    assert conformance.evaluate("State:get", [key]) == value.encode()


def test_batched_writes_and_multiple_key_reads(conformance, key):
    entries = {f"{key}-{i:04}": str(i) for i in range(1500)}  # more than one batch of 1000
    assert conformance.submit("State:put_many", [json.dumps(entries)]) == b"1500"
    keys = list(entries)[::100] + [f"{key}-missing"]
    assert as_json(conformance.evaluate("State:get_many", [json.dumps(keys)])) == [
        entries[k] for k in keys[:-1]] + [None]


def test_range_and_pagination_with_bookmarks(conformance, key):
    entries = {f"{key}-{i}": str(i) for i in range(7)}
    conformance.submit("State:put_many", [json.dumps(entries)])
    everything = as_json(conformance.evaluate("Queries:range", [f"{key}-", f"{key}-~"]))
    assert [e["key"] for e in everything] == sorted(entries)
    seen, bookmark = [], ""
    for _ in range(4):
        page = as_json(conformance.evaluate("Queries:range_page", [f"{key}-", f"{key}-~", "3", bookmark]))
        assert page["fetched"] == len(page["records"])
        seen += [r["key"] for r in page["records"]]
        bookmark = page["bookmark"]
        if len(seen) == len(entries):
            break
    assert seen == sorted(entries)
    first = as_json(conformance.evaluate("Queries:range_first", [f"{key}-", f"{key}-~"]))
    assert first == {"key": f"{key}-0", "value": "0"}


def test_composite_keys_by_partial_key_with_pagination(conformance, key):
    for owner, parcel in [(key, "p1"), (key, "p2"), (key, "p3"), (key + "x", "p4")]:
        conformance.submit("Queries:put_composite", ["deed", json.dumps([owner, parcel]), parcel.upper()])
    found = as_json(conformance.evaluate("Queries:by_partial", ["deed", json.dumps([key])]))
    assert [(f["attributes"], f["value"]) for f in found] == [
        ([key, "p1"], "P1"), ([key, "p2"], "P2"), ([key, "p3"], "P3")]
    page = as_json(conformance.evaluate("Queries:by_partial_page", ["deed", json.dumps([key]), "2"]))
    assert [r["value"] for r in page["records"]] == ["P1", "P2"] and page["bookmark"]
    rest = as_json(conformance.evaluate("Queries:by_partial_page", ["deed", json.dumps([key]), "2", page["bookmark"]]))
    assert [r["value"] for r in rest["records"]] == ["P3"]


def test_rich_queries_are_passed_through_and_leveldb_refuses_them(conformance):
    query = json.dumps({"selector": {"owner": "jan"}})
    assert "PEER_REFUSED" in refusal(lambda: conformance.evaluate("Queries:rich_query", [query]))
    assert "not supported for leveldb" in refusal(lambda: conformance.evaluate("Queries:rich_query_page", [query, "10"]))


def test_history_lists_every_write_newest_first(conformance, key):
    ids = [conformance.submit_async(fn, args).status().check().transaction_id
           for fn, args in [("State:put", [key, "1"]), ("State:put", [key, "2"]), ("State:delete", [key])]]
    history = as_json(conformance.evaluate("Queries:history", [key]))
    assert [h["tx_id"] for h in history] == ids[::-1]
    assert [(h["value"], h["is_delete"]) for h in history] == [("", True), ("2", False), ("1", False)]


def test_private_data_in_the_private_collection(conformance, key):
    conformance.submit("Private:put", [key + "-a", "alpha"])
    conformance.submit_async("Private:put_transient", [key + "-b"], transient={"value": "beta"}).status().check()
    assert conformance.evaluate("Private:get", [key + "-a"]) == b"alpha"
    assert conformance.evaluate("Private:hash", [key + "-b"]).decode() == hashlib.sha256(b"beta").hexdigest()
    assert as_json(conformance.evaluate("Private:get_many", [json.dumps([key + "-a", key + "-b", key])])) == [
        "alpha", "beta", None]
    in_range = as_json(conformance.evaluate("Private:range", [key, key + "~"]))
    assert [(r["key"], r["value"]) for r in in_range] == [(key + "-a", "alpha"), (key + "-b", "beta")]
    assert "PEER_REFUSED" in refusal(lambda: conformance.evaluate("Private:query", ['{"selector":{}}']))
    conformance.submit("Private:delete", [key + "-a"])
    assert conformance.evaluate("Private:get", [key + "-a"]) == b""
    conformance.submit("Private:purge", [key + "-b"])
    assert conformance.evaluate("Private:get", [key + "-b"]) == b""
    assert conformance.evaluate("Private:hash", [key + "-b"]) == b""


def test_private_composite_keys(conformance, key):
    for parcel in ("p1", "p2"):
        conformance.submit("Private:put", [f"\x00deed\x00{key}\x00{parcel}\x00", parcel.upper()])
    conformance.submit("Queries:put_composite", ["deed", json.dumps([key, "p3"]), "public"])
    found = as_json(conformance.evaluate("Private:by_partial", ["deed", json.dumps([key])]))
    assert [f["value"] for f in found] == ["P1", "P2"]


def test_transient_data(conformance):
    seen = as_json(conformance.evaluate("Tx:transient", transient={"bid": b"\x00\xff"}))
    assert base64.b64decode(seen["bid"]) == b"\x00\xff"


def test_transaction_context(conformance):
    proposal = conformance.new_proposal("Tx:info", [])
    info = as_json(proposal.evaluate())
    assert (info["tx_id"], info["channel_id"], info["function"], info["args"]) == (
        proposal.transaction_id, CHANNEL, "Tx:info", [])
    assert info["signed_proposal"] is True and len(bytes.fromhex(info["binding"])) == 32
    stamp = datetime.fromisoformat(info["timestamp"])
    assert abs(stamp - datetime.now(timezone.utc)) < timedelta(minutes=5)


def test_client_identity_and_attributes(officer, conformance):
    as_officer = officer.network(CHANNEL).contract("conformance")
    me = as_json(as_officer.evaluate("Tx:whoami"))
    assert me["msp_id"] == MUNICIPALITY and me["attributes"]["role"] == "officer"
    assert me["id"].startswith("x509::CN=officer") and "::CN=" in me["id"][7:]
    assert as_officer.evaluate("Tx:assert_attribute", ["role", "officer"]) == b"ok"
    message = refusal(lambda: conformance.evaluate("Tx:assert_attribute", ["role", "officer"]))
    assert "ACCESS_DENIED: attribute 'role' was not found" in message


def test_events_reach_listeners(municipality, conformance, key):
    status = conformance.submit_async("Tx:emit", [key, "payload"]).status().check()
    stream = municipality.network(CHANNEL).new_chaincode_events_request(
        "conformance", start_block=status.block_number).events(timeout=60)
    with stream:
        event = next(e for e in stream if e.event_name == key)
    assert (event.transaction_id, event.payload) == (status.transaction_id, b"payload")


def test_a_key_level_policy_overrides_the_chaincode_policy(conformance, key):
    conformance.submit("State:put", [key, "v0"])
    conformance.submit("Tx:set_endorsement", [key, json.dumps([MERCHANTS])])
    assert as_json(conformance.evaluate("Tx:get_endorsement", [key])) == [MERCHANTS]
    # The chaincode policy needs both organisations; for this key only Merchants counts now.
    with pytest.raises(CommitError) as refused:
        conformance.submit("State:put", [key, "municipality only"], endorsing_organizations=[MUNICIPALITY])
    assert refused.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
    conformance.submit("State:put", [key, "merchants only"], endorsing_organizations=[MERCHANTS])
    assert conformance.evaluate("State:get", [key]) == b"merchants only"


def test_private_key_level_policy(conformance, key):
    conformance.submit("Private:put", [key, "v"])
    conformance.submit("Private:set_endorsement", [key, json.dumps([MUNICIPALITY, MERCHANTS])])
    assert as_json(conformance.evaluate("Private:get_endorsement", [key])) == [MERCHANTS, MUNICIPALITY]


def test_calling_a_chaincode(conformance, key):
    conformance.submit("State:put", [key, "there"])
    # Another channel's chaincode (read-only by Fabric's rules): conformance on kadaster.
    other = as_json(conformance.evaluate("Tx:call", ["conformance", json.dumps(["State:get", key]), "kadaster"]))
    assert (other["status"], other["payload"]) == (200, "")
    # This chaincode itself on this channel: the peer refuses a second context for the same tx.
    itself = as_json(conformance.evaluate("Tx:call", ["conformance", json.dumps(["State:get", key])]))
    assert itself["status"] == 500 and "exists" in itself["message"], itself


def test_a_transaction_failing_after_its_writes_commits_nothing(conformance, key):
    assert "DELIBERATE_FAILURE" in refusal(lambda: conformance.submit("State:write_then_fail", [key, "v"]))
    assert conformance.evaluate("State:get", [key]) == b""


def test_a_write_after_a_paginated_query_fails_the_transaction(conformance, key):
    message = refusal(lambda: conformance.submit("Queries:paginated_then_write", [key, "v"]))
    assert "paginated query" in message
    assert conformance.evaluate("State:get", [key]) == b""


def test_32_concurrent_transactions_all_complete(conformance, key):
    def put(i: int) -> str:
        return conformance.submit_async("State:put", [f"{key}-{i}", str(i)]).status().check().transaction_id

    with ThreadPoolExecutor(32) as pool:
        tx_ids = list(pool.map(put, range(32)))
    assert len(set(tx_ids)) == 32
    values = as_json(conformance.evaluate("State:get_many", [json.dumps([f"{key}-{i}" for i in range(32)])]))
    assert values == [str(i) for i in range(32)]
