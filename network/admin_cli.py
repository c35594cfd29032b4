"""The administration command groups: `grootboek channel ...`, `grootboek org ...`,
`grootboek orderer ...` and `grootboek identity ...`, for a running network."""
from __future__ import annotations

import argparse

from grootboek.network import channel_cli, identity_cli, org_cli, orderer_cli


def register(groups: argparse._SubParsersAction) -> None:
    for group in (channel_cli, org_cli, orderer_cli, identity_cli):
        group.register(groups)
