"""Layout(hostnames=True): every node addressed by its TLS host name, for container deployments;
the native default keeps the consortium's one host."""
from __future__ import annotations

from pathlib import Path

import pytest

from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.channel_config import configtx
from grootboek.network.config.layout import Layout


@pytest.fixture(scope="module")
def consortium():
    return consortium_file.load()


def channel_profile(layout: Layout, channel_name: str) -> dict:
    return configtx(layout, layout.consortium.channel(channel_name))["Profiles"][channel_name]


def test_native_layout_addresses_everything_at_the_consortium_host(consortium, tmp_path: Path):
    layout = Layout(consortium, tmp_path)
    assert {layout.address(port) for _, port in consortium.ports()} == \
        {f"127.0.0.1:{port}" for _, port in consortium.ports()}
    profile = channel_profile(layout, "kindpakket")
    assert {c["Host"] for c in profile["Orderer"]["EtcdRaft"]["Consenters"]} == {"127.0.0.1"}
    assert {a["Host"] for org in profile["Application"]["Organizations"] for a in org["AnchorPeers"]} == {"127.0.0.1"}


def test_hostnames_name_each_node_by_its_tls_host(consortium, tmp_path: Path):
    layout = Layout(consortium, tmp_path, hostnames=True)
    municipality = consortium.organization("Municipality")
    assert layout.peers(municipality)[0].address == "peer0.gemeente.grootboek.nl:7051"
    assert layout.address(7053) == "orderer0.orderer.grootboek.nl:7053"       # orderer admin
    assert layout.address(9446) == "peer0.gemeente.grootboek.nl:9446"         # peer operations
    assert layout.address(7054) == "ca.gemeente.grootboek.nl:7054"            # Fabric CA
    assert layout.address(8081) == "api.gemeente.grootboek.nl:8081"           # REST gateway
    assert layout.address(7060) == "cc-budgets.gemeente.grootboek.nl:7060"    # chaincode server
    assert layout.address(8060) == "cc-registry.kadaster.grootboek.nl:8060"


def test_every_declared_port_has_a_host_name(consortium, tmp_path: Path):
    layout = Layout(consortium, tmp_path, hostnames=True)
    hosts = {layout.host_of(port) for _, port in consortium.ports()}
    assert "127.0.0.1" not in hosts
    assert all(host.endswith(".grootboek.nl") for host in hosts)


def test_hostnames_reach_the_channel_configuration(consortium, tmp_path: Path):
    profile = channel_profile(Layout(consortium, tmp_path, hostnames=True), "kadaster")
    orderer = profile["Orderer"]
    assert [(c["Host"], c["Port"]) for c in orderer["EtcdRaft"]["Consenters"]] == [
        ("orderer0.orderer.grootboek.nl", 7050), ("orderer1.orderer.grootboek.nl", 7150),
        ("orderer2.orderer.grootboek.nl", 7250)]
    assert orderer["Organizations"][0]["OrdererEndpoints"] == [
        "orderer0.orderer.grootboek.nl:7050", "orderer1.orderer.grootboek.nl:7150",
        "orderer2.orderer.grootboek.nl:7250"]
    anchors = {org["Name"]: org["AnchorPeers"] for org in profile["Application"]["Organizations"]}
    assert anchors == {"Registry": [{"Host": "peer0.kadaster.grootboek.nl", "Port": 8051}],
                       "Municipality": [{"Host": "peer0.gemeente.grootboek.nl", "Port": 7051}]}
