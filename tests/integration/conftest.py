"""Fixtures for integration tests: real Fabric networks started by grootboek.network.

`fabric` is one network for the whole session: the default consortium (3 Raft orderers,
Municipality, Registry, Merchants; channels kindpakket with `budgets` and kadaster with `registry`)
on free ports in a temporary state directory, plus the conformance chaincode on both channels with a
private data collection named `private`. Use it whenever a test leaves the network as it found it
(its own keys and records). Tests that stop or break nodes, or need another topology, start their
own network with `start_network` and stop it when done.
"""
from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.consortium import Consortium
from grootboek.network.nodes import binaries
from grootboek.network.nodes.network import Network
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


def make_consortium(extra=with_conformance) -> Consortium:
    data = consortium_file.load().model_dump()
    return consortium_file.with_free_ports(consortium_file.parse(extra(data)))


@pytest.fixture(scope="session", autouse=True)
def fabric_binaries(request) -> binaries.Binaries:
    # Builds them on a fresh machine, with progress visible through pytest's capture (CI shows
    # what takes the first minute); reuses the cache after.
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        return binaries.ensure(Progress(sys.stderr))


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
def start_network(tmp_path_factory):
    """Starts extra networks (`start_network(consortium, name)`); a module that starts one should
    stop it when done (`network.down()`); anything still running is stopped at the end."""
    starter = NetworkStarter(tmp_path_factory.mktemp("networks"))
    yield starter
    for network in starter.started:
        network.down()


@pytest.fixture(scope="session")
def integration_consortium():
    """A factory: the integration consortium (conformance chaincode included) on fresh free ports."""
    return make_consortium


@pytest.fixture(scope="session")
def fabric(start_network) -> Network:
    """The shared network (see module docstring). Do not stop its nodes."""
    return start_network(make_consortium(), "shared")


@pytest.fixture(scope="session")
def connect_as():
    """`connect_as(network, org, user="admin")`: a Gateway connection to the org's first peer as a
    user our tooling generated (use it as a context manager)."""
    return lambda network, org, user="admin": network.gateway(org, user)


@pytest.fixture(scope="session")
def wait_synced():
    """`wait_synced(network, channel, block_number)`: until every peer of the channel has committed
    that block. A submit only guarantees the commit on the submitting gateway's own peer; tests
    that then read or endorse through another organisation's peer wait for it first."""
    return lambda network, channel, block_number: network.wait_synced(channel, block_number)


# -- the conformance chaincode on the shared network's kindpakket channel (client and shim tests)

@pytest.fixture(scope="module")
def municipality(fabric, connect_as):
    """A gateway to the shared network as the Municipality's admin."""
    with connect_as(fabric, "Municipality") as gateway:
        yield gateway


@pytest.fixture
def conformance(municipality):
    """The conformance chaincode on kindpakket (Municipality and Merchants; collection "private")."""
    return municipality.network("kindpakket").contract("conformance")


@pytest.fixture
def key(request) -> str:
    """A fresh key (and key prefix) per test, named after its package: the shared network's state
    outlives every test."""
    return f"{request.module.__name__.split('.')[-2]}-{uuid.uuid4().hex[:12]}"
