"""Chaincode servers on free loopback ports, and fake peers dialing them."""
from __future__ import annotations

import pytest

from grootboek.chaincode.shim import serve
from grootboek.chaincode.shimtest.fakepeer import FakePeer


@pytest.fixture
def serve_chaincode():
    """Starts chaincode servers on 127.0.0.1:0; all are stopped after the test."""
    servers = []

    def start(chaincode, tls=None, chaincode_id="conformance:0123"):
        server = serve(chaincode, "127.0.0.1:0", chaincode_id, tls)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop(grace=None)


@pytest.fixture
def connect(serve_chaincode):
    """Serves a chaincode and returns a registered FakePeer for it (closed after the test)."""
    peers = []

    def connect_peer(chaincode, **options) -> FakePeer:
        server = serve_chaincode(chaincode)
        peer = FakePeer(f"127.0.0.1:{server.port}", **options).connect()
        peers.append(peer)
        return peer

    yield connect_peer
    for peer in peers:
        peer.close()


@pytest.fixture(params=[0, 100], ids=["unbatched", "batched"])
def write_batch(request) -> int:
    """The write batch size the fake peer offers (0: none), to run a test both ways."""
    return request.param
