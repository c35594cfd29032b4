"""A network of its own with the registry chaincode deployed as the lead fixed it: channel
`kadaster`, endorsement OR(RegistryMSP.peer, MunicipalityMSP.peer), collection `personal`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from grootboek.client import Contract

REGISTRY = {
    "name": "registry",
    "version": "1.0",
    "contract": "grootboek.chaincode.registry:chaincode",
    "endorsement_policy": "OR('RegistryMSP.peer','MunicipalityMSP.peer')",
    "servers": {"Registry": 1, "Municipality": 2},  # replaced by free ports
    "collections": [
        {
            "name": "personal",
            "policy": "OR('RegistryMSP.member')",
            "required_peer_count": 0,
            "max_peer_count": 0,
            "member_only_read": True,
            "member_only_write": True,
            "endorsement_policy": "OR('RegistryMSP.peer')",
        }
    ],
}


def with_registry(data: dict) -> dict:
    for channel in data["channels"]:
        if channel["name"] == "kadaster":
            channel.setdefault("chaincodes", []).append(REGISTRY)
    return data


@pytest.fixture(scope="module")
def registry_network(start_network, integration_consortium):
    network = start_network(integration_consortium(extra=with_registry), "registry")
    yield network
    network.down()


class Client:
    """The registry chaincode as one user sees it through its organisation's gateway."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract

    def submit(self, function: str, *args: Any, **options: Any) -> Any:
        return _decoded(self.contract.submit(function, [_encoded(a) for a in args], **options))

    def evaluate(self, function: str, *args: Any, **options: Any) -> Any:
        return _decoded(self.contract.evaluate(function, [_encoded(a) for a in args], **options))


def _encoded(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _decoded(payload: bytes) -> Any:
    return json.loads(payload) if payload else None


@pytest.fixture(scope="module")
def clients(registry_network, connect_as):
    """`clients["registrar"]` (Registry) and `clients["officer"]` (Municipality)."""
    gateways = {
        "registrar": connect_as(registry_network, "Registry", "registrar"),
        "officer": connect_as(registry_network, "Municipality", "officer"),
    }
    yield {user: Client(g.network("kadaster").contract("registry")) for user, g in gateways.items()}
    for gateway in gateways.values():
        gateway.close()
