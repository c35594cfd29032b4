"""`grootboek systemd --org ORG --output DIR`: systemd unit files that run one member's nodes as
services on a Linux host (network/nodes/systemd.py)."""
from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from grootboek.network.cli.support import CommandError, guard, known, open_network
from grootboek.network.nodes import systemd


def cmd_systemd(args: argparse.Namespace) -> int:
    network = open_network(args)
    known(network.consortium.member, args.org)
    if args.output.exists() and not args.output.is_dir():
        raise CommandError(f"--output {args.output}: not a directory")
    made = systemd.units(network, args.org, args.user, args.group)
    args.output.mkdir(parents=True, exist_ok=True)
    for unit in made:
        (args.output / unit.name).write_text(unit.text)
        print(args.output / unit.name)
    target = systemd.target_name(network, args.org)
    print(f"next: `grootboek down` (the supervisor and systemd must not both run the nodes), copy these files to "
          f"/etc/systemd/system/, make {network.layout.root} owned by {args.user}, then "
          f"`systemctl daemon-reload && systemctl enable --now {target}`")
    return 0


def register(groups: argparse._SubParsersAction) -> None:
    parser = groups.add_parser("systemd", help="write systemd unit files that run one member's nodes as services")
    parser.add_argument("--org", required=True, help="the member (organisation) whose nodes to run, "
                                                     "or the orderer organisation")
    parser.add_argument("--user", default=getpass.getuser(), help="the service user (default: you)")
    parser.add_argument("--group", help="the service group (default: the user's name)")
    parser.add_argument("--output", type=Path, required=True, help="directory for the unit files")
    parser.set_defaults(handler=guard(cmd_systemd))
