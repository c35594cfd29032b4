"""`make bench`: every benchmark in turn (each prints its table and saves bench/results/*.json)."""
from __future__ import annotations

import importlib
import sys

BENCHES = ["bringup", "shim", "chaincode", "payments", "client", "rest_gateway", "hostile_clients", "counter",
           "footprint", "growth", "faults", "apps", "office_import"]


def main() -> int:
    failed = []
    for name in BENCHES:
        print(f"\n=== bench.{name} ===", flush=True)
        module = importlib.import_module(f"bench.{name}")
        sys.argv = [f"bench.{name}"]
        try:
            module.main()
        except Exception as exc:  # report and go on with the other benchmarks
            print(f"bench.{name} failed: {type(exc).__name__}: {exc}")
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
