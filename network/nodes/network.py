"""A running consortium network: bring-up from zero or from existing ledgers, stop, purge, status.

Bring-up waits on real signals only: operations /healthz, a Raft leader per channel (orderer
metrics), gossip membership per channel (peer metrics).
"""
from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import requests
import yaml

from grootboek.network.admin import lifecycle
from grootboek.network.admin.participation import ChannelParticipation
from grootboek.network.admin.peer_admin import PeerAdmin
from grootboek.network.config import ca, definitions, profiles
from grootboek.network.config.channel_config import write_genesis_block
from grootboek.network.config.consortium import Channel, Consortium, OrdererNode, Organization, parse
from grootboek.network.config.layout import Layout, Peer, default_state_dir, member_of
from grootboek.network.config.node_config import core_yaml, orderer_yaml, write_yaml
from grootboek.network.nodes import binaries as fabric_binaries
from grootboek.network.nodes import gateways, supervisor
from grootboek.network.nodes.binaries import Binaries
from grootboek.network.nodes.readiness import OperationsEndpoint, port_open, wait_for
from grootboek.network.nodes.tasks import parallel
from grootboek.progress import Progress

# Fabric's own logs, kept in logs/<node>.log: structured (JSON lines) like ours.
FABRIC_LOGGING = {"FABRIC_LOGGING_SPEC": "info", "FABRIC_LOGGING_FORMAT": "json"}
# Go's collector lets the heap grow to 1 + GOGC/100 times what is live: 50 instead of 100 keeps
# Fabric's nodes a quarter smaller under load for a little more collector CPU (bench/footprint.py
# measures it against none).
GO_RUNTIME = {"GOGC": "50"}
# Stop in two waves: what serves applications first, then the nodes (each wave in parallel).
STOP_ORDER = {"api": 0, "chaincode": 0, "ca": 0, "peer": 1, "orderer": 1}


class NetworkError(RuntimeError):
    """An operator-facing failure: the message says what is wrong and what to do."""


@dataclass
class NodeStatus:
    name: str
    kind: str
    pid: int | None
    running: bool
    restarts: int
    ports: dict[str, int]
    healthy: bool | None = None
    heights: dict[str, int] = field(default_factory=dict)
    last_error: str | None = None
    """From the log of its last run that ended (the supervisor's), if it ever died."""


def topology_differences(old: Consortium, new: Consortium) -> list[str]:
    """What changed besides chaincodes and added channels (which `up` applies by itself)."""
    def topology(consortium: Consortium) -> dict:
        data = consortium.model_dump()
        data["channels"] = {c["name"]: {k: v for k, v in c.items() if k != "chaincodes"} for c in data["channels"]}
        return data

    before, after = topology(old), topology(new)
    problems = [f"{key} changed" for key in before if key != "channels" and before[key] != after[key]]
    for name, channel in before["channels"].items():
        if name not in after["channels"]:
            problems.append(f"channel {name} removed")
        elif after["channels"][name] != channel:
            problems.append(f"channel {name} changed")
    return problems


class Network:
    """The nodes of one state directory: every organisation's (a test or development network run
    by one operator), or with `member` only that organisation's, as one member of a consortium
    runs them on its own hosts with its own keys (the others' definitions imported, channels
    joined from blocks it accepted)."""

    def __init__(self, consortium: Consortium, state_dir: Path | None = None, progress: Progress | None = None,
                 member: str | None = None):
        self.consortium = consortium
        self.layout = Layout(consortium, state_dir or default_state_dir(consortium.name))
        self.progress = progress or Progress.quiet()
        self._binaries: Binaries | None = None
        self.go_runtime = GO_RUNTIME
        self.packages = lifecycle.packages(consortium)
        if member is not None:
            consortium.member(member)  # KeyError naming the known organisations
        self.member = member
        self._check_member()

    @classmethod
    def from_state(cls, state_dir: Path, progress: Progress | None = None, member: str | None = None) -> "Network":
        """The network whose state lives in `state_dir`, with the consortium it was created from."""
        stored = state_dir / "consortium.yaml"
        if not stored.exists():
            raise NetworkError(f"no network state in {state_dir}")
        owner = member_of(state_dir)
        return cls(parse(yaml.safe_load(stored.read_text()), str(stored)), state_dir, progress, member or owner)

    def _check_member(self) -> None:
        """A state directory belongs to one member (or to a whole one-operator network) for good."""
        owner = member_of(self.layout.root)
        stored = self.layout.consortium_file.exists()
        if owner != self.member and (owner is not None or stored):
            runs = f"{owner}'s nodes" if owner else "every organisation's nodes (a one-operator network)"
            wanted = f"--org {self.member}" if self.member else "no --org"
            raise NetworkError(f"the state directory {self.layout.root} holds {runs}; this command was given "
                               f"{wanted}. A member starts and stops only its own nodes, from its own state "
                               "directory (`--state-dir`, or the default one per --org)")

    # -- what runs here -----------------------------------------------------------------------

    def runs(self, name: str) -> bool:
        """Whether organisation `name`'s nodes run from this state directory."""
        return self.member is None or self.member == name

    @property
    def organizations(self) -> list[Organization]:
        """The application organisations whose nodes (CA, peers, servers, gateway) run here."""
        return [org for org in self.consortium.organizations if self.runs(org.name)]

    @property
    def orderers(self) -> list[OrdererNode]:
        return [o for o in self.consortium.orderers if self.runs(self.consortium.orderer_owner(o.name).name)]

    @property
    def peers(self) -> list[Peer]:
        return [peer for peer in self.layout.peers() if self.runs(peer.org.name)]

    def channels_joined(self) -> list[Channel]:
        """The channels whose blocks this state holds: every channel of a one-operator network
        (it builds them); a member's, once accepted (`grootboek --org NAME channel join`)."""
        return [c for c in self.consortium.channels if self.layout.channel_block(c.name).exists()]

    def owner_of(self, node: str) -> str | None:
        """The organisation whose node `node` is (a process name or host name), if the consortium has it."""
        for o in self.consortium.orderers:
            if node in (o.name, self.layout.orderer_host(o.name)):
                return self.consortium.orderer_owner(o.name).name
        for peer in self.layout.peers():
            if node in (peer.id, peer.host):
                return peer.org.name
        for org in self.consortium.organizations:
            if node in (self.layout.ca_id(org), self.layout.api_id(org)) or node.endswith("." + self.layout.org_key(org.name)):
                return org.name
        return None

    @property
    def binaries(self) -> Binaries:
        if self._binaries is None:
            self._binaries = fabric_binaries.ensure(self.progress)
        return self._binaries

    @property
    def run_dir(self) -> Path:
        return self.layout.run_dir

    # -- bring-up -----------------------------------------------------------------------------

    def up(self) -> None:
        started = time.monotonic()
        self._check_state_matches()
        running = supervisor.is_running(self.run_dir)
        if not running:
            problems = self.consortium.ports_in_use(self.member)
            if problems:
                raise NetworkError("cannot start: " + "; ".join(problems))
        self.binaries  # noqa: B018 - resolves (or builds) the binaries before anything starts
        with self.progress.step("preparing crypto material and configuration"):
            self.prepare()
        with self.progress.step("starting processes"):
            supervisor.write_specs(self.run_dir, self.process_specs())
            if running:
                supervisor.request(self.run_dir, {"cmd": "reload"})
            else:
                supervisor.start_daemon(self.run_dir, self.layout.root)
        with self.progress.step("joining channels, deploying chaincodes, waiting for readiness"):
            self.converge()
        self.progress.info(f"network {self.consortium.name} is up ({time.monotonic() - started:.1f} s); "
                           f"state in {self.layout.root}")

    def _check_state_matches(self) -> None:
        """A running consortium may change its chaincodes (deploy, upgrade) and gain channels
        between existing members; anything else (organisations, nodes, ports) changes through the
        admin commands, which update the stored copy themselves. A member's copy may gain other
        members and their nodes."""
        stored = self.layout.consortium_file
        if not stored.exists():
            return
        existing = parse(yaml.safe_load(stored.read_text()), str(stored))
        if self.member is not None:
            # The members agree on the file; what changes for the others is theirs to start.
            # Only this member's own nodes must stay where they are.
            if existing.member(self.member) != self.consortium.member(self.member):
                raise NetworkError(f"{self.member}'s nodes differ from those its state in {self.layout.root} was "
                                   "created with: a member changes its own nodes with the admin commands")
            return
        differences = topology_differences(existing, self.consortium)
        if differences:
            raise NetworkError(
                f"the consortium differs from the one the state in {self.layout.root} was created from "
                f"({'; '.join(differences)}). Change organisations and nodes with the admin commands "
                "(`grootboek org ...`, `grootboek orderer ...`), or start over with `grootboek down --purge`."
            )

    def prepare(self) -> None:
        """Generates what is missing (crypto, genesis blocks, packages) and rewrites every
        configuration from the consortium. A member generates only its own organisation's, from
        its keys and the definitions it imported; its channels' blocks come from their creator."""
        layout = self.layout
        self._check_policies()
        for name in self.consortium.member_names:
            if self.runs(name):
                self.create_crypto(name)
        self._check_definitions()
        for org in self.organizations:
            ca.prepare(layout, org)
        builder_dir = layout.chaincode_dir / "builder"
        for o in self.orderers:
            write_yaml(layout.node_dir(o.name) / "config" / "orderer.yaml", orderer_yaml(layout, o))
        for peer in self.peers:
            write_yaml(layout.node_dir(peer.id) / "config" / "core.yaml", core_yaml(layout, peer, builder_dir))
        if self.member is None:
            for channel in self.consortium.channels:
                if not layout.channel_block(channel.name).exists():
                    write_genesis_block(layout, channel, self.binaries)
        names = [org.name for org in self.organizations]
        lifecycle.prepare(layout, names)
        profiles.write_all(layout, names)
        for org in self.organizations:
            if org.api:
                gateways.prepare(layout, org)
        layout.consortium_file.write_text(yaml.safe_dump(self.consortium.model_dump(), sort_keys=False))

    def _check_policies(self) -> None:
        """A member's chaincodes name who must endorse: the channel's default (a majority of its
        members) would change silently with every member that joins or leaves."""
        if self.member is None:
            return
        implicit = [f"{c.name}/{cc.name}" for c in self.consortium.channels for cc in c.chaincodes
                    if cc.endorsement_policy is None]
        if implicit:
            raise NetworkError(f"chaincode {', '.join(implicit)} has no endorsement_policy in the consortium file: "
                               "among members, write out who must endorse (e.g. AND('MunicipalityMSP.peer', "
                               "'MerchantsMSP.peer')), so that a member joining does not change it")

    def _check_definitions(self) -> None:
        """A member needs every other member's definition: their TLS CAs to dial their nodes."""
        if self.member is None:
            return
        others = [name for name in self.consortium.member_names if not self.runs(name)]
        lacking = definitions.missing(self.layout, others)
        if lacking:
            raise NetworkError(f"{self.member} has not imported the definition of {', '.join(lacking)}: ask them for "
                               f"it and run `grootboek --org {self.member} definition import FILE --accept FINGERPRINT`")

    def create_crypto(self, name: str) -> None:
        """Organisation `name`'s keys and certificates, made here once: its CAs, its admin and
        users, and its nodes' identities and TLS pairs."""
        layout = self.layout
        if not self.runs(name):
            raise NetworkError(f"{name}'s keys are made on {name}'s own hosts, not in {self.member}'s state")
        layout.root.mkdir(parents=True, exist_ok=True)
        if self.member is not None and not layout.member_file.exists():
            layout.member_file.write_text(self.member + "\n")
        crypto = layout.crypto(name)
        if crypto.exists:
            return
        crypto.create()
        crypto.add_user("admin", admin=True)
        member = self.consortium.member(name)
        for o in member.orderers:
            crypto.add_node(layout.orderer_host(o.name), "orderer", layout.tls_hosts(o.port))
        if member is self.consortium.orderer_organization:
            return
        org = self.consortium.organization(name)
        for user in org.users:
            crypto.add_user(user.name, admin=user.admin, attributes=user.attributes)
        for peer in layout.peers(org):
            crypto.add_node(peer.host, "peer", layout.tls_hosts(peer.spec.port))

    def process_specs(self) -> list[supervisor.ProcessSpec]:
        layout = self.layout
        specs = []
        for o in self.orderers:
            specs.append(supervisor.ProcessSpec(
                name=o.name,
                argv=[self.binaries["orderer"]],
                env={"FABRIC_CFG_PATH": str(layout.node_dir(o.name) / "config"),
                     **FABRIC_LOGGING},
                stop_order=STOP_ORDER["orderer"],
            ))
        for peer in self.peers:
            specs.append(supervisor.ProcessSpec(
                name=peer.id,
                argv=[self.binaries["peer"], "node", "start"],
                env={"FABRIC_CFG_PATH": str(layout.node_dir(peer.id) / "config"),
                     **FABRIC_LOGGING,
                     "GROOTBOEK_CCAAS_CONFIG": str(layout.node_dir(peer.id) / "ccaas.json")},
                stop_order=STOP_ORDER["peer"],
            ))
        for org in self.organizations:
            specs.append(supervisor.ProcessSpec(
                name=layout.ca_id(org),
                argv=[self.binaries["fabric-ca-server"], "start", "--home", str(ca.home(layout, org))],
                stop_order=STOP_ORDER["ca"],
            ))
        specs += self.server_specs()
        specs += [gateways.process_spec(layout, org, STOP_ORDER["api"]) for org in self.organizations if org.api]
        return [spec if spec.argv[0] == supervisor.python() else replace(spec, env={**self.go_runtime, **spec.env})
                for spec in specs]

    def server_specs(self) -> list[supervisor.ProcessSpec]:
        """The chaincode servers that run here."""
        return lifecycle.server_specs(self.layout, self.packages, STOP_ORDER["chaincode"],
                                      [org.name for org in self.organizations])

    # -- chaincodes ---------------------------------------------------------------------------

    def converge(self) -> None:
        """Everything after the processes start, as parallel as the dependencies allow: orderers
        join then elect leaders; peers join then install; approvals need leaders and installs;
        gossip, CAs and chaincode servers are awaited alongside."""
        with lifecycle.Lifecycle(self) as cycle, ThreadPoolExecutor(max_workers=8) as pool:
            orderers = pool.submit(lambda: (self._join_orderers(), self._wait_raft_leaders()))
            peers = pool.submit(self._join_peers)
            side = [pool.submit(self._wait_cas), pool.submit(self._wait_chaincode_servers),
                    pool.submit(self._wait_gateways)]
            peers.result()
            if self.member is None:  # a member's peers meet the others' whenever those come up
                side.append(pool.submit(self._wait_gossip))
            cycle.install_all()
            orderers.result()
            cycle.approve_all()
            waiting = cycle.commit_all()
            for future in side:
                future.result()
        for chaincode, members in waiting.items():
            self.progress.info(f"chaincode {chaincode} waits for the approval of {', '.join(members)}; "
                               "the last member to approve commits it")

    def gateway_url(self, org: Organization) -> str:
        assert org.api is not None
        return f"https://{self.layout.address(org.api.port)}"

    def _wait_gateways(self) -> None:
        """Each REST gateway answers its readiness check (which includes its peer connection)."""
        for org in self.organizations:
            if not org.api:
                continue
            wait_for(lambda o=org: self._gateway_ready(o), f"REST gateway of {org.name} ready",
                     alive=self._alive(self.layout.api_id(org)))

    def _gateway_ready(self, org: Organization) -> bool:
        ca_file = str(gateways.api_tls_dir(self.layout, org) / "ca.crt")
        try:
            return requests.get(self.gateway_url(org) + "/health/ready", verify=ca_file, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def _wait_chaincode_servers(self) -> None:
        for spec in self.server_specs():
            address = lifecycle.server_address(self.layout, spec)
            wait_for(lambda a=address: port_open(a), f"chaincode server {spec.name} listening on {address}",
                     alive=self._alive(spec.name))

    # -- channels -----------------------------------------------------------------------------

    def participation(self, orderer: OrdererNode) -> ChannelParticipation:
        crypto = self.layout.orderer_crypto(orderer.name)
        admin_tls = crypto.user_dir("admin") / "tls"
        return ChannelParticipation(
            admin_address=self.layout.address(orderer.admin_port),
            ca_file=crypto.root / "tlsca" / "cert.pem",
            client_cert=admin_tls / "client.crt",
            client_key=admin_tls / "client.key",
        )

    def operations(self, org_name: str, port: int) -> OperationsEndpoint:
        crypto = self.layout.crypto(org_name)
        admin_tls = crypto.user_dir("admin") / "tls"
        return OperationsEndpoint(self.layout.address(port), crypto.root / "tlsca" / "cert.pem",
                                  (admin_tls / "client.crt", admin_tls / "client.key"))

    def orderer_operations(self, orderer: OrdererNode) -> OperationsEndpoint:
        return self.operations(self.consortium.orderer_owner(orderer.name).name, orderer.operations_port)

    def peer_operations(self, peer: Peer) -> OperationsEndpoint:
        return self.operations(peer.org.name, peer.spec.operations_port)

    def _alive(self, name: str) -> Callable[[], str | None]:
        """For wait_for: a process that died while we wait for it fails the wait at once."""
        def check() -> str | None:
            for proc in supervisor.request(self.run_dir, {"cmd": "status"})["processes"]:
                if proc["name"] == name and proc["last_exit"] is not None:
                    return (f"{name} exited with code {proc['last_exit']}; last log lines:\n"
                            + self.log_tail(name) + f"\n(see {self.layout.log_file(name)})")
            return None
        return check

    def log_tail(self, name: str, lines: int = 5) -> str:
        try:
            return "\n".join(self.layout.log_file(name).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _join_orderers(self) -> None:
        tasks = []
        for channel in self.channels_joined():
            block = self.layout.channel_block(channel.name).read_bytes()
            for orderer in [o for o in self.consortium.channel_orderers(channel) if o in self.orderers]:
                def join(orderer: OrdererNode = orderer, channel_name: str = channel.name, block: bytes = block) -> None:
                    admin = self.participation(orderer)
                    # The admin listener comes up after /healthz does: wait for the endpoint we use.
                    joined = wait_for(lambda: [admin.channels()], f"orderer {orderer.name} admin endpoint",
                                      alive=self._alive(orderer.name))[0]
                    if channel_name not in joined:
                        admin.join(block)
                tasks.append(join)
        parallel(tasks)

    def _join_peers(self) -> None:
        tasks = []
        joined_here = self.channels_joined()
        for peer in self.peers:
            def join(peer: Peer = peer) -> None:
                ops = self.peer_operations(peer)
                alive = self._alive(peer.id)
                wait_for(ops.healthy, f"peer {peer.id} healthy", alive=alive)
                # The operations endpoint answers before the peer's gRPC listener is up.
                wait_for(lambda: port_open(peer.address), f"peer {peer.id} listening", alive=alive)
                with PeerAdmin(self.layout, peer) as admin:
                    # First real call: a peer that just started may refuse the first connections.
                    joined = set(wait_for(lambda: [admin.channels()], f"peer {peer.id} answering",
                                          alive=alive)[0])
                    for channel in self.consortium.channels_of(peer.org):
                        if channel in joined_here and channel.name not in joined:
                            admin.join(self.layout.channel_block(channel.name).read_bytes())
            tasks.append(join)
        parallel(tasks)

    def ca_operations(self, org: Organization) -> OperationsEndpoint:
        # Only /healthz is read here, which needs no client certificate.
        return OperationsEndpoint(self.layout.address(org.ca.operations_port),
                                  self.layout.crypto(org.name).root / "tlsca" / "cert.pem")

    def _wait_cas(self) -> None:
        for org in self.organizations:
            wait_for(self.ca_operations(org).healthy, f"CA of {org.name} healthy",
                     alive=self._alive(self.layout.ca_id(org)))

    def raft_leader(self, channel: str) -> str | None:
        """Name of the orderer that leads the channel's Raft cluster, if any answers as leader."""
        for orderer in self.consortium.channel_orderers(self.consortium.channel(channel)):
            try:
                if self.orderer_operations(orderer).metric("consensus_etcdraft_is_leader", channel=channel) == 1:
                    return orderer.name
            except Exception:  # a stopped orderer is simply not the leader
                continue
        return None

    def _wait_raft_leaders(self) -> None:
        """A leader per channel this state orders alone (a member that runs some of a channel's
        consenters does not wait for the others to come up)."""
        for channel in self.channels_joined():
            if not all(o in self.orderers for o in self.consortium.channel_orderers(channel)):
                continue
            wait_for(lambda c=channel.name: self.raft_leader(c), f"Raft leader for channel {channel.name}")

    def gossip_members(self, peer: Peer, channel: str) -> int:
        value = self.peer_operations(peer).metric("gossip_membership_total_peers_known", channel=channel)
        return int(value or 0)

    def _wait_gossip(self) -> None:
        for channel in self.consortium.channels:
            peers = [p for org in channel.organizations for p in self.layout.peers(self.consortium.organization(org))]
            for peer in peers:
                wait_for(lambda p=peer, c=channel.name, n=len(peers) - 1: self.gossip_members(p, c) >= n,
                         f"peer {peer.id} sees the other {len(peers) - 1} peers of channel {channel.name}")

    # -- applications -------------------------------------------------------------------------

    def gateway(self, org: str, user: str = "admin", peer: str | None = None):
        """A Fabric Gateway connection to one of `org`'s peers (default its first) as a user our
        tooling generated for it. Close it, or use it as a context manager."""
        from grootboek.client.identity import PrivateKeySigner, X509Identity
        from grootboek.client.profile import connect_with_profile

        msp = self.layout.crypto(org).user_dir(user) / "msp"
        if not msp.is_dir():
            raise NetworkError(f"no user {user!r} in {org} (its MSP directory {msp} does not exist)")
        identity = X509Identity.from_msp_directory(self.consortium.organization(org).msp_id, msp)
        return connect_with_profile(self.layout.profile(org), identity, PrivateKeySigner.from_msp_directory(msp),
                                    peer=self.layout.peer(peer).host if peer else None)

    def wait_synced(self, channel: str, block_number: int, timeout: float = 30.0) -> None:
        """Until every peer of the channel has committed block `block_number`. A submit through a
        gateway waits for its own peer only; whoever then reads or endorses through another
        organisation's peer waits for this first."""
        spec = self.consortium.channel(channel)
        peers = [p for org in spec.organizations for p in self.layout.peers(self.consortium.organization(org))]

        def synced() -> bool:
            return all((self.peer_operations(p).metric("ledger_blockchain_height", channel=channel) or 0)
                       > block_number for p in peers)

        wait_for(synced, f"every peer of {channel} past block {block_number}", timeout=timeout)

    # -- stop ---------------------------------------------------------------------------------

    def down(self, purge: bool = False) -> list[int]:
        """Stops every process this network started (and nothing else); returns pids that had to
        be killed because the supervisor was gone. With purge, deletes the state directory."""
        if supervisor.is_running(self.run_dir):
            with self.progress.step("stopping processes"):
                pid = supervisor.daemon_pid(self.run_dir)
                supervisor.request(self.run_dir, {"cmd": "shutdown"})
                wait_for(lambda: not supervisor.is_running(self.run_dir) and not supervisor.daemon_pid(self.run_dir),
                         f"supervisor (pid {pid}) stopped its processes and exited", timeout=60)
        killed = supervisor.terminate(supervisor.marked_processes(self.layout.root))
        if purge and self.layout.root.exists():
            with self.progress.step(f"deleting {self.layout.root}"):
                shutil.rmtree(self.layout.root)
        return killed

    # -- inspection ---------------------------------------------------------------------------

    def status(self) -> list[NodeStatus]:
        processes = {}
        if supervisor.is_running(self.run_dir):
            processes = {p["name"]: p for p in supervisor.request(self.run_dir, {"cmd": "status"})["processes"]}
        nodes: list[NodeStatus] = []

        def base(name: str, kind: str, ports: dict[str, int]) -> NodeStatus:
            proc = processes.get(name, {})
            return NodeStatus(name, kind, proc.get("pid"), bool(proc.get("running")), proc.get("restarts", 0), ports,
                              last_error=proc.get("last_error"))

        def orderer_status(o: OrdererNode) -> NodeStatus:
            node = base(o.name, "orderer", {"port": o.port, "admin": o.admin_port, "operations": o.operations_port})
            if node.running:
                node.healthy = self.orderer_operations(o).healthy()
                try:
                    admin = self.participation(o)
                    for name in admin.channels():
                        info = admin.info(name)
                        if info:
                            node.heights[name] = info.height
                except Exception:
                    pass
            return node

        def peer_status(p: Peer) -> NodeStatus:
            node = base(p.id, "peer", {"port": p.spec.port, "chaincode": p.spec.chaincode_port,
                                       "operations": p.spec.operations_port})
            if node.running:
                ops = self.peer_operations(p)
                node.healthy = ops.healthy()
                try:
                    for name, labels, value in ops.metrics():
                        if name == "ledger_blockchain_height" and "channel" in labels:
                            node.heights[labels["channel"]] = int(value)
                except Exception:
                    pass
            return node

        def ca_status(org: Organization) -> NodeStatus:
            node = base(self.layout.ca_id(org), "ca", {"port": org.ca.port, "operations": org.ca.operations_port})
            if node.running:
                node.healthy = self.ca_operations(org).healthy()
            return node

        def server_status(spec: supervisor.ProcessSpec) -> NodeStatus:
            address = lifecycle.server_address(self.layout, spec)
            node = base(spec.name, "chaincode", {"port": int(address.rsplit(":", 1)[1])})
            if node.running:
                node.healthy = port_open(address)
            return node

        def gateway_status(org: Organization) -> NodeStatus:
            assert org.api is not None
            node = base(self.layout.api_id(org), "api", {"port": org.api.port})
            if node.running:
                node.healthy = self._gateway_ready(org)
            return node

        tasks: list[Callable[[], object]] = [lambda o=o: orderer_status(o) for o in self.orderers]
        tasks += [lambda p=p: peer_status(p) for p in self.peers]
        tasks += [lambda org=org: ca_status(org) for org in self.organizations]
        tasks += [lambda s=s: server_status(s) for s in self.server_specs()]
        tasks += [lambda org=org: gateway_status(org) for org in self.organizations if org.api]
        nodes = [n for n in parallel(tasks) if isinstance(n, NodeStatus)]
        known = {n.name for n in nodes}
        for name, proc in processes.items():
            if name not in known:
                nodes.append(NodeStatus(name, name.split(".")[0].split("-")[0], proc.get("pid"),
                                        bool(proc.get("running")), proc.get("restarts", 0), {}))
        return nodes

    def log_file(self, node: str) -> Path:
        path = self.layout.log_file(node)
        if not path.exists():
            names = sorted(p.stem for p in (self.layout.root / "logs").glob("*.log"))
            raise NetworkError(f"no log for {node!r}; known: {', '.join(names) or 'none'}")
        return path

