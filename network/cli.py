"""`grootboek network ...` (and the `up`/`down`/`status`/`logs` shortcuts)."""
from __future__ import annotations

import argparse


def register(groups: argparse._SubParsersAction) -> None:
    network = groups.add_parser("network", help="start, stop and inspect the Fabric network")
    network.add_subparsers(dest="command", required=True, metavar="COMMAND")
