"""`grootboek network prepare --compose DIR`: the deployment directory holds everything the compose
services mount, with container paths, host names and secrets kept out of the compose file.

configtxgen (Fabric's) is replaced by a stub here; the genesis configuration with host names is
tested in test_hostnames.py.
"""
from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
import yaml
from cryptography import x509

from grootboek.network.config import ca, packaging
from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.consortium import Consortium
from grootboek.network.nodes import compose
from grootboek.network.nodes import network as network_module
from grootboek.network.nodes.compose import ComposeNetwork
from grootboek.network.nodes.network import Network

DEPLOY = "${GROOTBOEK_DEPLOY:-./deploy}"


@pytest.fixture(scope="module")
def consortium() -> Consortium:
    return consortium_file.load()


@pytest.fixture(scope="module")
def deployment(consortium, tmp_path_factory) -> ComposeNetwork:
    genesis_layouts = []

    def genesis_stub(layout, channel, binaries):
        genesis_layouts.append(layout)
        layout.channel_block(channel.name).parent.mkdir(parents=True, exist_ok=True)
        layout.channel_block(channel.name).write_bytes(b"")

    network = ComposeNetwork(consortium, tmp_path_factory.mktemp("compose") / "deploy")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(network_module, "write_genesis_block", genesis_stub)
        patch.setattr(Network, "binaries", property(lambda self: None))
        network.prepare()
    assert genesis_layouts and all(layout.hostnames for layout in genesis_layouts)
    return network


@pytest.fixture(scope="module")
def services(consortium) -> dict[str, dict]:
    return compose.document(consortium, "grootboek:test")["services"]


def on_host(deployment: ComposeNetwork, source: str) -> Path:
    assert source.startswith(DEPLOY + "/")
    return deployment.layout.root / source[len(DEPLOY) + 1:]


def container_files(deployment: ComposeNetwork, service: dict) -> dict[str, Path]:
    """Container path -> file in the deployment directory, for every file a service's bind mounts show."""
    files = {}
    for volume in service["volumes"]:
        if volume["type"] != "bind":
            continue
        source = on_host(deployment, volume["source"])
        if source.is_file():
            files[volume["target"]] = source
        for path in source.rglob("*"):
            if path.is_file():
                files[f"{volume['target']}/{path.relative_to(source)}"] = path
    return files


def compose_env_file(path: Path) -> dict[str, str]:
    """KEY='value' lines, read as Compose does: a single-quoted value is taken literally."""
    values = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        assert value[0] == value[-1] == "'"
        values[key] = value[1:-1]
    return values


def fabric_ccaas_build(template: dict, config: dict) -> dict:
    """What Fabric's ccaas_builder `build` does: each string field of connection.json is a Go
    template over the configuration, and the result is marshalled as JSON again."""
    filled = {k: re.sub(r"{{\.(\w+)}}", lambda m: str(config[m.group(1)]), v) if isinstance(v, str) else v
              for k, v in template.items()}
    return json.loads(json.dumps(filled))


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def test_every_bind_mount_source_exists_in_the_deployment_directory(deployment, services):
    for name, service in services.items():
        for volume in service["volumes"]:
            if volume["type"] == "bind":
                assert on_host(deployment, volume["source"]).exists(), (name, volume["source"])
        for env_file in service.get("env_file", []):
            assert on_host(deployment, env_file).is_file(), name


def test_every_file_named_in_a_services_environment_is_mounted_into_it(deployment, services):
    for name, service in services.items():
        files = container_files(deployment, service)
        for value in service.get("environment", {}).values():
            for path in value.strip("[]").split(","):
                if path.startswith("/") and re.search(r"\.(crt|key|pem)$", path):
                    assert path in files, (name, path)


def test_the_ca_reads_a_config_with_container_paths_listening_everywhere(deployment, consortium, services):
    for org in consortium.organizations:
        service = services[f"ca.{org.domain}"]
        path = compose.ca_config_path(deployment.layout, org)
        config = yaml.safe_load(path.read_text())
        files = container_files(deployment, service)
        assert files["/etc/hyperledger/fabric-ca-server/fabric-ca-server-config.yaml"] == path
        for file in (config["tls"]["certfile"], config["tls"]["keyfile"], config["ca"]["certfile"],
                     config["ca"]["keyfile"], config["operations"]["tls"]["cert"]["file"]):
            assert file in files
        assert config["address"] == "0.0.0.0" and config["port"] == org.ca.port
        assert config["operations"]["listenAddress"] == f"0.0.0.0:{org.ca.operations_port}"
        # The registrar's password is in this private file, never in the compose file.
        secret = ca.registrar_secret_file(deployment.layout, org).read_text()
        assert config["registry"]["identities"][0]["pass"] == secret and private(path)
        assert secret not in yaml.safe_dump(services)


def test_peers_builder_env_file_gives_fabrics_ccaas_builder_the_pem_files_and_host_names(deployment, consortium):
    layout = deployment.layout
    for peer in layout.peers():
        env_file = compose.builder_env_file(layout, peer)
        assert private(env_file)
        config = json.loads(compose_env_file(env_file)[compose.BUILDER_CONFIG])
        tls = layout.crypto(peer.org.name).node_dir(peer.host) / "tls"
        for channel in consortium.channels_of(peer.org):
            for cc in channel.chaincodes:
                connection = fabric_ccaas_build(packaging.connection_template(cc.name), config)
                assert connection["address"] == f"cc-{cc.name}.{peer.org.domain}:{cc.servers[peer.org.name].port}"
                assert connection["root_cert"] == (tls / "ca.crt").read_text()
                assert connection["client_cert"] == (tls / "server.crt").read_text()
                assert connection["client_key"] == (tls / "server.key").read_text()
                x509.load_pem_x509_certificate(connection["root_cert"].encode())  # a real PEM, not escaped text


def test_gateways_read_their_config_with_container_paths_and_host_names(deployment, consortium, services):
    for org in consortium.organizations:
        assert org.api
        service = services[f"api.{org.domain}"]
        files = container_files(deployment, service)
        config_path = service["command"][service["command"].index("--config") + 1]
        config = yaml.safe_load(files[config_path].read_text())
        assert config["listen"] == f"0.0.0.0:{org.api.port}" and config["msp_id"] == org.msp_id
        for path in (config["tls"]["cert"], config["tls"]["key"], config["tls"]["client_ca"],
                     config["connection_profile"], config["ca"]["tls_ca"], config["ca"]["registrar_secret_file"]):
            assert path in files, path
        assert config["data_dir"] in {v["target"] for v in service["volumes"] if v["type"] == "volume"}
        assert config["ca"]["url"] == f"https://ca.{org.domain}:{org.ca.port}"
        assert config["chaincodes"] == {cc.name: {"channel": ch.name, "chaincode": cc.name}
                                        for ch in consortium.channels_of(org) for cc in ch.chaincodes}
        profile = json.loads(files[config["connection_profile"]].read_text())
        assert [p["url"] for p in profile["peers"].values()] == [f"grpcs://peer0.{org.domain}:{org.peers[0].port}"]


def test_each_services_tls_certificate_names_its_host(deployment, services):
    for name, service in services.items():
        files = container_files(deployment, service)
        certificate = next(path for target, path in files.items()
                           if target.endswith("/tls/server.crt"))
        sans = x509.load_pem_x509_certificate(certificate.read_bytes()).extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
        assert name in sans, (name, sans)
