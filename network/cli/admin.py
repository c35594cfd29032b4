"""The administration command groups: `grootboek channel ...`, `grootboek org ...`,
`grootboek orderer ...`, `grootboek identity ...` and `grootboek cert ...` for a running network,
`grootboek definition ...`, what members exchange, `grootboek systemd` for running a member's
nodes as services, `grootboek backup` / `restore` of a member's state, and `grootboek snapshot`
take / join of a channel's ledger."""
from __future__ import annotations

import argparse

from grootboek.network.cli import backup, cert, channel, definition, identity, org, orderer, snapshot, systemd


def register(groups: argparse._SubParsersAction) -> None:
    for group in (channel, org, orderer, identity, definition, cert, systemd, backup, snapshot):
        group.register(groups)
