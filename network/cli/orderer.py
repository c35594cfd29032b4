"""`grootboek orderer ...`: orderers joining and leaving channels' Raft clusters."""
from __future__ import annotations

import argparse

from grootboek.network.admin import orderers_admin
from grootboek.network.cli.support import command, emit, known, open_network


def cmd_add(args: argparse.Namespace) -> None:
    network = open_network(args)
    for channel in args.channel:
        known(network.consortium.channel, channel)
    network = orderers_admin.add_orderer(network, orderers_admin.new_orderer(network.consortium, args.name),
                                         args.channel)
    print(f"{args.name} is a Raft member of {', '.join(args.channel)}")


def cmd_remove(args: argparse.Namespace) -> None:
    network = open_network(args)
    for channel in args.channel or []:
        known(network.consortium.channel, channel)
    orderers_admin.remove_orderer(network, args.name, args.channel)
    print(f"{args.name} removed from {', '.join(args.channel) if args.channel else 'all its channels'}")


def cmd_list(args: argparse.Namespace) -> None:
    network = open_network(args)
    consortium = network.consortium
    emit([{"name": o.name, "address": network.layout.address(o.port),
           "channels": [c.name for c in consortium.channels if o in consortium.channel_orderers(c)]}
          for o in consortium.orderers], args.json)


def register(groups: argparse._SubParsersAction) -> None:
    orderer = groups.add_parser("orderer", help="add orderers to channels' Raft clusters, or remove them")
    sub = orderer.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = sub.add_parser("add", help="a new orderer, started and made a Raft member of channels")
    add.add_argument("name", help="e.g. orderer3")
    add.add_argument("--channel", action="append", required=True, help="channel to serve (repeatable)")
    add.set_defaults(handler=command(cmd_add))

    remove = sub.add_parser("remove", help="remove an orderer from channels (all: its process stops)")
    remove.add_argument("name")
    remove.add_argument("--channel", action="append", help="only from this channel (repeatable)")
    remove.set_defaults(handler=command(cmd_remove))

    listing = sub.add_parser("list", help="orderers and the channels they serve")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=command(cmd_list))
