"""Fixtures for integration tests: real Fabric networks started by grootboek.network.

`fabric` is one network for the whole session: the default consortium (3 Raft orderers,
Municipality, Registry, Merchants; channels kindpakket and kadaster) on free ports in a temporary
state directory, plus the conformance chaincode on both channels with a private data collection
named `private`. Tests that stop or break nodes start their own network with `start_network`.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from grootboek.network import binaries
from grootboek.network import consortium as consortium_file
from grootboek.network.consortium import Consortium
from grootboek.network.network import Network
from grootboek.progress import Progress

CONFORMANCE = "grootboek.chaincode.conformance:chaincode"


def with_conformance(data: dict) -> dict:
    """Adds the conformance chaincode to every channel (ports are replaced by free ones later)."""
    servers: dict[str, int] = {}
    for channel in data["channels"]:
        members = [data_org["msp_id"] for data_org in data["organizations"]
                   if data_org["name"] in channel["organizations"]]
        channel.setdefault("chaincodes", []).append({
            "name": "conformance",
            "version": "1.0",
            "contract": CONFORMANCE,
            "servers": {org: servers.setdefault(org, 20000 + len(servers)) for org in channel["organizations"]},
            "collections": [{
                "name": "private",
                "policy": "OR(" + ", ".join(f"'{m}.member'" for m in members) + ")",
                "member_only_read": False,
                "member_only_write": False,
                "max_peer_count": len(members),
            }],
        })
    return data


def integration_consortium(extra=with_conformance) -> Consortium:
    data = consortium_file.load().model_dump()
    return consortium_file.with_free_ports(consortium_file.parse(extra(data)))


@pytest.fixture(scope="session", autouse=True)
def fabric_binaries() -> binaries.Binaries:
    # Builds them on a fresh machine (progress visible in CI output), reuses the cache after.
    return binaries.ensure(Progress(sys.__stderr__))


class NetworkStarter:
    def __init__(self, root: Path):
        self.root = root
        self.started: list[Network] = []

    def __call__(self, consortium: Consortium, name: str = "net") -> Network:
        network = Network(consortium, self.root / f"{name}-{len(self.started)}", Progress.quiet())
        self.started.append(network)
        network.up()
        return network


@pytest.fixture(scope="session")
def _session_starter(tmp_path_factory):
    starter = NetworkStarter(tmp_path_factory.mktemp("fabric"))
    yield starter
    for network in starter.started:
        network.down()


@pytest.fixture
def start_network(tmp_path):
    """Starts extra networks for one test; all of them are stopped afterwards."""
    starter = NetworkStarter(tmp_path)
    yield starter
    for network in starter.started:
        network.down()


@pytest.fixture(scope="session")
def fabric(_session_starter) -> Network:
    """The shared network (see module docstring). Do not stop its nodes."""
    return _session_starter(integration_consortium(), "shared")
