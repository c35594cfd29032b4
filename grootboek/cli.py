"""The `grootboek` command for operators and administrators.

Each part contributes its own command group (network, channel, chaincode, identity, api); this
module only assembles them and handles the options every command shares.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from grootboek import logs


class CommandError(RuntimeError):
    """A command failed in a way the operator can act on; printed without a traceback."""


def default_consortium() -> Path:
    env = os.environ.get("GROOTBOEK_CONSORTIUM")
    if env:
        return Path(env)
    from grootboek.network.config.consortium import DEFAULT_FILE

    return DEFAULT_FILE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grootboek", description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--consortium", type=Path, default=None,
                        help="consortium file (default: $GROOTBOEK_CONSORTIUM or the bundled network/consortium.yaml)")
    parser.add_argument("-s", "--state-dir", type=Path, default=None,
                        help="where crypto, ledgers, logs and pids live (default: $GROOTBOEK_STATE or ~/.local/state/grootboek/<name>)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-v info, -vv debug)")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")
    from grootboek.api import cli as api_cli
    from grootboek.network.cli import admin as admin_cli, network as network_cli

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


if __name__ == "__main__":
    # Run as `python -m grootboek.cli`: use the imported module, not this __main__ copy, so the
    # command groups and this module agree on one CommandError class.
    from grootboek.cli import main as imported_main

    sys.exit(imported_main())
