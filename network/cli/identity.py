"""`grootboek identity ...`: users registered and enrolled at their organisation's Fabric CA,
and revoked on the running network."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grootboek.client.identity import FileWallet
from grootboek.network.admin.ca_client import IDENTITY_TYPES
from grootboek.network.admin.identities import Identities
from grootboek.network.admin.revocation import publish_crl, revoke_user
from grootboek.network.cli.support import CommandError, command, emit, known, open_network
from grootboek.network.nodes.network import Network


def _attributes(pairs: list[str]) -> dict[str, str]:
    attributes = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CommandError(f"--attr {pair!r}: expected NAME=VALUE, e.g. role=officer")
        attributes[name] = value
    return attributes


def _identities(args: argparse.Namespace) -> tuple[Network, Identities]:
    network = open_network(args)
    known(network.consortium.organization, args.org)
    return network, Identities(network.layout, args.org)


def cmd_create(args: argparse.Namespace) -> None:
    network, identities = _identities(args)
    with network.progress.step(f"registering and enrolling {args.name} at the CA of {args.org}"):
        user = identities.create(args.name, type=args.type, attributes=_attributes(args.attr), secret=args.secret,
                                 msp_dir=args.msp_dir, write_msp=not args.no_msp,
                                 wallet=FileWallet(args.wallet) if args.wallet else None)
    where = [] if args.no_msp else [f"MSP directory {args.msp_dir or identities.crypto.user_dir(args.name) / 'msp'}"]
    if args.wallet:
        where.append(f"wallet {args.wallet} (label {args.name})")
    print(f"{args.name} enrolled in {user.msp_id} as {args.type}: {user.credentials.x509.subject.rfc4514_string()}")
    print(f"written to: {', '.join(where) or 'nowhere (--no-msp)'}")
    print(f"enrolment secret: {user.secret}")


def cmd_show(args: argparse.Namespace) -> None:
    record = _identities(args)[1].identity(args.name)
    if record is None:
        raise CommandError(f"{args.name} is not registered at the CA of {args.org}")
    emit(record, args.json)


def cmd_revoke(args: argparse.Namespace) -> None:
    network, identities = _identities(args)
    if args.no_publish:
        identities.revoke(args.name, args.reason)
        print(f"{args.name} revoked at the CA of {args.org}; publish the CRL with "
              f"`grootboek identity crl {args.org} --publish`")
        return
    channels = revoke_user(network, args.org, args.name, args.reason)
    print(f"{args.name} revoked; refused on {', '.join(channels) or 'no channel (the organisation is in none)'}")


def cmd_crl(args: argparse.Namespace) -> None:
    network, identities = _identities(args)
    crl = identities.crl()
    if args.output:
        args.output.write_bytes(crl)
    elif not args.publish:
        sys.stdout.write(crl.decode())
    if args.publish:
        channels = publish_crl(network, args.org, crl)
        print(f"CRL of {args.org} published on {', '.join(channels) or 'no channel'}", file=sys.stderr)


def register(groups: argparse._SubParsersAction) -> None:
    identity = groups.add_parser("identity", help="register, enroll and revoke users at their organisation's CA")
    sub = identity.add_subparsers(dest="command", required=True, metavar="COMMAND")

    create = sub.add_parser("create", help="register and enroll a user (re-running re-enrolls with the new "
                                           "attributes)")
    create.add_argument("org")
    create.add_argument("name")
    create.add_argument("--type", choices=IDENTITY_TYPES, default="client",
                        help="the certificate's NodeOU (default client)")
    create.add_argument("--attr", action="append", default=[], metavar="NAME=VALUE",
                        help="certificate attribute for chaincode, e.g. role=officer (repeatable)")
    create.add_argument("--secret", help="enrolment secret (default: generated)")
    create.add_argument("--msp-dir", type=Path, help="where to write the MSP directory "
                                                      "(default: crypto/ORG/users/NAME/msp in the state directory)")
    create.add_argument("--no-msp", action="store_true", help="write no MSP directory")
    create.add_argument("--wallet", type=Path, help="also put the identity in this wallet directory")
    create.set_defaults(handler=command(cmd_create))

    show = sub.add_parser("show", help="a user's registration at the CA (type, affiliation, attributes)")
    show.add_argument("org")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=command(cmd_show))

    revoke = sub.add_parser("revoke", help="revoke a user and publish the CRL on the organisation's channels")
    revoke.add_argument("org")
    revoke.add_argument("name")
    revoke.add_argument("--reason", default="", help="e.g. keycompromise, affiliationchanged")
    revoke.add_argument("--no-publish", action="store_true", help="only revoke at the CA")
    revoke.set_defaults(handler=command(cmd_revoke))

    crl = sub.add_parser("crl", help="the CA's current revocation list")
    crl.add_argument("org")
    crl.add_argument("--output", type=Path)
    crl.add_argument("--publish", action="store_true", help="put it on the organisation's channels")
    crl.set_defaults(handler=command(cmd_crl))
