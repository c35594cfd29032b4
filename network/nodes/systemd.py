"""systemd unit files for a member's nodes, for a host that runs them as services instead of under
our supervisor: one unit per process (peer, orderer, CA, chaincode server, REST gateway) with the
command, environment and working directory the supervisor would use, and a target that starts and
stops them together.

systemd takes over what the supervisor did: restarting what dies (Restart=on-failure), and
appending each process's output to the same logs/<node>.log (so `grootboek logs` still reads it).
It adds what the supervisor cannot: a service user, open-file and memory limits. Channel joins and
chaincode deployment stay with `grootboek up`: bring the member up once, `grootboek down`, then
enable the target; ledgers and crypto stay where they are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from grootboek.network.nodes.network import Network
from grootboek.network.nodes.supervisor import MARKER, ProcessSpec

# Enough for a peer's gRPC connections, LevelDB files and gossip; Fabric's own advice is high.
LIMIT_NOFILE = 65536
RESTART_SEC = 5
# Peak memory measured here (fabric-native notes: peer ~170 MiB, orderer ~125 MiB under load)
# with ample head room for ledger growth and state-database caches.
MEMORY_MAX = {"peer": "2G", "orderer": "1G", "ca": "256M", "chaincode": "512M", "api": "512M"}
_SAFE = re.compile(r"^[\w@%+=:,./-]+$")


@dataclass(frozen=True)
class Unit:
    name: str           # file name, e.g. grootboek-grootboek-peer0.municipality.service
    process: str        # the supervisor's name of the process
    kind: str
    text: str


def member_processes(network: Network, org_name: str) -> dict[str, str]:
    """Process name -> kind, for every process that belongs to organisation `org_name`."""
    consortium, layout = network.consortium, network.layout
    member = consortium.member(org_name)
    kinds = {o.name: "orderer" for o in member.orderers}
    if member is consortium.orderer_organization:
        return kinds
    org = consortium.organization(org_name)
    kinds.update({peer.id: "peer" for peer in layout.peers(org)})
    kinds[layout.ca_id(org)] = "ca"
    if org.api:
        kinds[layout.api_id(org)] = "api"
    for channel in consortium.channels:
        for cc in channel.chaincodes:
            if org.name in cc.servers:
                kinds[layout.chaincode_server_id(cc.name, org.name)] = "chaincode"
    return kinds


def _quote(value: str) -> str:
    """A word for ExecStart= or Environment=: systemd splits on spaces and honours C-style
    quotes; `%` and `$` are its own specifiers and variables, doubled to mean themselves."""
    value = value.replace("%", "%%").replace("$", "$$")
    if _SAFE.match(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def target_name(network: Network, org_name: str) -> str:
    return f"grootboek-{network.consortium.name}-{org_name.lower()}.target"


def units(network: Network, org_name: str, user: str, group: str | None = None) -> list[Unit]:
    """The member's units (one per process) and, last, the target that groups them."""
    kinds = member_processes(network, org_name)
    specs: list[ProcessSpec] = [s for s in network.process_specs() if s.name in kinds]
    target = target_name(network, org_name)
    root = network.layout.root
    made = []
    for spec in specs:
        kind = kinds[spec.name]
        environment = {MARKER: str(root), **spec.env}
        lines = [
            "[Unit]",
            f"Description=Grootboek {kind} {spec.name} of {org_name} ({network.consortium.name})",
            "After=network-online.target",
            "Wants=network-online.target",
            f"PartOf={target}",
            "",
            "[Service]",
            "Type=simple",
            f"User={user}",
            f"Group={group or user}",
            f"WorkingDirectory={spec.cwd or root}",
            *(f"Environment={_quote(f'{k}={v}')}" for k, v in environment.items()),
            "ExecStart=" + " ".join(_quote(word) for word in spec.argv),
            "Restart=on-failure",
            f"RestartSec={RESTART_SEC}",
            f"LimitNOFILE={LIMIT_NOFILE}",
            f"MemoryMax={MEMORY_MAX[kind]}",
            f"StandardOutput=append:{network.layout.log_file(spec.name)}",
            "StandardError=inherit",
            "",
            "[Install]",
            f"WantedBy={target}",
        ]
        made.append(Unit(f"grootboek-{network.consortium.name}-{spec.name}.service", spec.name, kind,
                         "\n".join(lines) + "\n"))
    wants = " ".join(u.name for u in made)
    made.append(Unit(target, "", "target", "\n".join([
        "[Unit]",
        f"Description=Grootboek nodes of {org_name} ({network.consortium.name})",
        f"Wants={wants}",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ]) + "\n"))
    return made
