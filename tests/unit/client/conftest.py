from __future__ import annotations

import grpc
import pytest

from grootboek.client.gateway import Gateway, connect
from grootboek.client.identity import PrivateKeySigner, X509Identity, hashing

from .fake_fabric import FakeFabric
from .fake_peer import ChaincodeFailure, Outcome


def budget_chaincode() -> dict:
    """A pure fake contract (endorsers run it once each, so it keeps no state)."""

    def get(args, transient):
        return b"100" if args[0] == b"alice" else b"0"

    def grant(args, transient):
        who, amount = args[0].decode(), args[1].decode()
        return Outcome(amount.encode(), ("Granted", f"{who}:{amount}".encode()))

    def spend(args, transient):
        raise ChaincodeFailure(f"insufficient funds for {args[0].decode()}")

    def transient_keys(args, transient):
        return ",".join(sorted(transient)).encode()

    return {"Budget:Get": get, "Budget:Grant": grant, "Budget:Spend": spend,
            "Budget:TransientKeys": transient_keys, "Get": get}


@pytest.fixture
def fabric():
    fake = FakeFabric({"budgets": budget_chaincode()})
    yield fake
    fake.stop()


@pytest.fixture
def channel(fabric):
    with grpc.insecure_channel(fabric.address) as opened:
        yield opened


@pytest.fixture
def identity(fabric) -> X509Identity:
    return X509Identity(fabric.user.msp_id, fabric.user.certificate_pem)


@pytest.fixture
def gateway(fabric, channel, identity) -> Gateway:
    with connect(identity, PrivateKeySigner(fabric.user.key), channel=channel,
                 hash=hashing.sha256) as connected:
        yield connected


@pytest.fixture
def contract(gateway):
    return gateway.network("mychannel").contract("budgets", "Budget")
