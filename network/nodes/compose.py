"""The consortium on Docker Compose: Fabric's official images, each organisation on its own host.

One idea holds both halves together: every file a container reads is a path of the deployment
directory (a Layout with host names), mounted at a fixed place in the container, and every setting
naming such a path is translated to where the container sees it.

- `render(consortium)` writes docker-compose.yaml. Orderers, peers and CAs run the
  hyperledger/fabric-* images, configured through environment variables (ORDERER_*, CORE_*,
  FABRIC_CA_SERVER_*) taken from what node_config.py and ca.py generate for native runs; chaincode
  servers and REST gateways run our own image. Each organisation's services carry a compose
  profile named after it, so `docker compose --profile municipality up` runs one organisation.
- `ComposeNetwork` writes the deployment directory those services mount (crypto, genesis blocks
  with host names, CA server configs, chaincode packages, the peers' builder env files) and, from
  an admin host that resolves the host names, joins channels and deploys chaincodes.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Callable, Iterator, TypeVar, cast

import yaml

from grootboek.network.admin import lifecycle
from grootboek.network.config import ca, packaging
from grootboek.network.config.consortium import Chaincode, Consortium, OrdererNode, Organization
from grootboek.network.config.layout import Layout, Peer
from grootboek.network.config.node_config import core_yaml, orderer_yaml
from grootboek.network.nodes import gateways
from grootboek.network.nodes.network import FABRIC_LOGGING, Network
from grootboek.progress import Progress

ORDERER_IMAGE = "hyperledger/fabric-orderer:3.1.1"
PEER_IMAGE = "hyperledger/fabric-peer:3.1.1"
CA_IMAGE = "hyperledger/fabric-ca:1.5"
OUR_IMAGE = "grootboek"

DEPLOY = "${GROOTBOEK_DEPLOY:-./deploy}"  # the deployment directory, relative to the compose file
ANY = "0.0.0.0"  # a container listens on every interface; others reach it by its host name

FABRIC = "/etc/hyperledger/fabric"         # FABRIC_CFG_PATH of the Fabric images
LEDGER = "/var/hyperledger/production"     # where the Fabric images keep ledgers
CA_HOME = "/etc/hyperledger/fabric-ca-server"  # FABRIC_CA_HOME of the CA image
CA_FILES = "/etc/hyperledger/fabric-ca"
OURS = "/etc/grootboek"
API_DATA = "/var/grootboek/api"

BUILDER_CONFIG = "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG"
T = TypeVar("T")

# The settings of core.yaml / orderer.yaml that node_config.py sets differently from the images'
# bundled sampleconfig (compared with Fabric 3.1.1's), and every per-node or security setting, so
# the compose file states them. The peer image's own core.yaml already declares the CCaaS builder
# at /opt/hyperledger/ccaas_builder, passing it CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG.
PEER_SETTINGS = (
    "peer.id", "peer.networkId", "peer.listenAddress", "peer.address",
    "peer.chaincodeListenAddress", "peer.chaincodeAddress", "peer.localMspId", "peer.mspConfigPath",
    "peer.fileSystemPath", "ledger.snapshots.rootDir",
    "peer.gossip.bootstrap", "peer.gossip.endpoint", "peer.gossip.externalEndpoint",
    "peer.gossip.reconnectInterval", "peer.gossip.membershipTrackerInterval",
    "peer.tls.enabled", "peer.tls.clientAuthRequired", "peer.tls.cert.file", "peer.tls.key.file",
    "peer.tls.rootcert.file", "peer.tls.clientCert.file", "peer.tls.clientKey.file",
    "operations.listenAddress", "operations.tls.enabled", "operations.tls.cert.file",
    "operations.tls.key.file", "operations.tls.clientAuthRequired", "operations.tls.clientRootCAs.files",
    "metrics.provider",
    "vm.endpoint",  # empty: no Docker socket in the peer, and no Docker health check failing /healthz
)
PEER_LISTENERS = ("peer.listenAddress", "peer.chaincodeListenAddress", "operations.listenAddress")

ORDERER_SETTINGS = (
    "General.ListenAddress", "General.ListenPort", "General.LocalMSPID", "General.LocalMSPDir",
    "General.BootstrapMethod",
    "General.TLS.Enabled", "General.TLS.ClientAuthRequired", "General.TLS.Certificate",
    "General.TLS.PrivateKey", "General.TLS.RootCAs",
    "General.Cluster.ClientCertificate", "General.Cluster.ClientPrivateKey",
    "FileLedger.Location", "Consensus.WALDir", "Consensus.SnapDir",
    "Operations.ListenAddress", "Operations.TLS.Enabled", "Operations.TLS.ClientAuthRequired",
    "Operations.TLS.Certificate", "Operations.TLS.PrivateKey", "Operations.TLS.ClientRootCAs",
    "Metrics.Provider",
    "Admin.ListenAddress", "Admin.TLS.Enabled", "Admin.TLS.ClientAuthRequired",
    "Admin.TLS.Certificate", "Admin.TLS.PrivateKey", "Admin.TLS.ClientRootCAs",
    "ChannelParticipation.Enabled",
)
ORDERER_LISTENERS = ("General.ListenAddress", "Operations.ListenAddress", "Admin.ListenAddress")


# -- mounts ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mount:
    """A path of the deployment directory as a container sees it: bind-mounted read-only, or, for
    state the container writes (ledgers, the CA database, the gateway's data), a named volume that
    stands in for it."""

    source: Path
    target: str
    volume: str | None = None

    def compose(self, root: Path) -> dict:
        if self.volume:
            return {"type": "volume", "source": self.volume, "target": self.target}
        # Without create_host_path Docker would create a missing file's path as a directory.
        return {"type": "bind", "source": f"{DEPLOY}/{self.source.relative_to(root)}", "target": self.target,
                "read_only": True, "bind": {"create_host_path": False}}


def in_container(value: T, mounts: list[Mount], root: Path) -> T:
    """`value` (a setting, or a document of them) with every path of the deployment directory
    replaced by where the container sees it; a path that is not mounted is a mistake here."""
    def translate(node: object) -> object:
        if isinstance(node, dict):
            return {k: translate(v) for k, v in node.items()}
        if isinstance(node, list):
            return [translate(v) for v in node]
        if isinstance(node, str) and _within(node, root):
            for mount in sorted(mounts, key=lambda m: len(str(m.source)), reverse=True):
                if _within(node, mount.source):
                    return mount.target + node[len(str(mount.source)):]
            raise ValueError(f"{node} is used in a container but not mounted")
        return node
    return cast(T, translate(value))


def _within(path: str, directory: Path) -> bool:
    return path == str(directory) or path.startswith(f"{directory}/")


def orderer_mounts(layout: Layout, orderer: OrdererNode) -> list[Mount]:
    crypto = layout.orderer_crypto(orderer.name)
    node = crypto.node_dir(layout.orderer_host(orderer.name))
    return [
        Mount(node / "msp", f"{FABRIC}/msp"),
        Mount(node / "tls", f"{FABRIC}/tls"),
        # Admin and operations clients present TLS certificates from the organisation's TLS CA.
        Mount(crypto.root / "tlsca" / "cert.pem", f"{FABRIC}/tlsca/cert.pem"),
        Mount(layout.node_dir(orderer.name) / "data", f"{LEDGER}/orderer", volume=f"{orderer.name}-ledger"),
    ]


def peer_mounts(layout: Layout, peer: Peer) -> list[Mount]:
    node = layout.crypto(peer.org.name).node_dir(peer.host)
    return [
        Mount(node / "msp", f"{FABRIC}/msp"),
        Mount(node / "tls", f"{FABRIC}/tls"),
        Mount(layout.node_dir(peer.id) / "data", LEDGER, volume=f"{peer.id}-ledger"),
    ]


def ca_config_path(layout: Layout, org: Organization) -> Path:
    return ca.home(layout, org) / "fabric-ca-server-config.yaml"


def ca_mounts(layout: Layout, org: Organization) -> list[Mount]:
    crypto = layout.crypto(org.name)
    return [
        # The CA writes its database and issuer keys into its home.
        Mount(ca.home(layout, org), CA_HOME, volume=f"{layout.ca_id(org)}-data"),
        Mount(ca_config_path(layout, org), f"{CA_HOME}/fabric-ca-server-config.yaml"),
        Mount(crypto.root / "ca", f"{CA_FILES}/ca"),  # the organisation CA's pair, which it signs with
        Mount(crypto.node_dir(layout.ca_host(org)) / "tls", f"{CA_FILES}/tls"),
    ]


def chaincode_server_mounts(layout: Layout, chaincode: str, org_name: str) -> list[Mount]:
    return [Mount(lifecycle.server_tls_dir(layout, org_name, chaincode), f"{OURS}/tls")]


def api_mounts(layout: Layout, org: Organization) -> list[Mount]:
    return [
        Mount(gateways.api_dir(layout, org) / "config.yaml", f"{OURS}/api/config.yaml"),
        Mount(layout.profile(org.name), f"{OURS}/api/profile.json"),
        Mount(gateways.api_tls_dir(layout, org), f"{OURS}/api/tls"),
        Mount(ca.registrar_secret_file(layout, org), f"{OURS}/api/ca-registrar.secret"),
        Mount(layout.crypto(org.name).root / "ca" / "cert.pem", f"{OURS}/api/msp-ca.pem"),
        Mount(gateways.api_dir(layout, org) / "data", API_DATA, volume=f"{layout.api_id(org)}-data"),
    ]


# -- settings -------------------------------------------------------------------------------------

def _pick(document: dict, keys: tuple[str, ...]) -> dict[str, object]:
    def get(key: str) -> object:
        node: object = document
        for part in key.split("."):
            node = node[part]  # type: ignore[index]
        return node
    return {key: get(key) for key in keys}


def _listening_everywhere(settings: dict[str, object], keys: tuple[str, ...]) -> dict[str, object]:
    def everywhere(address: object) -> str:
        _, sep, port = str(address).rpartition(":")
        return f"{ANY}:{port}" if sep else ANY
    return {**settings, **{key: everywhere(settings[key]) for key in keys}}


def _environment(prefix: str, settings: dict[str, object],
                 join: Callable[[list[str]], str] | None = None) -> dict[str, str]:
    """Environment variables that override config-file keys: PREFIX_ + the dotted key, upper case,
    dots as underscores (how viper, Fabric's and Fabric CA's config readers, look them up)."""
    def text(value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            if join is None:
                raise TypeError(f"{prefix}: no list syntax for {value!r}")
            return join([str(v) for v in value])
        return str(value)
    return {f"{prefix}_{key.upper().replace('.', '_')}": text(value) for key, value in settings.items()}


def _orderer_list(values: list[str]) -> str:
    return f"[{','.join(values)}]"  # the orderer's config reader turns "[a,b]" into a list


def _peer_list(values: list[str]) -> str:
    return " ".join(values)  # the peer reads lists with viper's GetStringSlice: whitespace-separated


def ca_settings(org: Organization) -> dict[str, object]:
    """What a CA container sets over ca.server_config: it listens on every interface, and the
    compose file states that TLS is on and metrics are Prometheus'."""
    return {
        "address": ANY, "port": org.ca.port, "tls.enabled": True,
        "operations.listenAddress": f"{ANY}:{org.ca.operations_port}", "operations.tls.enabled": True,
        "metrics.provider": "prometheus",
    }


def ca_container_config(layout: Layout, org: Organization) -> dict:
    """The CA's fabric-ca-server-config.yaml as the container reads it (ca.py's, with container
    paths and ca_settings applied)."""
    config = in_container(ca.server_config(layout, org), ca_mounts(layout, org), layout.root)
    for key, value in ca_settings(org).items():
        *path, last = key.split(".")
        section = config
        for part in path:
            section = section[part]
        section[last] = value
    return config


def api_container_config(layout: Layout, org: Organization) -> dict:
    config = in_container(gateways.api_config(layout, org), api_mounts(layout, org), layout.root)
    return _listening_everywhere(config, ("listen",))


def builder_env_file(layout: Layout, peer: Peer) -> Path:
    return layout.node_dir(peer.id) / "ccaas.env"


# -- services -------------------------------------------------------------------------------------

@dataclass
class Service:
    host: str           # service name and host name: the node's TLS host name
    profile: str
    image: str
    command: list[str]
    mounts: list[Mount]
    ports: list[int]
    environment: dict[str, str] = field(default_factory=dict)
    env_file: Path | None = None
    ours: bool = False  # our image, built from the repository's Dockerfile

    def compose(self, root: Path) -> dict:
        service: dict = {"image": self.image}
        if self.ours:
            service["build"] = "."
        service.update(hostname=self.host, profiles=[self.profile], restart="unless-stopped", command=self.command)
        if self.env_file:
            service["env_file"] = [f"{DEPLOY}/{self.env_file.relative_to(root)}"]
        if self.environment:
            service["environment"] = self.environment
        service.update(ports=[f"{p}:{p}" for p in self.ports], volumes=[m.compose(root) for m in self.mounts])
        return service


def orderer_service(layout: Layout, orderer: OrdererNode) -> Service:
    mounts = orderer_mounts(layout, orderer)
    settings = in_container(_pick(orderer_yaml(layout, orderer), ORDERER_SETTINGS), mounts, layout.root)
    return Service(
        host=layout.orderer_host(orderer.name),
        profile=layout.org_key(layout.consortium.orderer_owner(orderer.name).name),
        image=ORDERER_IMAGE, command=["orderer"],
        environment={**FABRIC_LOGGING,
                     **_environment("ORDERER", _listening_everywhere(settings, ORDERER_LISTENERS), _orderer_list)},
        mounts=mounts, ports=[orderer.port, orderer.admin_port, orderer.operations_port],
    )


def peer_service(layout: Layout, peer: Peer) -> Service:
    mounts = peer_mounts(layout, peer)
    native = core_yaml(layout, peer, layout.chaincode_dir / "builder")
    settings = in_container(_pick(native, PEER_SETTINGS), mounts, layout.root)
    return Service(
        host=peer.host, profile=layout.org_key(peer.org.name), image=PEER_IMAGE, command=["peer", "node", "start"],
        environment={**FABRIC_LOGGING,
                     **_environment("CORE", _listening_everywhere(settings, PEER_LISTENERS), _peer_list)},
        mounts=mounts, ports=[peer.spec.port, peer.spec.chaincode_port, peer.spec.operations_port],
        env_file=builder_env_file(layout, peer),
    )


def ca_service(layout: Layout, org: Organization) -> Service:
    return Service(
        host=layout.ca_host(org), profile=layout.org_key(org.name), image=CA_IMAGE,
        # Not the image's default command, which bootstraps a well-known admin:adminpw registrar.
        command=["fabric-ca-server", "start"],
        environment={"FABRIC_CA_HOME": CA_HOME, **_environment("FABRIC_CA_SERVER", ca_settings(org))},
        mounts=ca_mounts(layout, org), ports=[org.ca.port, org.ca.operations_port],
    )


def chaincode_server_service(layout: Layout, chaincode: Chaincode, org_name: str, image: str) -> Service:
    mounts = chaincode_server_mounts(layout, chaincode.name, org_name)
    tls = lifecycle.server_tls_dir(layout, org_name, chaincode.name)
    port = chaincode.servers[org_name].port
    environment = in_container({
        # The shim's environment variables (the names of Fabric's CCaaS examples).
        "CHAINCODE_SERVER_ADDRESS": f"{ANY}:{port}",
        "CHAINCODE_ID": packaging.build(chaincode).id,
        "CHAINCODE_TLS_CERT": str(tls / "server.crt"),
        "CHAINCODE_TLS_KEY": str(tls / "server.key"),
        "CHAINCODE_CLIENT_CA_CERT": str(tls / "ca.crt"),  # peers must present their TLS certificate
        "CHAINCODE_PEER_NAMES": lifecycle.peer_names(layout, org_name),
        "CHAINCODE_TX_DEADLINE": lifecycle.tx_deadline(layout, org_name),
    }, mounts, layout.root)
    return Service(
        host=layout.chaincode_server_host(chaincode.name, org_name), profile=layout.org_key(org_name), image=image,
        command=["python", "-m", "grootboek.chaincode.shim", "--chaincode", chaincode.contract],
        environment=environment, mounts=mounts, ports=[port], ours=True,
    )


def api_service(layout: Layout, org: Organization, image: str) -> Service:
    assert org.api is not None
    mounts = api_mounts(layout, org)
    config = in_container(str(gateways.api_dir(layout, org) / "config.yaml"), mounts, layout.root)
    return Service(
        host=layout.api_host(org), profile=layout.org_key(org.name), image=image,
        command=["python", "-m", "grootboek.api", "serve", "--config", config],
        mounts=mounts, ports=[org.api.port], ours=True,
    )


def chaincode_servers(consortium: Consortium) -> dict[tuple[str, str], Chaincode]:
    """(chaincode, organisation) -> chaincode: one server serves it on all the org's channels."""
    servers: dict[tuple[str, str], Chaincode] = {}
    for channel in consortium.channels:
        for cc in channel.chaincodes:
            for org_name in cc.servers:
                servers.setdefault((cc.name, org_name), cc)
    return servers


def services(layout: Layout, image: str) -> Iterator[Service]:
    """Every service, grouped by organisation: orderers first, then each organisation's CA, peers,
    chaincode servers and REST gateway."""
    consortium = layout.consortium
    for orderer in consortium.orderers:
        yield orderer_service(layout, orderer)
    servers = chaincode_servers(consortium)
    for org in consortium.organizations:
        yield ca_service(layout, org)
        for peer in layout.peers(org):
            yield peer_service(layout, peer)
        for (_, org_name), chaincode in servers.items():
            if org_name == org.name:
                yield chaincode_server_service(layout, chaincode, org_name, image)
        if org.api:
            yield api_service(layout, org, image)


def document(consortium: Consortium, image: str, member: str | None = None) -> dict:
    """Every service, or with `member` only that member's (the services of its profile)."""
    # Only paths relative to the layout's root reach the file, so any root will do.
    layout = Layout(consortium, Path("/deployment"), hostnames=True)
    all_services = [s for s in services(layout, image) if member is None or s.profile == layout.org_key(member)]
    volumes = {m.volume: {} for s in all_services for m in s.mounts if m.volume}
    return {"name": consortium.name,
            "services": {s.host: s.compose(layout.root) for s in all_services},
            "volumes": volumes}


def image_name() -> str:
    return f"{OUR_IMAGE}:{installed_version('grootboek')}"


def render(consortium: Consortium, member: str | None = None) -> str:
    """The compose file of the whole consortium, or of one member's nodes (`--org NAME`)."""
    if member is None:
        header = (
            f"# Generated by `grootboek network compose` from the consortium {consortium.name!r}; do not edit.\n"
            "# Write the deployment directory it mounts first: `grootboek network prepare --compose ./deploy`\n"
            "# (elsewhere: set GROOTBOEK_DEPLOY). One organisation per host: docker compose --profile <org> up -d\n"
        )
    else:
        consortium.member(member)  # KeyError naming the known organisations
        header = (
            f"# Generated by `grootboek --org {member} network compose` from the consortium {consortium.name!r}; do "
            "not edit.\n"
            f"# {member}'s nodes only. Its deployment directory is its own state: `grootboek --org {member} network "
            "prepare --compose ./deploy`\n"
            f"# after importing the others' definitions; then docker compose --profile {member.lower()} up -d\n"
        )
    return header + yaml.safe_dump(document(consortium, image_name(), member), sort_keys=False, width=4096)


# -- the deployment ---------------------------------------------------------------------------------

class ComposeNetwork(Network):
    """The consortium as containers: prepared and converged like a native network, with every node
    addressed by its host name; Docker runs and restarts the processes, not our supervisor."""

    def __init__(self, consortium: Consortium, directory: Path, progress: Progress | None = None,
                 member: str | None = None):
        super().__init__(consortium, directory, progress, member)
        self.layout = Layout(consortium, directory, hostnames=True)

    def prepare(self) -> None:
        """Writes the deployment directory: what a native network prepares (crypto, genesis blocks,
        packages, connection profiles; its node configs go unused), then what the containers read."""
        with self.progress.step(f"preparing the deployment directory {self.layout.root}"):
            super().prepare()
            for org in self.organizations:
                _write_private(ca_config_path(self.layout, org),
                               yaml.safe_dump(ca_container_config(self.layout, org), sort_keys=False))
                if org.api:
                    self._prepare_api(org)
            for peer in self.peers:
                _write_private(builder_env_file(self.layout, peer), self._builder_env(peer))

    def _prepare_api(self, org: Organization) -> None:
        gateways.prepare(self.layout, org, api_container_config(self.layout, org))

    def _builder_env(self, peer: Peer) -> str:
        """The env file that gives the peer's CCaaS builder its values. The official builder reads
        connection.json into a struct, fills each field's template and writes it back as JSON, so
        PEM values go in as plain JSON strings (escaped once, by this JSON)."""
        values = json.loads((self.layout.node_dir(peer.id) / "ccaas.json").read_text())
        text = json.dumps(values, separators=(",", ":"))
        if "'" in text:
            raise ValueError(f"{peer.id}: the builder configuration cannot be single-quoted in an env file")
        # Single quotes: compose takes the value literally (no escapes, no ${} interpolation).
        return f"{BUILDER_CONFIG}='{text}'\n"

    def converge(self) -> None:
        """Joins orderers and peers to their channels and deploys the chaincodes, once the
        containers run; safe to repeat."""
        with self.progress.step("joining channels, deploying chaincodes, waiting for readiness"):
            super().converge()

    def _alive(self, name: str) -> Callable[[], str | None]:
        return lambda: None  # containers are Docker's to watch and restart


def _write_private(path: Path, text: str) -> None:
    """Writes a file only its owner may read (it holds keys or passwords)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    path.chmod(0o600)  # an existing file keeps its mode through O_CREAT
