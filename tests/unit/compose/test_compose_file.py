"""docker-compose.yaml: the committed file is what the generator emits, and it agrees with the
consortium file, checked here independently of the generator."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.consortium import Consortium
from grootboek.network.config.layout import Layout
from grootboek.network.config.node_config import core_yaml
from grootboek.network.nodes import compose

COMMITTED = Path(__file__).resolve().parents[3] / "docker-compose.yaml"
DEPLOY = "${GROOTBOEK_DEPLOY:-./deploy}/"


@pytest.fixture(scope="module")
def consortium() -> Consortium:
    return consortium_file.load()


@pytest.fixture(scope="module")
def document() -> dict:
    return yaml.safe_load(COMMITTED.read_text())


@pytest.fixture(scope="module")
def services(document) -> dict[str, dict]:
    return document["services"]


def of_image(services: dict[str, dict], image: str) -> dict[str, dict]:
    return {name: s for name, s in services.items() if s["image"].startswith(image)}


def expected_nodes(consortium: Consortium) -> dict[str, tuple[str, list[int]]]:
    """Host name -> (profile, published ports), straight from the consortium file."""
    oorg = consortium.orderer_organization
    nodes = {f"{o.name}.{oorg.domain}": ("orderer", [o.port, o.admin_port, o.operations_port])
             for o in oorg.orderers}
    for org in consortium.organizations:
        profile = org.name.lower()
        nodes[f"ca.{org.domain}"] = (profile, [org.ca.port, org.ca.operations_port])
        for p in org.peers:
            nodes[f"{p.name}.{org.domain}"] = (profile, [p.port, p.chaincode_port, p.operations_port])
        if org.api:
            nodes[f"api.{org.domain}"] = (profile, [org.api.port])
    for channel in consortium.channels:
        for cc in channel.chaincodes:
            for org_name, server in cc.servers.items():
                nodes[f"cc-{cc.name}.{consortium.organization(org_name).domain}"] = (org_name.lower(), [server.port])
    return nodes


def test_the_committed_file_is_what_the_generator_emits(consortium):
    assert COMMITTED.read_text() == compose.render(consortium)


def test_one_service_per_node_named_by_its_host_with_its_organisations_profile_and_ports(consortium, services):
    expected = expected_nodes(consortium)
    assert set(services) == set(expected)
    for name, service in services.items():
        profile, ports = expected[name]
        assert service["hostname"] == name
        assert service["profiles"] == [profile]
        assert service["ports"] == [f"{p}:{p}" for p in ports]
        assert service["restart"] == "unless-stopped"


def test_every_port_of_the_consortium_is_published_once_and_one_to_one(consortium, services):
    published = [p for s in services.values() for p in s["ports"]]
    assert sorted(published) == sorted(f"{port}:{port}" for _, port in consortium.ports())


def test_official_fabric_images_and_our_own_built_from_the_dockerfile(consortium, services):
    counts = {image: len(of_image(services, image)) for image in (
        "hyperledger/fabric-orderer:3.1.1", "hyperledger/fabric-peer:3.1.1", "hyperledger/fabric-ca:1.5")}
    assert list(counts.values()) == [len(consortium.orderer_organization.orderers),
                                     sum(len(o.peers) for o in consortium.organizations),
                                     len(consortium.organizations)]
    ours = of_image(services, "grootboek:")
    assert ours and all(s["build"] == "." and s["image"] == compose.image_name() for s in ours.values())
    assert {s["command"][2] for s in ours.values()} == {"grootboek.chaincode.shim", "grootboek.api"}


def test_nodes_carry_their_organisations_msp_id(consortium, services):
    for org in consortium.organizations:
        for p in org.peers:
            assert services[f"{p.name}.{org.domain}"]["environment"]["CORE_PEER_LOCALMSPID"] == org.msp_id
    for name, orderer in of_image(services, "hyperledger/fabric-orderer").items():
        assert orderer["environment"]["ORDERER_GENERAL_LOCALMSPID"] == consortium.orderer_organization.msp_id


def test_peers_use_tls_operations_tls_metrics_gossip_endpoints_and_no_docker(consortium, services):
    layout = Layout(consortium, Path("/native"))
    for org in consortium.organizations:
        for p in org.peers:
            host = f"{p.name}.{org.domain}"
            env = services[host]["environment"]
            assert env["CORE_PEER_TLS_ENABLED"] == env["CORE_OPERATIONS_TLS_ENABLED"] == "true"
            assert env["CORE_METRICS_PROVIDER"] == "prometheus"
            assert env["CORE_PEER_ADDRESS"] == env["CORE_PEER_GOSSIP_EXTERNALENDPOINT"] == f"{host}:{p.port}"
            assert env["CORE_PEER_LISTENADDRESS"] == f"0.0.0.0:{p.port}"
            assert env["CORE_OPERATIONS_LISTENADDRESS"] == f"0.0.0.0:{p.operations_port}"
            native = core_yaml(layout, layout.peer(host), Path("/builder"))["peer"]["gossip"]
            assert env["CORE_PEER_GOSSIP_RECONNECTINTERVAL"] == native["reconnectInterval"] == "1s"
            assert env["CORE_VM_ENDPOINT"] == ""
            assert not any(key.startswith("CORE_CHAINCODE_EXTERNALBUILDERS") for key in env)  # the image's own


def test_orderers_use_tls_and_a_mutual_tls_admin_endpoint_with_channel_participation(consortium, services):
    for o in consortium.orderer_organization.orderers:
        env = services[f"{o.name}.{consortium.orderer_organization.domain}"]["environment"]
        for section in ("GENERAL", "OPERATIONS", "ADMIN"):
            assert env[f"ORDERER_{section}_TLS_ENABLED"] == "true"
        assert env["ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED"] == "true"
        assert env["ORDERER_ADMIN_TLS_CLIENTROOTCAS"].startswith("[/")
        assert env["ORDERER_ADMIN_LISTENADDRESS"] == f"0.0.0.0:{o.admin_port}"
        assert env["ORDERER_GENERAL_LISTENPORT"] == str(o.port)
        assert env["ORDERER_CHANNELPARTICIPATION_ENABLED"] == "true"
        assert env["ORDERER_GENERAL_BOOTSTRAPMETHOD"] == "none"
        assert env["ORDERER_METRICS_PROVIDER"] == "prometheus"


def test_cas_and_chaincode_servers_use_tls(services):
    for ca in of_image(services, "hyperledger/fabric-ca").values():
        env = ca["environment"]
        assert env["FABRIC_CA_SERVER_TLS_ENABLED"] == env["FABRIC_CA_SERVER_OPERATIONS_TLS_ENABLED"] == "true"
        assert ca["command"] == ["fabric-ca-server", "start"]  # not the image's admin:adminpw bootstrap
    servers = {n: s for n, s in of_image(services, "grootboek:").items() if n.startswith("cc-")}
    assert servers
    for name, server in servers.items():
        env = server["environment"]
        assert {"CHAINCODE_TLS_CERT", "CHAINCODE_TLS_KEY", "CHAINCODE_CLIENT_CA_CERT"} <= set(env)
        domain = name.split(".", 1)[1]  # only its own organisation's peers are admitted
        peers = env["CHAINCODE_PEER_NAMES"].split(",")
        assert peers and all(p.startswith("peer") and p.endswith(f".{domain}") for p in peers)
        assert "CHAINCODE_TLS_DISABLED" not in env


def test_writable_state_lives_in_named_volumes(consortium, document, services):
    volumes = {name: {v["target"] for v in s["volumes"] if v["type"] == "volume"} for name, s in services.items()}
    used = [v["source"] for s in services.values() for v in s["volumes"] if v["type"] == "volume"]
    assert sorted(used) == sorted(document["volumes"]) and len(set(used)) == len(used)
    for name in of_image(services, "hyperledger/fabric-peer"):
        assert volumes[name] == {"/var/hyperledger/production"}
    for name in of_image(services, "hyperledger/fabric-orderer"):
        assert volumes[name] == {"/var/hyperledger/production/orderer"}
    for name in of_image(services, "hyperledger/fabric-ca"):
        assert volumes[name] == {"/etc/hyperledger/fabric-ca-server"}
    for org in consortium.organizations:
        if org.api:
            assert volumes[f"api.{org.domain}"] == {"/var/grootboek/api"}


def test_bind_mounts_are_read_only_parts_of_the_deployment_directory(services):
    binds = [v for s in services.values() for v in s["volumes"] if v["type"] == "bind"]
    assert binds
    for bind in binds:
        assert bind["source"].startswith(DEPLOY)
        assert bind["read_only"] is True and bind["bind"] == {"create_host_path": False}


def test_signing_keys_of_authorities_and_users_stay_out_of_fabric_nodes_and_our_services(services):
    for name, service in services.items():
        sources = [v["source"] for v in service["volumes"] if v["type"] == "bind"]
        assert not any("/tlsca" in s and not s.endswith("/tlsca/cert.pem") for s in sources), name
        assert not any("/users/" in s for s in sources), name
        if not service["image"].startswith("hyperledger/fabric-ca"):
            assert not any(s.endswith("/ca") for s in sources), name


def test_no_secrets_in_the_file(services):
    text = COMMITTED.read_text()
    assert "-----BEGIN" not in text and "PRIVATE KEY" not in text and "adminpw" not in text
    for name, service in services.items():
        assert compose.BUILDER_CONFIG not in service.get("environment", {}), name
    for name, peer in of_image(services, "hyperledger/fabric-peer").items():
        assert len(peer["env_file"]) == 1 and peer["env_file"][0].startswith(DEPLOY) and \
            peer["env_file"][0].endswith("/ccaas.env")


def test_every_path_a_service_is_given_is_inside_one_of_its_mounts(services):
    for name, service in services.items():
        targets = [v["target"] for v in service["volumes"]]
        paths = [v for v in service.get("environment", {}).values() if v.startswith(("/", "[/"))]
        paths += [arg for arg in service["command"] if arg.startswith("/")]
        for value in paths:
            for path in value.strip("[]").split(","):
                assert any(path == t or path.startswith(t + "/") for t in targets), (name, path)


# The Compose Specification's JSON schema (compose-spec/compose-spec, schema/compose-spec.json at
# 170098ba, Apache-2.0), kept beside the tests: no engine runs here, so files are checked, not run.
SCHEMA = json.loads((Path(__file__).with_name("compose-spec.json")).read_text())
MEMBERS_ORDER = consortium_file.DEFAULT_FILE.with_name("consortium.ordered-by-members.yaml")


def schema_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_the_committed_file_is_valid_compose(document):
    assert schema_errors(document) == []


@pytest.mark.parametrize("template", [consortium_file.DEFAULT_FILE, MEMBERS_ORDER], ids=["orderer-org", "members"])
def test_each_members_compose_file_holds_its_own_nodes_as_the_whole_file_has_them(template):
    """What a member generates from its own state is its part of the whole: the same services,
    ports, MSP ids and mounts (the whole file is checked against the native configuration above)."""
    consortium = consortium_file.load(template)
    whole = yaml.safe_load(compose.render(consortium))["services"]
    seen = set()
    for member in consortium.member_names:
        own = yaml.safe_load(compose.render(consortium, member))
        assert schema_errors(own) == []
        assert own["services"] == {h: s for h, s in whole.items() if s["profiles"] == [member.lower()]}
        assert own["services"], member
        seen |= own["services"].keys()
    assert seen == whole.keys()
    if template == MEMBERS_ORDER:  # each member's consenter is in its own file, with its own MSP
        municipality = yaml.safe_load(compose.render(consortium, "Municipality"))["services"]
        orderer = municipality["orderer0.gemeente.grootboek.nl"]
        assert orderer["environment"]["ORDERER_GENERAL_LOCALMSPID"] == "MunicipalityMSP"


def test_a_compose_file_of_an_unknown_member_is_refused(consortium):
    with pytest.raises(KeyError, match="no organisation 'Gemeente' in consortium 'grootboek' \\(known: Orderer, "):
        compose.render(consortium, "Gemeente")
