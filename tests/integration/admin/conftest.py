"""Administration on real networks: the `grootboek` CLI against a network's state directory, and
traffic that keeps running while the topology changes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grootboek.network.nodes.network import Network

from .traffic import Traffic


# The installed entry point, as operators run it, but on this interpreter's path: process specs
# name the interpreter, so another spelling of it would make `up` restart every Python process.
GROOTBOEK = [sys.executable, str(Path(sys.executable).parent / "grootboek")]


def run_cli(network: Network, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*GROOTBOEK, "--state-dir", str(network.layout.root), *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def cli():
    """`cli(network, *args)`: runs `grootboek --state-dir <its state> *args`; asserts nothing."""
    return run_cli


@pytest.fixture(scope="session")
def traffic(connect_as):
    """`with traffic(network, org, channel) as t:` keeps transactions running meanwhile."""
    return lambda network, org, channel: Traffic(network, connect_as, org, channel)
