"""The `grootboek` command for operators and administrators.

Each part contributes its own command group (network, channel, chaincode, identity, api); this
module only assembles them and handles the options every command shares.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grootboek import logs
from grootboek.api import cli as api_cli
from grootboek.network.cli import admin as admin_cli, network as network_cli
from grootboek.network.cli.support import CommandError, default_consortium


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grootboek", description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--consortium", type=Path, default=None,
                        help="consortium file (default: $GROOTBOEK_CONSORTIUM or the bundled network/consortium.yaml)")
    parser.add_argument("-s", "--state-dir", type=Path, default=None,
                        help="where crypto, ledgers, logs and pids live (default: $GROOTBOEK_STATE or ~/.local/state/grootboek/<name>)")
    parser.add_argument("--org", dest="member", metavar="NAME",
                        help="the organisation you run, as one member of a consortium: only its keys and "
                             "nodes, in its own state directory (default: ~/.local/state/grootboek/<name>-<org>)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-v info, -vv debug)")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")
    network_cli.register(groups)
    admin_cli.register(groups)
    api_cli.register(groups)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logs.configure(["WARNING", "INFO", "DEBUG"][min(args.verbose, 2)] if args.verbose else None)
    args.consortium_given = args.consortium is not None
    if args.consortium is None:
        args.consortium = default_consortium()
    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
