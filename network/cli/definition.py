"""`grootboek --org NAME definition ...`: a member's public definition, exported for the others and
imported from them (checked, summarised, accepted by its CA fingerprint); see
network/config/definitions.py for what it holds and what is checked."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grootboek.network.cli.support import CommandError, known, open_network
from grootboek.network.config import definitions
from grootboek.network.config.definitions import DefinitionError


def _member(args: argparse.Namespace) -> str:
    if not args.member:
        raise CommandError("say which organisation you run: `grootboek --org NAME definition ...`")
    return args.member


def cmd_export(args: argparse.Namespace) -> None:
    member = _member(args)
    network = open_network(args)
    known(network.consortium.member, member)
    network.create_crypto(member)
    document = definitions.export(network.layout, member)
    output = args.output or Path(f"{member}.definition.json")
    output.write_text(json.dumps(document, indent=1))
    definition = definitions.parse(document, str(output))
    print(definition.summary())
    print(f"wrote {output}; send it to the other members and tell them its CA fingerprint "
          f"{definition.ca_fingerprint} by another channel (e.g. by phone)", file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> None:
    member = _member(args)
    network = open_network(args)
    try:
        definition = definitions.load(args.file)
        definitions.check(definition, network.layout, member, str(args.file))
        print(definition.summary())
        definitions.accept(definition, network.layout, member, str(args.file), args.accept)
    except DefinitionError as exc:
        raise CommandError(str(exc)) from None
    print(f"imported {definition.name} into {network.layout.root}", file=sys.stderr)


def cmd_show(args: argparse.Namespace) -> None:
    try:
        print(definitions.load(args.file).summary())
    except DefinitionError as exc:
        raise CommandError(str(exc)) from None


def register(groups: argparse._SubParsersAction) -> None:
    group = groups.add_parser("definition", help="a member's public definition: export it, import the others'")
    sub = group.add_subparsers(dest="command", required=True, metavar="COMMAND")

    export = sub.add_parser("export", help="create your organisation's keys here (once) and write its signed "
                                           "public definition (certificates, admins, node endpoints)")
    export.add_argument("-o", "--output", type=Path, help="default: ORG.definition.json")
    export.set_defaults(handler=cmd_export)

    imported = sub.add_parser("import", help="check another member's definition, show it, and keep it if "
                                             "accepted by its CA fingerprint")
    imported.add_argument("file", type=Path)
    imported.add_argument("--accept", metavar="FINGERPRINT",
                          help="the CA fingerprint the member told you by another channel")
    imported.set_defaults(handler=cmd_import)

    show = sub.add_parser("show", help="a definition's summary: organisation, certificate fingerprints, endpoints")
    show.add_argument("file", type=Path)
    show.set_defaults(handler=cmd_show)
