"""Hosts in the consortium file: each node is reached at one host and listens on another, taken
from the node, else its organisation, else the file's top; certificates and every generated
configuration use them, and a host that is malformed or not here is refused naming its field."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from cryptography import x509

from grootboek.network.admin import lifecycle
from grootboek.network.config import ca, profiles
from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.channel_config import configtx
from grootboek.network.config.consortium import ConsortiumError
from grootboek.network.config.layout import Layout
from grootboek.network.config.node_config import core_yaml, orderer_yaml
from grootboek.network.nodes import gateways


@pytest.fixture
def data() -> dict:
    return yaml.safe_load(consortium_file.DEFAULT_FILE.read_text())


def placed(data: dict) -> dict:
    """The default file with hosts at every level: the orderer organisation on 10.1.0.5 with
    orderer2 on a host of its own, the Municipality on a name and listening everywhere, its REST
    gateway elsewhere, the Registry on an address and its registry chaincode server on another,
    listening on a third."""
    data["orderer_organization"]["host"] = "10.1.0.5"
    data["orderer_organization"]["orderers"][2]["host"] = "10.1.0.6"
    municipality, registry, _ = data["organizations"]
    municipality.update(host="gemeente.example", listen="0.0.0.0")
    municipality["api"]["host"] = "10.1.0.7"
    registry["host"] = "10.1.0.3"
    data["channels"][1]["chaincodes"][0]["servers"]["Registry"] = {"port": 8060, "host": "10.1.0.8",
                                                                    "listen": "10.1.0.9"}
    return data


def endpoints(consortium) -> dict[str, tuple[str, str]]:
    return {e.where: (e.host, e.listen) for e in consortium.endpoints()}


def test_the_default_file_keeps_everything_on_its_one_host(tmp_path: Path):
    consortium = consortium_file.load()
    layout = Layout(consortium, tmp_path)
    assert set(endpoints(consortium).values()) == {("127.0.0.1", "127.0.0.1")}
    assert {layout.tls_hosts(port) == ["127.0.0.1"] for _, port in consortium.ports()} == {True}


def test_a_node_takes_its_own_host_else_its_organisations_else_the_files(data):
    found = endpoints(consortium_file.parse(placed(data)))
    assert found["orderer_organization.orderers[0].port"] == ("10.1.0.5", "10.1.0.5")
    assert found["orderer_organization.orderers[2].admin_port"] == ("10.1.0.6", "10.1.0.6")
    assert found["organizations[0].peers[0].chaincode_port"] == ("gemeente.example", "0.0.0.0")
    assert found["organizations[0].ca.operations_port"] == ("gemeente.example", "0.0.0.0")
    assert found["organizations[0].api.port"] == ("10.1.0.7", "0.0.0.0")
    assert found["organizations[1].peers[0].port"] == ("10.1.0.3", "10.1.0.3")
    assert found["channels[1].chaincodes[0].servers.Registry"] == ("10.1.0.8", "10.1.0.9")
    assert found["channels[1].chaincodes[0].servers.Municipality"] == ("gemeente.example", "0.0.0.0")
    assert found["organizations[2].peers[0].port"] == ("127.0.0.1", "127.0.0.1")  # Merchants: the file's host


def test_a_listen_host_at_the_top_applies_where_nothing_closer_is_given(data):
    data["listen"] = "0.0.0.0"
    found = endpoints(consortium_file.parse(placed(data)))
    assert found["organizations[2].peers[0].port"] == ("127.0.0.1", "0.0.0.0")
    assert found["channels[1].chaincodes[0].servers.Registry"] == ("10.1.0.8", "10.1.0.9")


@pytest.fixture
def layout(data, tmp_path: Path) -> Layout:
    layout = Layout(consortium_file.parse(placed(data)), tmp_path)
    for org in [layout.consortium.orderer_organization, *layout.consortium.organizations]:
        layout.crypto(org.name).create()
    return layout


def test_certificates_carry_the_host_a_node_is_reached_at_and_the_one_it_listens_on(layout):
    municipality = layout.consortium.organization("Municipality")
    peer = layout.peers(municipality)[0]
    crypto = layout.crypto("Municipality")
    cert_file = crypto.add_node(peer.host, "peer", layout.tls_hosts(peer.spec.port)) / "tls" / "server.crt"
    sans = x509.load_pem_x509_certificate(cert_file.read_bytes()).extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    assert "gemeente.example" in sans.get_values_for_type(x509.DNSName)
    assert "peer0.gemeente.grootboek.nl" in sans.get_values_for_type(x509.DNSName)
    assert sans.get_values_for_type(x509.IPAddress) == []  # not 0.0.0.0: it names no host
    server = layout.consortium.channel("kadaster").chaincodes[0].servers["Registry"]
    assert layout.tls_hosts(server.port) == ["10.1.0.8", "10.1.0.9"]


def test_nodes_listen_on_their_listen_host_and_advertise_the_one_they_are_reached_at(layout):
    municipality = layout.consortium.organization("Municipality")
    peer = layout.peers(municipality)[0]
    core = core_yaml(layout, peer, layout.root / "builder")["peer"]
    assert core["listenAddress"] == "0.0.0.0:7051"
    assert core["chaincodeListenAddress"] == "0.0.0.0:7052"
    assert (core["address"], core["gossip"]["externalEndpoint"], core["chaincodeAddress"]) == \
        ("gemeente.example:7051", "gemeente.example:7051", "gemeente.example:7052")
    oorg = layout.consortium.orderer_organization
    orderer = orderer_yaml(layout, oorg.orderers[2])
    assert (orderer["General"]["ListenAddress"], orderer["Admin"]["ListenAddress"]) == ("10.1.0.6", "10.1.0.6:7253")
    ca_config = ca.server_config(layout, municipality)
    assert (ca_config["address"], ca_config["operations"]["listenAddress"]) == ("0.0.0.0", "0.0.0.0:9456")
    api = gateways.api_config(layout, municipality)
    assert (api["listen"], api["ca"]["url"]) == ("0.0.0.0:8081", "https://gemeente.example:7054")


def test_what_others_dial_is_where_each_node_is_reached(layout):
    profile = configtx(layout, layout.consortium.channel("kadaster"))["Profiles"]["kadaster"]
    assert [(c["Host"], c["Port"]) for c in profile["Orderer"]["EtcdRaft"]["Consenters"]] == \
        [("10.1.0.5", 7050), ("10.1.0.5", 7150), ("10.1.0.6", 7250)]
    assert profile["Orderer"]["Organizations"][0]["OrdererEndpoints"] == \
        ["10.1.0.5:7050", "10.1.0.5:7150", "10.1.0.6:7250"]
    assert [org["AnchorPeers"] for org in profile["Application"]["Organizations"]] == \
        [[{"Host": "10.1.0.3", "Port": 8051}], [{"Host": "gemeente.example", "Port": 7051}]]
    connection = profiles.connection_profile(layout, "Municipality")
    assert connection["peers"]["peer0.gemeente.grootboek.nl"]["url"] == "grpcs://gemeente.example:7051"
    assert connection["certificateAuthorities"]["ca.gemeente.grootboek.nl"]["url"] == "https://gemeente.example:7054"


def test_peers_dial_their_chaincode_server_where_it_is_reached_and_it_listens_on_its_own(layout):
    for org in layout.consortium.organizations:
        for peer in layout.peers(org):
            layout.crypto(org.name).add_node(peer.host, "peer", layout.tls_hosts(peer.spec.port))
    names = [o.name for o in layout.consortium.organizations]
    lifecycle.prepare(layout, names)
    registry = layout.peers(layout.consortium.organization("Registry"))[0]
    ccaas = json.loads((layout.node_dir(registry.id) / "ccaas.json").read_text())
    assert ccaas[lifecycle.packaging.address_key("registry")] == "10.1.0.8:8060"
    specs = {s.name: s for s in lifecycle.server_specs(layout, lifecycle.packages(layout.consortium), 0, names)}
    spec = specs[layout.chaincode_server_id("registry", "Registry")]
    assert spec.env["CHAINCODE_SERVER_ADDRESS"] == "10.1.0.9:8060"
    assert lifecycle.server_address(layout, spec) == "10.1.0.8:8060"


@pytest.mark.parametrize(("where", "host", "message"), [
    (("organizations", 0), "10.0.0.300", "'10.0.0.300' is not a valid IPv4 address"),
    (("organizations", 1, "peers", 0), "peer_0.kadaster", "'peer_0.kadaster' is not a host name"),
    (("orderer_organization",), "fe80::1", "'fe80::1': IPv6 addresses are not supported"),
])
def test_a_malformed_host_is_refused_naming_its_field(data, where, host, message):
    node = data
    for step in where:
        node = node[step]
    node["host"] = host
    with pytest.raises(ConsortiumError) as caught:
        consortium_file.parse(data)
    field = "".join(f"[{s}]" if isinstance(s, int) else (f".{s}" if i else s) for i, s in enumerate(where))
    assert f"{field}.host: {message}" in str(caught.value)


def test_a_listen_host_that_is_not_here_or_does_not_resolve_is_named_before_anything_starts(data):
    consortium = consortium_file.with_free_ports(consortium_file.parse(data))
    moved = consortium_file.parse({**consortium.model_dump(), "organizations": [
        {**org.model_dump(), "host": host}
        for org, host in zip(consortium.organizations, ["192.0.2.1", "no-such-host.invalid", "127.0.0.1"])]})
    problems = moved.ports_in_use()
    assert "organizations[0].peers[0].port: 192.0.2.1 is not an address of this machine " \
           "(run this node on the host that has it, or set its `listen`)" in problems
    assert "organizations[1].ca.port: unknown host 'no-such-host.invalid' (it does not resolve here)" in problems
    assert not any(p.startswith("organizations[2]") for p in problems)


def test_members_that_order_are_in_the_orderer_group_with_their_own_consenters(tmp_path):
    members = consortium_file.load(consortium_file.DEFAULT_FILE.with_name("consortium.ordered-by-members.yaml"))
    layout = Layout(members, tmp_path)
    profile = configtx(layout, members.channel("kindpakket"))["Profiles"]["kindpakket"]
    orderer = profile["Orderer"]
    assert [(o["Name"], o["ID"], o["OrdererEndpoints"]) for o in orderer["Organizations"]] == [
        ("Municipality", "MunicipalityMSP", ["127.0.0.1:7050"]), ("Registry", "RegistryMSP", ["127.0.0.1:7150"]),
        ("Merchants", "MerchantsMSP", ["127.0.0.1:7250"])]
    assert [Path(c["ServerTLSCert"]).relative_to(tmp_path).parts[:4] for c in orderer["EtcdRaft"]["Consenters"]] == [
        ("crypto", "Municipality", "nodes", "orderer0.gemeente.grootboek.nl"),
        ("crypto", "Registry", "nodes", "orderer1.kadaster.grootboek.nl"),
        ("crypto", "Merchants", "nodes", "orderer2.winkeliers.grootboek.nl")]
    assert orderer["BatchTimeout"] == members.ordering_batch.timeout
    # Kindpakket's application group is its two members only; the Registry orders it without a say in it.
    assert [o["Name"] for o in profile["Application"]["Organizations"]] == ["Municipality", "Merchants"]
