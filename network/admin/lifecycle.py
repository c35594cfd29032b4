"""Chaincode lifecycle for the consortium's chaincodes, run as chaincode-as-a-service.

For every chaincode of a channel: a deterministic package (network/config/packaging.py), our CCaaS
builder on every peer, a chaincode server per organisation (started by the supervisor), then
install on every peer, approve by every organisation of the channel and commit with the policy and
collections from the consortium file. Every step first asks what is already done, so `up` can be
re-run and an upgrade (new version and sequence in the file) only does what changed.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grootboek.network.admin.peer_admin import Definition, PeerAdmin, PeerAdminError
from grootboek.network.config import packaging
from grootboek.network.config.consortium import Channel, Chaincode, Consortium
from grootboek.network.config.layout import Layout, Peer
from grootboek.network.nodes.readiness import wait_for
from grootboek.network.nodes.supervisor import ProcessSpec, python
from grootboek.network.nodes.tasks import parallel

if TYPE_CHECKING:
    from grootboek.network.nodes.network import Network

# The builder scripts are package data in network/ccaas_builder/bin/.
BUILDER_SOURCE = Path(__file__).resolve().parents[1] / "ccaas_builder" / "bin"


class LifecycleError(RuntimeError):
    pass


def package_path(layout: Layout, chaincode: Chaincode) -> Path:
    return layout.chaincode_dir / "packages" / f"{packaging.label(chaincode)}.tar.gz"


def server_tls_dir(layout: Layout, org_name: str, chaincode: str) -> Path:
    crypto = layout.crypto(org_name)
    return crypto.node_dir(layout.chaincode_server_host(chaincode, org_name)) / "tls"


def packages(consortium: Consortium) -> dict[tuple[str, str], packaging.Package]:
    """The package of every (channel, chaincode) of the consortium."""
    return {(ch.name, cc.name): packaging.build(cc) for ch in consortium.channels for cc in ch.chaincodes}


def prepare(layout: Layout, names: list[str]) -> None:
    """Writes packages, the builder, and for the organisations `names` (those whose nodes run
    here) their chaincode servers' TLS pairs and each of their peers' builder configuration: a
    server's address and TLS client key are filled in per host, never shipped in a package."""
    builder = layout.chaincode_dir / "builder" / "bin"
    builder.mkdir(parents=True, exist_ok=True)
    for script in BUILDER_SOURCE.iterdir():
        target = builder / script.name
        shutil.copyfile(script, target)
        target.chmod(0o755)
    for channel in layout.consortium.channels:
        for cc in channel.chaincodes:
            package = packaging.build(cc)
            path = package_path(layout, cc)
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_bytes() != package.data:
                path.write_bytes(package.data)
            for org_name, server in cc.servers.items():
                tls = server_tls_dir(layout, org_name, cc.name)
                if org_name in names and not (tls / "server.key").exists():
                    crypto = layout.crypto(org_name)
                    crypto.add_server_tls(tls.parent, layout.chaincode_server_host(cc.name, org_name),
                                          layout.tls_hosts(server.port))
    for peer in [p for p in layout.peers() if p.org.name in names]:
        tls = layout.crypto(peer.org.name).node_dir(peer.host) / "tls"
        values = {
            "client_cert": (tls / "server.crt").read_text(),
            "client_key": (tls / "server.key").read_text(),
            "root_cert": (tls / "ca.crt").read_text(),
        }
        for channel in layout.consortium.channels_of(peer.org):
            for cc in channel.chaincodes:
                values[packaging.address_key(cc.name)] = layout.address(cc.servers[peer.org.name].port)
        path = layout.node_dir(peer.id) / "ccaas.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=1))
        path.chmod(0o600)


def peer_names(layout: Layout, org_name: str) -> str:
    """The host names in the TLS certificates of the organisation's peers: the only clients its
    chaincode servers admit (its users hold certificates of the same TLS CA)."""
    return ",".join(peer.host for peer in layout.peers(layout.consortium.organization(org_name)))


def tx_deadline(layout: Layout, org_name: str) -> str:
    """Seconds the organisation's chaincode servers let a transaction run: under its peers'
    execute timeout."""
    return f"{layout.consortium.organization(org_name).chaincode_deadline_seconds:g}"


def server_specs(layout: Layout, packages: dict[tuple[str, str], packaging.Package], stop_order: int,
                 names: list[str]) -> list[ProcessSpec]:
    """One chaincode server per organisation of `names` and chaincode, serving the packaged id. Every server
    is configured the same way, through Fabric's CCaaS environment conventions; ours is the
    Python runtime unless the consortium gives another command."""
    specs = []
    started = set()
    for channel in layout.consortium.channels:
        for cc in channel.chaincodes:
            for org_name, server in cc.servers.items():
                if org_name not in names or (cc.name, org_name) in started:
                    continue  # the same server serves this chaincode on the org's other channels
                started.add((cc.name, org_name))
                tls = server_tls_dir(layout, org_name, cc.name)
                specs.append(ProcessSpec(
                    name=layout.chaincode_server_id(cc.name, org_name),
                    argv=cc.command or [python(), "-m", "grootboek.chaincode.shim", "--chaincode", cc.contract],
                    env={"CHAINCODE_SERVER_ADDRESS": layout.listen_address(server.port),
                         "CHAINCODE_ID": packages[(channel.name, cc.name)].id,
                         "CHAINCODE_TLS_CERT": str(tls / "server.crt"),
                         "CHAINCODE_TLS_KEY": str(tls / "server.key"),
                         "CHAINCODE_CLIENT_CA_CERT": str(tls / "ca.crt"),
                         "CHAINCODE_PEER_NAMES": peer_names(layout, org_name),
                         "CHAINCODE_TX_DEADLINE": tx_deadline(layout, org_name)},
                    stop_order=stop_order,
                    warm=[] if cc.command else [cc.contract],  # our shim: the contract's code, built lazily
                ))
    return specs


def server_address(layout: Layout, spec: ProcessSpec) -> str:
    """Where the peers reach the chaincode server `spec` runs (it may listen elsewhere)."""
    return layout.address(int(spec.env["CHAINCODE_SERVER_ADDRESS"].rsplit(":", 1)[1]))


@dataclass
class ChaincodeStatus:
    channel: str
    name: str
    version: str
    sequence: int
    package_id: str
    committed_version: str | None
    committed_sequence: int | None
    approvals: dict[str, bool]
    installed: dict[str, bool]   # peer id (of the organisations run here) -> the configured package is installed


class Lifecycle:
    """Deploys the consortium's chaincodes; each phase runs its independent calls in parallel."""

    def __init__(self, network: "Network"):
        self.network = network
        self.layout = network.layout
        self._peers: dict[str, PeerAdmin] = {}

    def close(self) -> None:
        for admin in self._peers.values():
            admin.close()

    def __enter__(self) -> "Lifecycle":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _admin(self, peer: Peer) -> PeerAdmin:
        """The peer, addressed as its own organisation's admin if its keys are here, else as the
        member's (another member's peer, endorsing a commit or answering a query)."""
        if peer.id not in self._peers:
            own = self.network.runs(peer.org.name)
            self._peers[peer.id] = PeerAdmin(self.layout, peer, None if own else self.network.member)
        return self._peers[peer.id]

    def _admins(self, channel: Channel) -> dict[str, list[PeerAdmin]]:
        """Peers of the channel's organisations, grouped by organisation name, those run here first."""
        consortium = self.layout.consortium
        names = sorted(channel.organizations, key=lambda name: not self.network.runs(name))
        return {org: [self._admin(p) for p in self.layout.peers(consortium.organization(org))] for org in names}

    def _orderer(self, channel: Channel) -> tuple[str, Path]:
        """Where to send lifecycle transactions: an orderer run here if there is one (`up` joined
        it to the channel before approving; another member's may not have joined yet)."""
        orderers = self.layout.consortium.channel_orderers(channel)
        orderer = next((o for o in orderers if o in self.network.orderers), orderers[0])
        return self.layout.address(orderer.port), self.layout.orderer_crypto(orderer.name).root / "tlsca" / "cert.pem"

    def _deployments(self) -> list[tuple[Channel, Chaincode]]:
        return [(ch, cc) for ch in self._channels() for cc in ch.chaincodes]

    def _channels(self) -> list[Channel]:
        """The channels whose peers here have joined."""
        return [ch for ch in self.network.channels_joined() if any(self.network.runs(org) for org in ch.organizations)]

    def install_all(self) -> None:
        """Installs on every peer run here each package its organisation's channels use (once per peer)."""
        def install(admin: PeerAdmin, wanted: dict[str, Chaincode]) -> None:
            installed = admin.installed()
            for package_id, cc in wanted.items():
                if package_id not in installed:
                    admin.install(package_path(self.layout, cc).read_bytes())

        tasks = []
        joined = self.network.channels_joined()
        for peer in self.network.peers:
            wanted = {self.network.packages[(ch.name, cc.name)].id: cc
                      for ch in self.layout.consortium.channels_of(peer.org) if ch in joined for cc in ch.chaincodes}
            if wanted:
                admin = self._admin(peer)
                tasks.append(lambda a=admin, w=wanted: install(a, w))
        parallel(tasks)

    def approve_all(self) -> None:
        """Approves every definition, committed or not yet, for every organisation run here that
        has not approved it (each member approves for itself, on its own peer)."""
        tasks = []
        for channel, cc in self._deployments():
            admins = self._admins(channel)
            if self._committed_sequence(channel, cc) is not None:
                # A member that joined after the commit approves the definition in force, or its
                # peers neither run nor endorse the chaincode.
                approvals = next(iter(admins.values()))[0].committed_approvals(channel.name, cc.name)
            else:
                approvals = next(iter(admins.values()))[0].commit_readiness(channel.name, Definition.of(cc))
            address, ca = self._orderer(channel)
            package_id = self.network.packages[(channel.name, cc.name)].id
            for org_name, org_admins in admins.items():
                if self.network.runs(org_name) and not approvals.get(self.layout.consortium.organization(org_name).msp_id):
                    tasks.append(lambda a=org_admins[0], ch=channel, d=Definition.of(cc), p=package_id,
                                 o=address, c=ca: a.approve(ch.name, d, p, o, c))
        parallel(tasks)

    def commit_all(self) -> dict[str, list[str]]:
        """Commits each definition every organisation of its channel has approved; returns the
        chaincodes (channel/name) still waiting for other members' approvals, with those members
        (the last member to approve commits)."""
        tasks = []
        waiting = {}
        for channel, cc in self._deployments():
            if self._committed_sequence(channel, cc) is not None:
                continue
            endorsers = [org_admins[0] for org_admins in self._admins(channel).values()]
            approvals = endorsers[0].commit_readiness(channel.name, Definition.of(cc))
            # Approvals made here were awaited (on this organisation's peer); the others' come when they do.
            lacking = [org for org in channel.organizations if not self.network.runs(org)
                       and not approvals.get(self.layout.consortium.organization(org).msp_id)]
            if lacking:
                waiting[f"{channel.name}/{cc.name}"] = lacking
                continue
            address, ca = self._orderer(channel)

            def commit(e=endorsers, ch=channel, c_=cc, d=Definition.of(cc), o=address, c=ca) -> None:
                # Each approval was awaited on its own organisation's peer only; the endorsers of
                # the commit must all have seen every approval, or their answers differ.
                wait_for(lambda: all(all(a.commit_readiness(ch.name, d).values()) for a in e),
                         f"every endorser of {ch.name} sees all approvals of {d.name}")
                try:
                    e[0].commit(ch.name, d, e, o, c)
                except PeerAdminError:
                    # Two members that approve last at once both commit; one of them loses.
                    if self._committed_sequence(ch, c_) is None:
                        raise
                # The commit was awaited on one peer; the next transaction may be endorsed by any.
                wait_for(lambda: all(a.committed(ch.name).get(d.name, {}).get("sequence", 0) >= d.sequence
                                     for a in e), f"every endorser of {ch.name} running {d.name} sequence {d.sequence}")

            tasks.append(commit)
        parallel(tasks)
        return waiting

    def _committed_sequence(self, channel: Channel, chaincode: Chaincode) -> int | None:
        """The committed sequence if it is at least the configured one (nothing to do), else None."""
        first = next(iter(self._admins(channel).values()))[0]
        definition = first.committed(channel.name).get(chaincode.name)
        if definition is None or int(definition["sequence"]) < chaincode.sequence:
            return None
        if int(definition["sequence"]) > chaincode.sequence:
            raise LifecycleError(
                f"chaincode {chaincode.name} on {channel.name} is committed at sequence {definition['sequence']}, "
                f"newer than the consortium file's {chaincode.sequence}: update the file")
        return chaincode.sequence

    def status(self) -> list[ChaincodeStatus]:
        """Every chaincode of the consortium: configured vs committed definition, approvals per
        organisation (of the configured definition until it is committed), installs per peer."""
        out = []
        for channel in self._channels():
            if not channel.chaincodes:
                continue
            admins = self._admins(channel)
            first = next(iter(admins.values()))[0]
            committed = first.committed(channel.name)
            for cc in channel.chaincodes:
                package = self.network.packages[(channel.name, cc.name)]
                definition = committed.get(cc.name)
                if definition and int(definition["sequence"]) >= cc.sequence:
                    approvals = first.committed_approvals(channel.name, cc.name)
                else:
                    approvals = first.commit_readiness(channel.name, Definition.of(cc))
                out.append(ChaincodeStatus(
                    channel=channel.name, name=cc.name, version=cc.version, sequence=cc.sequence,
                    package_id=package.id,
                    committed_version=definition["version"] if definition else None,
                    committed_sequence=int(definition["sequence"]) if definition else None,
                    approvals=approvals,
                    # What another member installed is its own business (its peers answer only its admin).
                    installed={a.peer.id: package.id in a.installed() for org, org_admins in admins.items()
                               if self.network.runs(org) for a in org_admins},
                ))
        return out
