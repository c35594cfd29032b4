"""`grootboek network compose | prepare --compose DIR | converge --compose DIR`: the consortium on
Docker Compose (see network/nodes/compose.py)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grootboek.network.cli.support import CommandError, guard
from grootboek.network.config import consortium as consortium_file
from grootboek.network.nodes import compose
from grootboek.network.nodes.network import NetworkError
from grootboek.progress import Progress

def cmd_compose(args: argparse.Namespace) -> int:
    try:
        text = compose.render(consortium_file.load(args.consortium), args.member)
    except KeyError as exc:
        raise CommandError(exc.args[0]) from None
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text)
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    network = compose.ComposeNetwork(consortium_file.load(args.consortium), args.compose, Progress(), args.member)
    network.prepare()
    return 0


def cmd_converge(args: argparse.Namespace) -> int:
    if not (args.compose / "consortium.yaml").exists():
        raise NetworkError(f"{args.compose} is no deployment directory: "
                           f"run `grootboek network prepare --compose {args.compose}` first")
    compose.ComposeNetwork.from_state(args.compose, Progress()).converge()
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Adds the commands to `grootboek network`."""
    generate = commands.add_parser("compose", help="write docker-compose.yaml for the consortium "
                                                   "(Fabric's official images, one profile per organisation; "
                                                   "with --org NAME only that member's nodes)")
    generate.add_argument("-o", "--output", default="-", help="file to write (default: standard output)")
    generate.set_defaults(handler=guard(cmd_compose))
    for name, handler, text in (
        ("prepare", cmd_prepare, "write the deployment directory the compose services mount: crypto, "
                                 "genesis blocks, CA configs, chaincode packages, env files"),
        ("converge", cmd_converge, "join the running containers to their channels and deploy the "
                                   "chaincodes (from a host that resolves the nodes' host names)"),
    ):
        parser = commands.add_parser(name, help=text)
        parser.add_argument("--compose", type=Path, required=True, metavar="DIR",
                            help="the deployment directory (docker-compose.yaml mounts it as "
                                 "${GROOTBOEK_DEPLOY:-./deploy})")
        parser.set_defaults(handler=guard(handler))
