"""`grootboek status --check`: one line per problem and exit 1, silent and 0 when all is well (what
cron wants); `--textfile FILE` also writes the metrics the Prometheus alert rules read
(network/monitoring/)."""
from __future__ import annotations

import argparse
from pathlib import Path

from grootboek.network.admin.certificates import inventory
from grootboek.network.cli.support import CommandError
from grootboek.network.monitoring import health, textfile
from grootboek.network.nodes.network import Network


def add_options(status: argparse.ArgumentParser) -> None:
    defaults = health.Thresholds()
    status.add_argument("--check", action="store_true",
                        help="print one line per problem and exit 1 if there is any (for cron)")
    status.add_argument("--warn-days", type=int, default=defaults.warn_days,
                        help=f"with --check: certificates expiring within this many days (default {defaults.warn_days})")
    status.add_argument("--max-drift", type=int, default=defaults.max_drift,
                        help=f"with --check: most blocks a channel's peers may be apart (default {defaults.max_drift})")
    status.add_argument("--min-free", type=float, default=defaults.min_free_percent, metavar="PERCENT",
                        help=f"with --check: least free disk under the state directory "
                             f"(default {defaults.min_free_percent:g} %%)")
    status.add_argument("--textfile", type=Path, metavar="FILE",
                        help="with --check: also write certificate expiry, restarts and free disk as Prometheus "
                             "metrics for node_exporter's textfile collector")


def check(args: argparse.Namespace, network: Network) -> int:
    try:
        thresholds = health.Thresholds(args.warn_days, args.max_drift, args.min_free)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    problems = health.problems(network, thresholds)
    if args.textfile is not None:
        textfile.write(args.textfile, textfile.render(inventory(network.layout), health.processes(network),
                                                      health.Disk.of(network.layout.root)))
    for line in problems:
        print(line)
    return 1 if problems else 0
