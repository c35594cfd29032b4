"""`grootboek cert ...`: every certificate of the members in the state directory with its expiry,
a check for cron that fails on those about to expire, and renewal (network/admin/certificates.py)."""
from __future__ import annotations

import argparse
import json

from grootboek.network.admin.certificates import CertificateError, Renewal, expiring, inventory
from grootboek.network.cli.support import CommandError, command, open_network

DEFAULT_WARN_DAYS = 30


def cmd_list(args: argparse.Namespace) -> int:
    held = inventory(open_network(args).layout)
    if args.json:
        print(json.dumps([c.summary() for c in held], indent=1))
        return 0
    print(f"{'OWNER':36} {'KIND':9} {'ISSUER':9} {'NOT AFTER':10} {'DAYS':>5}  SUBJECT")
    for c in held:
        s = c.summary()
        print(f"{c.owner:36} {c.kind:9} {s['issuer']:9} {c.not_after:%Y-%m-%d} {c.days_left():>5}  {c.subject}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    if args.warn_days < 0:
        raise CommandError(f"--warn-days {args.warn_days}: give a number of days, 0 or more")
    soon = expiring(inventory(open_network(args).layout), args.warn_days)
    for c in soon:
        when = "expired" if c.days_left() < 0 else f"expires in {c.days_left()} days"
        print(f"certificate {c.kind} of {c.owner} {when} ({c.not_after:%Y-%m-%d}): "
              f"grootboek cert renew {c.owner}")
    return 1 if soon else 0


def cmd_renew(args: argparse.Namespace) -> int:
    network = open_network(args)
    try:
        renewed = Renewal(network).renew(args.owner)
    except CertificateError as exc:
        raise CommandError(str(exc)) from None
    for c in renewed:
        print(f"renewed {c.kind} certificate of {c.owner}: valid until {c.not_after:%Y-%m-%d} ({c.path})")
    return 0


def register(groups: argparse._SubParsersAction) -> None:
    cert = groups.add_parser("cert", help="certificates of the members here: list, check expiry, renew")
    sub = cert.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = sub.add_parser("list", help="every certificate: owner, kind, issuer, expiry, days left, subject")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=command(cmd_list, next_step=None))
    check = sub.add_parser("check", help="exit 1 with one line per certificate that expires within --warn-days")
    check.add_argument("--warn-days", type=int, default=DEFAULT_WARN_DAYS,
                       help=f"warn this many days ahead (default {DEFAULT_WARN_DAYS})")
    check.set_defaults(handler=command(cmd_check, next_step=None))
    renew = sub.add_parser("renew", help="renew an owner's certificates (re-enrol at the CA, or issue again) "
                                         "and restart that node alone")
    renew.add_argument("owner", help="as `cert list` shows it: a node (peer0.municipality, orderer1), "
                                     "ORG/USER (Municipality/officer)")
    renew.set_defaults(handler=command(cmd_renew))
