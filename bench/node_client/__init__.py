"""The official Fabric Gateway Node client (`@hyperledger/fabric-gateway`), driven from Python.

Its packages install into this directory's node_modules with `npm ci` from the committed lock,
on first use (or when the lock changed), so a fresh machine needs only Node and npm. Scripts:
`interop.js` (one transaction, JSON in and out) and `worker.js` (the client bench's load worker).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from grootboek.progress import Progress

DIRECTORY = Path(__file__).resolve().parent
LOCK = DIRECTORY / "package-lock.json"
# npm ci writes this copy of the lock last, so it also tells a finished install from a broken one.
INSTALLED_LOCK = DIRECTORY / "node_modules" / ".package-lock.json"


def ensure_installed(progress: Progress) -> None:
    """Runs `npm ci` unless node_modules is newer than the lock. pkcs11js (HSM signing, an
    optional dependency with a native build) is left out: the bench signs with keys in memory."""
    if INSTALLED_LOCK.exists() and INSTALLED_LOCK.stat().st_mtime >= LOCK.stat().st_mtime:
        return
    with progress.step("npm ci in bench/node_client (the official Node Gateway client)"):
        # npm's own output goes to the real stderr so its progress shows, also under pytest.
        subprocess.run([_tool("npm"), "ci", "--omit=optional", "--no-audit", "--no-fund"],
                       cwd=DIRECTORY, check=True, stdin=subprocess.DEVNULL,
                       stdout=sys.__stderr__, stderr=sys.__stderr__)


def command(script: str) -> list[str]:
    """The command line that runs one of this directory's scripts."""
    return [_tool("node"), str(DIRECTORY / script)]


def run(script: str, params: dict[str, Any], timeout: float = 120.0) -> dict[str, Any]:
    """Runs a one-shot script with `params` as JSON on stdin and returns its JSON output."""
    done = subprocess.run(command(script), input=json.dumps(params), capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} not found on PATH: install Node.js 20 or newer with npm")
    return path
