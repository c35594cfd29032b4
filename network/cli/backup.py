"""`grootboek backup --org ORG --output DIR` and `grootboek restore BACKUP`: one member's state
(configuration, crypto, CA and gateway databases, ledgers) to a checked directory and back
(network/admin/backup.py)."""
from __future__ import annotations

import argparse
from pathlib import Path

from grootboek.network.admin.backup import Backup, BackupError, read_manifest, restore
from grootboek.network.cli.support import CommandError, guard, open_network
from grootboek.network.config.layout import default_state_dir
from grootboek.progress import Progress


def cmd_backup(args: argparse.Namespace) -> int:
    network = open_network(args)
    if args.output.exists() and not args.output.is_dir():
        raise CommandError(f"--output {args.output}: not a directory")
    try:
        written = Backup(network, args.org, Progress()).write(args.output)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(written)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    try:
        # The state directory to fill: --state-dir, else the one `up` would use for this consortium
        # (and member, with --org); a fresh host may have no consortium file yet: the backup has it.
        name = read_manifest(args.backup)["consortium"]
        state = args.state_dir or default_state_dir(f"{name}-{args.member.lower()}" if args.member else name)
        manifest = restore(args.backup, state, Progress())
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(f"restored {manifest['organization']}'s state of {manifest['created']} into {state}\n"
          f"next: start its nodes (`grootboek up`, or `grootboek network start NODE` for each of "
          f"{', '.join(manifest['nodes'])} and the member's other processes); its peers catch up with the "
          f"channels from the orderers")
    return 0


def register(groups: argparse._SubParsersAction) -> None:
    backup = groups.add_parser("backup", help="back up one member's state while it runs: configuration, crypto, "
                                              "CA and gateway databases, ledgers (each node paused briefly)")
    backup.add_argument("--org", required=True, help="the member (organisation) to back up, or the orderer "
                                                     "organisation")
    backup.add_argument("--output", type=Path, required=True,
                        help="directory that receives the backup (a new timestamped directory in it)")
    backup.set_defaults(handler=guard(cmd_backup))
    back = groups.add_parser("restore", help="check a backup against its manifest and restore it into a state "
                                             "directory that has none of that member's state")
    back.add_argument("backup", type=Path, help="the directory `grootboek backup` wrote")
    back.set_defaults(handler=guard(cmd_restore))
