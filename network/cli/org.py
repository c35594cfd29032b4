"""`grootboek org ...`: organisations joining and leaving the running network's channels."""
from __future__ import annotations

import argparse
from pathlib import Path

from grootboek.network.admin import organizations
from grootboek.network.cli.support import CommandError, apply_update, command, emit, known, open_network


def cmd_add(args: argparse.Namespace) -> None:
    network = open_network(args)
    for channel in args.channel:
        known(network.consortium.channel, channel)
    if args.output and not network.member:
        raise CommandError("--output is for members (`grootboek --org NAME org add ...`); here every admin signs")
    if network.member:
        # A member proposes the newcomer (as the consortium file now has it, its definition
        # imported); the others sign on their own hosts; the newcomer starts its own nodes.
        known(network.consortium.organization, args.name)
        if args.output and len(args.channel) > 1:
            raise CommandError("--output holds the update of one channel: give one --channel per file")
        for channel in args.channel:
            edit = organizations.admission(network, args.name)
            apply_update(network, args, channel, edit, f"adding {args.name} to channel {channel}")
        return
    if not args.domain:
        raise CommandError("give the newcomer's --domain, e.g. groningen.grootboek.nl")
    org = organizations.new_organization(network.consortium, args.name, args.msp_id or f"{args.name}MSP",
                                         args.domain, args.description, args.peers)
    network = organizations.add_organization(network, org, args.channel, args.sign_as)
    added = network.consortium.organization(args.name)
    print(f"{added.name} ({added.msp_id}) is a member of {', '.join(args.channel)}; "
          f"peers: {', '.join(p.id for p in network.layout.peers(added))}")


def cmd_remove(args: argparse.Namespace) -> None:
    network = open_network(args)
    known(network.consortium.organization, args.name)
    for channel in args.channel or []:
        known(network.consortium.channel, channel)
    network = organizations.remove_organization(network, args.name, args.channel, args.sign_as)
    print(f"{args.name} removed from {', '.join(args.channel) if args.channel else 'all its channels'}")


def cmd_list(args: argparse.Namespace) -> None:
    network = open_network(args)
    emit([{"name": o.name, "msp_id": o.msp_id, "domain": o.domain,
           "peers": [p.id for p in network.layout.peers(o)],
           "channels": [c.name for c in network.consortium.channels_of(o)]}
          for o in network.consortium.organizations], args.json)


def register(groups: argparse._SubParsersAction) -> None:
    org = groups.add_parser("org", help="add organisations to channels of the running network, or remove them")
    sub = org.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = sub.add_parser("add", help="a new organisation: crypto, CA and peers started, added to channels "
                                     "(config update signed by a majority), chaincodes approved")
    add.add_argument("name", help="e.g. Groningen")
    add.add_argument("--domain", help="e.g. groningen.grootboek.nl (a member's newcomer has it in the consortium file)")
    add.add_argument("--msp-id", help="default: NAME + MSP")
    add.add_argument("--description", default="")
    add.add_argument("--peers", type=int, default=1, help="number of peers (default 1)")
    add.add_argument("--channel", action="append", required=True, help="channel to join (repeatable)")
    add.add_argument("--sign-as", action="append", metavar="ORG",
                     help="admins that sign the config updates (default: the fewest that satisfy the policy)")
    add.add_argument("--output", type=Path, metavar="FILE",
                     help="as a member (`--org NAME`): save the update, signed by you, for the other members to "
                          "sign (`channel update sign`) and submit; the newcomer is in the consortium file and "
                          "its definition imported")
    add.set_defaults(handler=command(cmd_add))

    remove = sub.add_parser("remove", help="remove an organisation from channels (all: it leaves the network)")
    remove.add_argument("name")
    remove.add_argument("--channel", action="append", help="only from this channel (repeatable)")
    remove.add_argument("--sign-as", action="append", metavar="ORG")
    remove.set_defaults(handler=command(cmd_remove))

    listing = sub.add_parser("list", help="organisations, their peers and channels")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=command(cmd_list))
