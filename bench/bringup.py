"""Network bring-up: time from zero to ready and to a first committed transaction (binaries
cached), and each process's idle RSS.

Side by side in one run: our default consortium (3 Raft orderers, 3 organisations, CAs, the
conformance chaincode on both channels) and the reference topology of our notes (the same
organisations with one orderer: 5-8 s and ~350 MiB measured before), each from zero and resumed.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench import report
from grootboek.network.config import consortium as consortium_file
from grootboek.network.nodes import binaries, supervisor
from grootboek.network.nodes.network import Network
from grootboek.progress import Progress

from tests.integration.conftest import with_conformance  # the test consortium, shared on purpose


def consortium(orderers: int):
    data = with_conformance(consortium_file.load().model_dump())
    data["orderer_organization"]["orderers"] = data["orderer_organization"]["orderers"][:orderers]
    return consortium_file.with_free_ports(consortium_file.parse(data))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def measure(name: str, orderers: int, settle: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="grootboek-bench-") as tmp:
        network = Network(consortium(orderers), Path(tmp) / "state", Progress.quiet())
        try:
            started = time.monotonic()
            network.up()
            from_zero = time.monotonic() - started
            with network.gateway("Municipality") as gateway:
                gateway.network("kadaster").contract("conformance").submit("State:put", ["bench", "1"])
            first_tx = time.monotonic() - started
            time.sleep(settle)  # idle: let start-up garbage settle before reading memory
            processes = supervisor.request(network.run_dir, {"cmd": "status"})["processes"]
            rss = {p["name"]: rss_kib(p["pid"]) // 1024 for p in processes if p["pid"]}
            network.down()
            started = time.monotonic()
            network.up()
            resumed = time.monotonic() - started
        finally:
            network.down()
    return {"topology": name, "from_zero_s": from_zero, "first_tx_s": first_tx, "resume_s": resumed,
            "processes": len(rss), "total_rss_mib": sum(rss.values()), "rss_mib": rss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=5.0, help="idle seconds before reading RSS")
    args = parser.parse_args()
    binaries.ensure(Progress())
    rows = [measure("default: 3 orderers", 3, args.settle), measure("reference: 1 orderer", 1, args.settle)]
    print(report.table(rows, ["topology", "from_zero_s", "first_tx_s", "resume_s", "processes", "total_rss_mib"]))
    for row in rows:
        print(f"\n{row['topology']} idle RSS (MiB): " + ", ".join(f"{k} {v}" for k, v in sorted(row["rss_mib"].items())))
    print(f"\nsaved {report.save('bringup', {'runs': rows})}")


if __name__ == "__main__":
    main()
