"""`python -m grootboek.api serve --config FILE`, and the admin commands of `grootboek api`."""
from __future__ import annotations

import argparse
import sys

from grootboek import logs
from grootboek.cli import CommandError

from . import cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grootboek.api", description=__doc__)
    parser.add_argument("-s", "--state-dir", default=None, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cli.add_commands(commands)
    args = parser.parse_args(argv)
    logs.configure()
    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
