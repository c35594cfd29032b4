"""What the commands share: CommandError, the failure an operator can act on (the `grootboek`
command prints it without a traceback); the consortium file and the network a command acts on;
failures turned into messages that say what to do next; and the options of config updates (who
signs; submit now or save for signatures collected elsewhere).

The command groups (network/cli/, api/cli.py) and grootboek/cli.py import this module; it imports
none of them, so the command line has no import circle."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable

import yaml

from grootboek.network.admin.ca_client import CAError
from grootboek.network.admin.channel_admin import ChannelAdmin, ChannelAdminError, Edit
from grootboek.network.admin.lifecycle import LifecycleError
from grootboek.network.admin.participation import ParticipationError
from grootboek.network.admin.peer_admin import PeerAdminError
from grootboek.network.admin.snapshots import SnapshotError
from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.config_edits import ConfigEditError
from grootboek.network.config.config_transaction import ConfigTransaction, ConfigTransactionError
from grootboek.network.config.config_update import NoChanges
from grootboek.network.config.configtxlator import ConfigtxlatorError
from grootboek.network.config.layout import default_state_dir
from grootboek.network.nodes.binaries import BinariesError
from grootboek.network.nodes.network import Network, NetworkError
from grootboek.network.nodes.readiness import NotReady
from grootboek.network.nodes.supervisor import SupervisorError
from grootboek.progress import Progress


class CommandError(RuntimeError):
    """A command failed in a way the operator can act on; printed without a traceback."""


def default_consortium() -> Path:
    """The consortium file of commands not given one: $GROOTBOEK_CONSORTIUM, else the bundled one."""
    env = os.environ.get("GROOTBOEK_CONSORTIUM")
    if env:
        return Path(env)
    return consortium_file.DEFAULT_FILE


OPERATOR_ERRORS = (consortium_file.ConsortiumError, NetworkError, BinariesError, NotReady, SupervisorError,
                   LifecycleError, PeerAdminError)


def open_network(args: argparse.Namespace, prefer_state: bool = True) -> Network:
    """The network the command is about: from the state directory when one exists there (so it
    resumes with the consortium it was created from), else from the consortium file."""
    progress = Progress()
    try:
        explicit = getattr(args, "consortium_given", False)
        member = getattr(args, "member", None)
        if args.state_dir is not None:
            state = args.state_dir
        else:
            name = consortium_file.load(args.consortium).name
            state = default_state_dir(f"{name}-{member.lower()}" if member else name)
        if prefer_state and not explicit and (state / "consortium.yaml").exists():
            return Network.from_state(state, progress, member)
        return Network(consortium_file.load(args.consortium), state, progress, member)
    except OPERATOR_ERRORS as exc:
        raise CommandError(str(exc)) from None
    except KeyError as exc:  # --org names no organisation of the consortium
        raise CommandError(exc.args[0]) from None


def guard(action: Callable[[argparse.Namespace], int | None]) -> Callable[[argparse.Namespace], int]:
    """A command handler whose operator-facing failures are printed as messages."""
    def run(args: argparse.Namespace) -> int:
        try:
            return action(args) or 0
        except OPERATOR_ERRORS as exc:
            raise CommandError(str(exc)) from None
    return run


ADMIN_ERRORS = (*OPERATOR_ERRORS, ChannelAdminError, CAError, ConfigEditError, ConfigTransactionError,
                ConfigtxlatorError, ParticipationError, PeerAdminError, SnapshotError)
RERUN = "fix the cause and run the same command again: the steps already done are skipped"


def command(action: Callable[[argparse.Namespace], int | None],
            next_step: str | None = RERUN) -> Callable[[argparse.Namespace], int]:
    """A command handler whose operator-facing failures end in `next_step` (None: the error
    itself says what to do)."""
    def run(args: argparse.Namespace) -> int:
        try:
            return action(args) or 0
        except ADMIN_ERRORS as exc:
            raise CommandError(f"{exc}\n{next_step}" if next_step else str(exc)) from None
    return run


def known(lookup: Callable[[str], object], name: str) -> None:
    """Fails with the consortium's own message if `name` is unknown (an organisation, a channel)."""
    try:
        lookup(name)
    except KeyError as exc:
        raise CommandError(exc.args[0]) from None


def emit(document: object, as_json: bool) -> None:
    if as_json:
        print(json.dumps(document, indent=1))
    else:
        sys.stdout.write(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))


def add_update_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sign-as", action="append", metavar="ORG", dest="sign_as",
                        help="sign as this organisation's admin (repeatable; default: the fewest admins held "
                             "here that satisfy the channel's policies)")
    parser.add_argument("--output", type=Path, metavar="FILE",
                        help="do not submit: save the update (signed by --sign-as, if given) for others to sign "
                             "with `grootboek channel update sign` and submit with `... update submit`")


def apply_update(network: Network, args: argparse.Namespace, channel: str, edit: Edit, what: str) -> None:
    admin = ChannelAdmin(network)
    if args.output is None:
        admin.update(channel, edit, what, args.sign_as)
        return
    try:
        transaction = admin.prepare(channel, edit)
    except NoChanges:
        print(f"channel {channel} is already so: nothing to save", file=sys.stderr)
        return
    signers = args.sign_as or ([network.member] if network.member else [])  # a member signs as itself
    admin.sign(transaction, signers)
    transaction.save(args.output)
    print(f"saved to {args.output}; signed by: {', '.join(signers) or 'nobody yet'}\n"
          f"next: `grootboek channel update sign {args.output} --org ORG` for each organisation that must "
          f"sign (`grootboek channel update show {args.output}` says who), then "
          f"`grootboek channel update submit {args.output}`", file=sys.stderr)


def load_transaction(path: Path) -> ConfigTransaction:
    try:
        return ConfigTransaction.load(path)
    except ConfigTransactionError as exc:
        raise CommandError(str(exc)) from None
