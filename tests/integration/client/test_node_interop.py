"""Interop with the official Node Gateway client (issue 6): the same network and chaincode work
with `@hyperledger/fabric-gateway`. It submits and our client reads back, and the reverse, each
as a user our tooling generated (profiles/<Org>.json, crypto/<Org>/users/<user>/msp) and through
another organisation's peer than the other client's.
"""
from __future__ import annotations

import base64
import sys
from typing import Any, Callable

import pytest
from fabric_protos.common import common_pb2

from bench import node_client
from grootboek.progress import Progress

CHANNEL = "kindpakket"
# Beyond ASCII, so both clients must agree on the bytes of a string argument.
VALUE = "Stadjerspas: ĳsbaan €5 — Groningen"

NodeClient = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def node(fabric, request) -> NodeClient:
    """`node(org, transaction, args, submit=False)`: one transaction through bench/node_client's
    interop.js as the organisation's admin; its JSON answer."""
    # npm ci on a fresh machine takes a while: its progress goes past pytest's output capture.
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        node_client.ensure_installed(Progress(sys.stderr))

    def run(org: str, transaction: str, args: list[str], submit: bool = False) -> dict[str, Any]:
        return node_client.run("interop.js", {
            "profile": str(fabric.layout.profile(org)),
            "msp": str(fabric.layout.crypto(org).user_dir("admin") / "msp"),
            "channel": CHANNEL, "chaincode": "conformance",
            "transaction": transaction, "args": args, "submit": submit,
        })
    return run


def transaction_ids(gateway, block_number: int) -> set[str]:
    """The transaction ids in a block, as our client reads it."""
    with gateway.network(CHANNEL).block_events(start_block=block_number) as blocks:
        block = next(blocks)
    return {common_pb2.ChannelHeader.FromString(common_pb2.Payload.FromString(
        common_pb2.Envelope.FromString(data).payload).header.channel_header).tx_id
        for data in block.data.data}


def test_node_submits_and_ours_reads_it_back(fabric, node, municipality, conformance, wait_synced,
                                             key):
    submitted = node("Merchants", "State:put", [key, VALUE], submit=True)

    assert submitted["status"]["name"] == "VALID"
    block_number = submitted["status"]["blockNumber"]
    wait_synced(fabric, CHANNEL, block_number)
    assert conformance.evaluate("State:get", [key]).decode() == VALUE
    assert submitted["transactionId"] in transaction_ids(municipality, block_number)


def test_ours_submits_and_node_reads_it_back(fabric, node, conformance, wait_synced, key):
    status = conformance.submit_async("State:put", [key, VALUE]).status().check()
    wait_synced(fabric, CHANNEL, status.block_number)

    read = node("Merchants", "State:get", [key])

    assert base64.b64decode(read["result"]).decode() == VALUE

