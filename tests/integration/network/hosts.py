"""Hosts of their own on one machine, for tests of a consortium whose members each run their nodes
on their own host: one Linux network namespace per host, each with one address on a bridge the
test creates (a /24 of 10.0.0.0/8 picked at random, so concurrent runs do not meet), and the
machine itself on the bridge as .1, so the test process reaches every host as a client would.

Everything is removed on close, also after a failure: every process left in a namespace is
stopped (TERM, then KILL), then the namespaces and the bridge are deleted. Needs root.
"""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
from dataclasses import dataclass
from typing import Sequence

from grootboek.network.nodes.readiness import NotReady, wait_for


def _ip(*args: str) -> str:
    done = subprocess.run(["ip", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


@dataclass(frozen=True)
class Host:
    name: str
    namespace: str
    address: str
    link: str  # the bridge's end of the host's cable

    def command(self, argv: Sequence[str]) -> list[str]:
        """`argv` run on this host."""
        return ["ip", "netns", "exec", self.namespace, *argv]

    def pids(self) -> list[int]:
        return [int(pid) for pid in _ip("netns", "pids", self.namespace).split()]


class Hosts:
    def __init__(self, names: Sequence[str]):
        tag = secrets.token_hex(3)
        self.subnet = f"10.{secrets.randbelow(200) + 50}.{secrets.randbelow(256)}"
        self.bridge = f"gb{tag}"
        self.hosts = {name: Host(name, f"gb{tag}-{i}", f"{self.subnet}.{i + 2}", f"gb{tag}v{i}")
                      for i, name in enumerate(names)}
        self._made: list[tuple[str, ...]] = []  # what to delete, newest last

    def __getitem__(self, name: str) -> Host:
        return self.hosts[name]

    def __enter__(self) -> "Hosts":
        try:
            _ip("link", "add", self.bridge, "type", "bridge")
            self._made.append(("link", "del", self.bridge))
            _ip("addr", "add", f"{self.subnet}.1/24", "dev", self.bridge)
            _ip("link", "set", self.bridge, "up")
            for host in self.hosts.values():
                _ip("netns", "add", host.namespace)
                self._made.append(("netns", "del", host.namespace))
                inside = f"{host.link}i"
                _ip("link", "add", host.link, "type", "veth", "peer", "name", inside)
                _ip("link", "set", inside, "netns", host.namespace)
                _ip("-n", host.namespace, "addr", "add", f"{host.address}/24", "dev", inside)
                _ip("-n", host.namespace, "link", "set", inside, "up")
                _ip("-n", host.namespace, "link", "set", "lo", "up")
                _ip("link", "set", host.link, "master", self.bridge, "up")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def cut(self, name: str) -> None:
        """Takes the host off the bridge: everything it sends or is sent is dropped."""
        _ip("link", "set", self.hosts[name].link, "down")

    def reconnect(self, name: str) -> None:
        _ip("link", "set", self.hosts[name].link, "up")

    def close(self) -> None:
        for host in self.hosts.values():
            try:
                _stop(host)
            except RuntimeError:
                continue  # its namespace was never made
        for command in reversed(self._made):
            try:
                _ip(*command)
            except RuntimeError:
                pass  # gone already (a veth goes with its namespace)
        self._made.clear()


def _stop(host: Host) -> None:
    """Every process still in the host's namespace: TERM, and KILL what outlives 20 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in host.pids():
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        try:
            wait_for(lambda: not host.pids(), f"processes on {host.name} stopped", timeout=20, interval=0.2)
            return
        except NotReady:
            continue
