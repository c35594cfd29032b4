"""A free TCP port for a server a test starts itself (a second gateway, a PostgreSQL server)."""
from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
