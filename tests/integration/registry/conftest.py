"""A network of its own with the consortium's registry chaincode (channel `kadaster`, endorsement
OR(RegistryMSP.peer, MunicipalityMSP.peer), collection `personal`), for tests that register
parcels under fixed designations."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from grootboek.client import Contract


@pytest.fixture(scope="module")
def registry_network(start_network, integration_consortium):
    network = start_network(integration_consortium(), "registry")
    yield network
    network.down()


class Client:
    """The registry chaincode as one user sees it through its organisation's gateway. A submit
    returns once every peer of the channel has the block, so the next call may use either peer."""

    def __init__(self, contract: Contract, synced: Callable[[int], None]) -> None:
        self.contract = contract
        self.synced = synced

    def submit(self, function: str, *args: Any, **options: Any) -> Any:
        submitted = self.contract.submit_async(function, [_encoded(a) for a in args], **options)
        status = submitted.status().check()
        self.synced(status.block_number)
        return _decoded(submitted.result)

    def evaluate(self, function: str, *args: Any, **options: Any) -> Any:
        return _decoded(self.contract.evaluate(function, [_encoded(a) for a in args], **options))


def _encoded(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _decoded(payload: bytes) -> Any:
    return json.loads(payload) if payload else None


@pytest.fixture(scope="module")
def clients(registry_network, connect_as, wait_synced):
    """`clients["registrar"]` (Registry) and `clients["officer"]` (Municipality)."""
    gateways = {
        "registrar": connect_as(registry_network, "Registry", "registrar"),
        "officer": connect_as(registry_network, "Municipality", "officer"),
    }
    synced = lambda block: wait_synced(registry_network, "kadaster", block)  # noqa: E731
    yield {user: Client(g.network("kadaster").contract("registry"), synced) for user, g in gateways.items()}
    for gateway in gateways.values():
        gateway.close()
