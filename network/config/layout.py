"""Where everything of a running network lives, and what every node is called.

One state directory per network (outside the source tree by default):

    consortium.yaml      the consortium the state was created from
    member               the organisation whose nodes run from here (absent: every organisation's)
    crypto/<Org>/        see crypto.OrgCrypto
    nodes/<node-id>/     config (core.yaml, orderer.yaml, ...) and data (ledgers) per process
    channels/<ch>.block  genesis blocks
    chaincode/           packages and our CCaaS external builder
    profiles/<Org>.json  connection profiles for applications
    logs/<node-id>.log   every process's output
    run/                 the supervisor's pid, socket and the pids of what it started
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from grootboek.network.config.consortium import WILDCARDS, Consortium, Endpoint, Organization, PeerNode
from grootboek.network.config.crypto import OrgCrypto


def default_state_dir(name: str) -> Path:
    env = os.environ.get("GROOTBOEK_STATE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "grootboek" / name


def member_of(root: Path) -> str | None:
    """The organisation a state directory belongs to, if a member's (see Layout.member_file)."""
    path = Path(root) / "member"
    return path.read_text().strip() if path.exists() else None


@dataclass(frozen=True)
class Peer:
    id: str                # node id, e.g. "peer0.municipality"
    name: str              # "peer0"
    org: Organization
    host: str              # TLS/compose host name, e.g. "peer0.gemeente.grootboek.nl"
    spec: PeerNode
    address: str           # host:port where the others reach it

    @property
    def msp_id(self) -> str:
        return self.org.msp_id


class Layout:
    """`hostnames`: address every node by its own TLS host name (peer0.gemeente.grootboek.nl:7051),
    as in a container deployment where each node is a host of its own; by default each node is
    reached at, and listens on, the hosts the consortium file gives it."""

    def __init__(self, consortium: Consortium, root: Path, hostnames: bool = False):
        self.consortium = consortium
        self.root = Path(root).resolve()
        self.hostnames = hostnames

    # -- directories --------------------------------------------------------------------------
    @property
    def consortium_file(self) -> Path:
        return self.root / "consortium.yaml"

    @property
    def member_file(self) -> Path:
        return self.root / "member"

    def crypto(self, org_name: str) -> OrgCrypto:
        return OrgCrypto(self.root / "crypto" / org_name, self.consortium.member(org_name).domain)

    def node_dir(self, node_id: str) -> Path:
        return self.root / "nodes" / node_id

    def log_file(self, node_id: str) -> Path:
        return self.root / "logs" / f"{node_id}.log"

    @property
    def run_dir(self) -> Path:
        return self.root / "run"

    def channel_block(self, channel: str) -> Path:
        return self.root / "channels" / f"{channel}.block"

    @property
    def chaincode_dir(self) -> Path:
        return self.root / "chaincode"

    def profile(self, org_name: str) -> Path:
        return self.root / "profiles" / f"{org_name}.json"

    # -- nodes --------------------------------------------------------------------------------
    def address(self, port: int) -> str:
        """Where the others reach the node that declares `port`."""
        return f"{self.host_of(port)}:{port}"

    def host_of(self, port: int) -> str:
        """The host at which the node that declares `port` is reached."""
        return self._hosts_by_port[port] if self.hostnames else self._endpoint(port).host

    def listen_address(self, port: int) -> str:
        """Where the node that declares `port` binds it."""
        return f"{self.listen_host(port)}:{port}"

    def listen_host(self, port: int) -> str:
        return self.host_of(port) if self.hostnames else self._endpoint(port).listen

    def tls_hosts(self, port: int) -> list[str]:
        """The addresses besides its names that the certificate of the node declaring `port` must
        carry: the host it is reached at and the one it listens on (unless that means every
        interface)."""
        endpoint = self._endpoint(port)
        return sorted({endpoint.host, endpoint.listen} - WILDCARDS)

    def _endpoint(self, port: int) -> Endpoint:
        try:
            return self._endpoints[port]
        except KeyError:
            raise KeyError(f"no node declares port {port} in consortium {self.consortium.name!r}") from None

    @cached_property
    def _endpoints(self) -> dict[int, Endpoint]:
        # Ports are unique across a consortium, so each one names its node.
        return {e.port: e for e in self.consortium.endpoints()}

    @cached_property
    def _hosts_by_port(self) -> dict[int, str]:
        consortium = self.consortium
        hosts: dict[int, str] = {}
        for o in consortium.orderers:
            hosts.update(dict.fromkeys((o.port, o.admin_port, o.operations_port), self.orderer_host(o.name)))
        for org in consortium.organizations:
            for p in org.peers:
                hosts.update(dict.fromkeys((p.port, p.chaincode_port, p.operations_port), self.peer_host(org, p)))
            hosts.update(dict.fromkeys((org.ca.port, org.ca.operations_port), self.ca_host(org)))
            if org.api:
                hosts[org.api.port] = self.api_host(org)
        for channel in consortium.channels:
            for cc in channel.chaincodes:
                for org_name, server in cc.servers.items():
                    hosts[server.port] = self.chaincode_server_host(cc.name, org_name)
        return hosts

    @staticmethod
    def org_key(org_name: str) -> str:
        return org_name.lower()

    def orderer_host(self, name: str) -> str:
        return f"{name}.{self.consortium.orderer_owner(name).domain}"

    def orderer_crypto(self, name: str) -> OrgCrypto:
        """The crypto of the organisation that runs orderer `name`."""
        return self.crypto(self.consortium.orderer_owner(name).name)

    @staticmethod
    def peer_host(org: Organization, peer: PeerNode) -> str:
        return f"{peer.name}.{org.domain}"

    @staticmethod
    def ca_host(org: Organization) -> str:
        return f"ca.{org.domain}"

    @staticmethod
    def api_host(org: Organization) -> str:
        return f"api.{org.domain}"

    def chaincode_server_host(self, chaincode: str, org_name: str) -> str:
        return f"cc-{chaincode}.{self.consortium.organization(org_name).domain}"

    def peers(self, org: Organization | None = None) -> list[Peer]:
        orgs = [org] if org else self.consortium.organizations
        return [
            Peer(
                id=f"{p.name}.{self.org_key(o.name)}",
                name=p.name,
                org=o,
                host=self.peer_host(o, p),
                spec=p,
                address=self.address(p.port),
            )
            for o in orgs
            for p in o.peers
        ]

    def peer(self, node_id: str) -> Peer:
        for peer in self.peers():
            if node_id in (peer.id, peer.host):
                return peer
        raise KeyError(node_id)

    def ca_id(self, org: Organization) -> str:
        return f"ca.{self.org_key(org.name)}"

    def chaincode_server_id(self, chaincode: str, org_name: str) -> str:
        return f"cc-{chaincode}.{self.org_key(org_name)}"

    def api_id(self, org: Organization) -> str:
        return f"api.{self.org_key(org.name)}"

    def admin_dir(self, org_name: str) -> Path:
        return self.crypto(org_name).user_dir("admin")
