"""Changing a running network's topology: the state directory's consortium.yaml is the record of
what the network is (`grootboek up` after `down` resumes from it), so a change is first recorded
there and then the running network is brought onto it by the same convergent bring-up `up` uses
(new crypto, configs, processes under the supervisor, joins, chaincode installs, readiness).

Recording first makes a failed change safe to re-run: every step of the bring-up, and every step
of our admin commands, checks what is already done.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Callable

from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.consortium import Consortium
from grootboek.network.nodes.network import Network


def record(network: Network, changed: Consortium) -> Network:
    """Writes `changed` as the network's consortium (atomically) and returns the network as it is
    now described; nothing is started or stopped."""
    path: Path = network.layout.consortium_file
    tmp = path.with_name(f".{path.name}.tmp")
    consortium_file.dump(changed, tmp)
    os.replace(tmp, path)
    return Network(changed, network.layout.root, network.progress)


def converge(network: Network, changed: Consortium) -> Network:
    """Records `changed` and brings the running network onto it."""
    updated = record(network, changed)
    updated.up()
    return updated


def change(consortium: Consortium, edit: Callable[[dict], None]) -> Consortium:
    """A validated copy of `consortium` after `edit` changed its plain-data form."""
    data = consortium.model_dump()
    edit(data)
    return consortium_file.parse(data, "the changed consortium")


def free_ports(consortium: Consortium, count: int) -> list[int]:
    """`count` ports free now on the consortium's host and declared nowhere in it."""
    taken = {port for _, port in consortium.ports()}
    sockets, ports = [], []
    try:
        while len(ports) < count:
            sock = socket.socket()
            sock.bind((consortium.host, 0))
            sockets.append(sock)  # held until all are chosen, so none is handed out twice
            port = sock.getsockname()[1]
            if port not in taken:
                ports.append(port)
    finally:
        for sock in sockets:
            sock.close()
    return ports
