"""Administration on real networks: the `grootboek` CLI against a network's state directory, and
traffic that keeps running while the topology changes."""
from __future__ import annotations

import subprocess
import sys

import pytest

from grootboek.network.network import Network

from .traffic import Traffic


def run_cli(network: Network, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grootboek.cli", "--state-dir", str(network.layout.root), *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def cli():
    """`cli(network, *args)`: runs `grootboek --state-dir <its state> *args`; asserts nothing."""
    return run_cli


@pytest.fixture(scope="session")
def traffic(connect_as):
    """`with traffic(network, org, channel) as t:` keeps transactions running meanwhile."""
    return lambda network, org, channel: Traffic(network, connect_as, org, channel)
