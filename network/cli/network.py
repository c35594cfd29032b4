"""`grootboek network ...` commands, with `up`, `down`, `status` and `logs` also at the top level."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from grootboek.network.admin.lifecycle import Lifecycle
from grootboek.network.cli import compose, status_check
from grootboek.network.cli.support import OPERATOR_ERRORS, CommandError, guard, open_network
from grootboek.network.config import consortium as consortium_file
from grootboek.network.nodes.network import Network
from grootboek.network.nodes.supervisor import request

def cmd_up(args: argparse.Namespace) -> int:
    network = open_network(args)
    try:
        network.up()
    except OPERATOR_ERRORS as exc:
        raise CommandError(f"{exc}\nprocesses that did start are still running for inspection "
                           f"(`grootboek logs NODE`); stop them with `grootboek down`") from None
    with_api = [org for org in network.consortium.organizations if org.api]
    if with_api:
        print("REST gateways (OpenAPI docs at /docs; each serves TLS from its organisation's TLS CA,\n"
              f"  {network.layout.root}/crypto/<Org>/tlsca/cert.pem):")
        for org in with_api:
            print(f"  {org.name:14} {network.gateway_url(org)}")
        org, user = with_api[0], (with_api[0].users[0].name if with_api[0].users else "admin")
        print(f"An API token for a user: grootboek api user add --org {org.name} {user} && "
              f"grootboek api token issue --org {org.name} {user}")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    network = open_network(args)
    killed = network.down(purge=args.purge)
    if killed:
        print(f"the supervisor was gone; stopped {len(killed)} leftover process(es)", file=sys.stderr)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    network = open_network(args)
    if args.check:
        return status_check.check(args, network)
    nodes = network.status()
    if args.json:
        print(json.dumps([n.__dict__ for n in nodes], indent=1))
        return 0
    if not any(n.running for n in nodes):
        print(f"network {network.consortium.name} is not running (state: {network.layout.root})")
        return 3
    print(f"{'NODE':24} {'PID':>7} {'HEALTH':8} {'RESTARTS':>8}  PORTS / HEIGHTS")
    for n in nodes:
        health = "-" if n.healthy is None else ("ok" if n.healthy else "FAILING")
        if not n.running:
            health = "stopped"
        ports = " ".join(f"{k}={v}" for k, v in n.ports.items())
        heights = " ".join(f"{k}@{v}" for k, v in sorted(n.heights.items()))
        print(f"{n.name:24} {n.pid or '-':>7} {health:8} {n.restarts:>8}  {ports} {heights}".rstrip())
        if n.last_error and health != "ok":
            print(f"{'':24} last error: {n.last_error}")
    return 0


def cmd_logs(args: argparse.Namespace) -> int:
    network = open_network(args)
    path = network.log_file(args.node)
    lines = path.read_text(errors="replace").splitlines()[-args.lines:]
    print("\n".join(lines))
    if args.follow:
        with open(path, errors="replace") as handle:
            handle.seek(0, os.SEEK_END)
            try:
                while True:
                    line = handle.readline()
                    if line:
                        sys.stdout.write(line)
                        sys.stdout.flush()
                    else:
                        time.sleep(0.2)
            except KeyboardInterrupt:
                return 0
    return 0


def cmd_node(args: argparse.Namespace) -> int:
    network = open_network(args)
    owner = network.owner_of(args.node)
    if owner is not None and not network.runs(owner):
        raise CommandError(f"{args.node} is {owner}'s node: only {owner} starts and stops it, on its own hosts "
                           f"(you run {network.member})")
    reply = request(network.run_dir, {"cmd": args.action, "name": args.node})
    proc = reply["process"]
    print(f"{proc['name']}: {'running, pid ' + str(proc['pid']) if proc['running'] else 'stopped'}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validates a consortium file (and that its ports are free) without starting anything."""
    consortium = consortium_file.load(args.consortium)
    problems = consortium.ports_in_use() if args.ports else []
    if problems:
        raise CommandError("; ".join(problems))
    print(f"{args.consortium}: ok ({len(consortium.organizations)} organisations, "
          f"{len(consortium.channels)} channels, {sum(1 for _ in consortium.ports())} ports)")
    return 0


def cmd_chaincode_deploy(args: argparse.Namespace) -> int:
    """Converges to the consortium file: new chaincodes are deployed, changed versions and
    sequences upgraded (their servers restart with the new package), the rest is left alone."""
    network = open_network(args, prefer_state=False)
    network.up()
    return cmd_chaincode_list(args, network)


def cmd_chaincode_list(args: argparse.Namespace, network: Network | None = None) -> int:
    network = network or open_network(args)
    with Lifecycle(network) as cycle:
        statuses = cycle.status()
    name = getattr(args, "name", None)
    if name:
        statuses = [s for s in statuses if s.name == name]
        if not statuses:
            raise CommandError(f"no chaincode {name!r} in the consortium")
    if getattr(args, "json", False):
        print(json.dumps([s.__dict__ for s in statuses], indent=1))
        return 0
    for s in statuses:
        committed = (f"committed {s.committed_version} (sequence {s.committed_sequence})"
                     if s.committed_sequence else "not committed")
        wanted = "" if (s.committed_version, s.committed_sequence) == (s.version, s.sequence) \
            else f"; configured {s.version} (sequence {s.sequence})"
        print(f"{s.channel}/{s.name}: {committed}{wanted}")
        print(f"  package   {s.package_id}")
        print("  approvals " + ", ".join(f"{org} {'yes' if ok else 'NO'}" for org, ok in sorted(s.approvals.items())))
        print("  installed " + ", ".join(f"{peer} {'yes' if ok else 'NO'}" for peer, ok in sorted(s.installed.items())))
    return 0


def _add_commands(sub: argparse._SubParsersAction) -> None:
    up = sub.add_parser("up", help="start the network (from zero, or resuming existing ledgers)")
    up.set_defaults(handler=guard(cmd_up))
    down = sub.add_parser("down", help="stop every process the network started (ledgers kept)")
    down.add_argument("--purge", action="store_true", help="also delete the state directory")
    down.set_defaults(handler=guard(cmd_down))
    status = sub.add_parser("status", help="each node: pid, ports, health, height per channel")
    status.add_argument("--json", action="store_true")
    status_check.add_options(status)
    status.set_defaults(handler=guard(cmd_status))
    logs = sub.add_parser("logs", help="show a node's log")
    logs.add_argument("node", help="node name, e.g. peer0.municipality, orderer1, cc-budgets.merchants")
    logs.add_argument("-n", "--lines", type=int, default=50)
    logs.add_argument("-f", "--follow", action="store_true")
    logs.set_defaults(handler=guard(cmd_logs))


def register(groups: argparse._SubParsersAction) -> None:
    _add_commands(groups)  # top-level shortcuts: grootboek up / down / status / logs
    network = groups.add_parser("network", help="start, stop and inspect the Fabric network")
    sub = network.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_commands(sub)
    compose.register(sub)
    for action, text in (("stop", "stop one node (it stays down until started)"), ("start", "start a stopped node")):
        node = sub.add_parser(action, help=text)
        node.add_argument("node")
        node.set_defaults(handler=guard(cmd_node), action=action)
    chaincode = groups.add_parser("chaincode", help="chaincode lifecycle: deploy, upgrade, list, approvals")
    cc = chaincode.add_subparsers(dest="command", required=True, metavar="COMMAND")
    deploy = cc.add_parser("deploy", help="deploy or upgrade to what the consortium file says "
                                          "(raise version and sequence there to upgrade)")
    deploy.set_defaults(handler=guard(cmd_chaincode_deploy))
    for command, text in (("list", "every chaincode: committed definition, approvals, installs"),
                          ("status", "one chaincode: committed definition, approvals per organisation")):
        parser = cc.add_parser(command, help=text)
        if command == "status":
            parser.add_argument("name")
        parser.add_argument("--json", action="store_true")
        parser.set_defaults(handler=guard(cmd_chaincode_list))
    check = sub.add_parser("check", help="validate a consortium file without starting anything")
    check.add_argument("--ports", action="store_true", help="also check that its ports are free")
    check.set_defaults(handler=guard(cmd_check))
