"""Backup and restore of one member's state: what a municipality needs to rebuild its nodes on a
fresh host after losing the old one.

A backup is a directory `<consortium>-<org>-<UTC time>/` holding `state/`, laid out like the state
directory, and `manifest.json` (what, when, and the sha256 of every file):

- configuration: consortium.yaml, the genesis blocks of the member's channels, its connection
  profile, the nodes' configuration files;
- crypto: crypto/<Org>/ (keys, certificates, the CA registrar's secret);
- the Fabric CA's home and the REST gateway's directory while they run: their SQLite databases
  through SQLite's online backup API (a consistent copy, never a file copy of a database that is
  being written), the rest (the gateway's wallet, the CA's keys) as files;
- the ledgers: each peer (or orderer) is stopped alone for as long as copying its data directory
  takes, then started again; it catches up from the orderers in seconds. The member's other nodes
  and the other members keep running. A Fabric ledger snapshot would not do: it holds no private
  data, and the member's personal records exist on its own peers only.

The backup is written under a `.partial` name and renamed once its manifest is written, so a
directory with a manifest is a whole backup. `restore` checks every file against the manifest
before it writes anything, and writes only where the member has no state yet.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from grootboek.network.config import ca
from grootboek.network.nodes import gateways, supervisor
from grootboek.network.nodes.network import Network
from grootboek.network.nodes.readiness import OperationsEndpoint, wait_for
from grootboek.progress import Progress

FORMAT = 1
MANIFEST = "manifest.json"
STATE = "state"
SQLITE_HEADER = b"SQLite format 3\x00"
# A database's companions: the online backup folds them into the copy.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
LEDGERS = ("each node's data directory copied while that node alone was stopped, then started again "
           "(not a ledger snapshot: snapshots hold no private data)")
CHUNK = 1 << 20


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message names the file or node and what to do."""


@dataclass(frozen=True)
class Node:
    """A node whose data directory is copied while it is stopped."""

    name: str
    operations: OperationsEndpoint


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_sqlite(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _sqlite_companion(path: Path) -> bool:
    for suffix in SQLITE_COMPANIONS:
        if path.name.endswith(suffix):
            database = path.with_name(path.name.removesuffix(suffix))
            return database.exists() and is_sqlite(database)
    return False


class Backup:
    """Writes one member's backup from a network's state directory (see the module docstring)."""

    def __init__(self, network: Network, org_name: str, progress: Progress | None = None):
        self.network = network
        try:
            self.org_name = network.consortium.member(org_name).name
        except KeyError as exc:
            raise BackupError(exc.args[0]) from None
        self.progress = progress or network.progress
        self.layout = network.layout
        self.files: dict[str, dict] = {}

    # -- what belongs to the member -----------------------------------------------------------

    def live_parts(self) -> list[Path]:
        """What is copied while it runs: configuration, crypto, the CA's and the gateway's homes."""
        consortium, layout = self.network.consortium, self.layout
        parts = [layout.consortium_file, layout.crypto(self.org_name).root]
        if consortium.member(self.org_name) is consortium.orderer_organization:
            channels = consortium.channels
        else:
            org = consortium.organization(self.org_name)
            channels = consortium.channels_of(org)
            parts += [layout.profile(org.name), ca.home(layout, org)]
            if org.api:
                parts.append(gateways.api_dir(layout, org))
        parts += [layout.channel_block(c.name) for c in channels]
        return [p for p in parts if p.exists()]

    def nodes(self) -> list[Node]:
        consortium, network = self.network.consortium, self.network
        member = consortium.member(self.org_name)
        orderers = [Node(o.name, network.orderer_operations(o)) for o in member.orderers]
        if member is consortium.orderer_organization:
            return orderers
        return orderers + [Node(p.id, network.peer_operations(p)) for p in self.layout.peers(member)]

    # -- writing ------------------------------------------------------------------------------

    def write(self, output: Path) -> Path:
        """Writes the backup into a new directory under `output`; returns it."""
        created = datetime.now(timezone.utc)
        name = f"{self.network.consortium.name}-{self.org_name.lower()}-{created:%Y%m%dT%H%M%SZ}"
        final = output / name
        partial = output / f"{name}.partial"
        if final.exists() or partial.exists():
            raise BackupError(f"{final} exists already: wait a second, or back up elsewhere")
        partial.mkdir(parents=True)
        try:
            with self.progress.step(f"backing up {self.org_name} from {self.layout.root} to {final}"):
                for part in self.live_parts():
                    with self.progress.step(f"copying {part.relative_to(self.layout.root)}"):
                        self._copy(part, partial)
                for node in self.nodes():
                    with self.progress.step(f"copying the ledgers of {node.name} while it is stopped"):
                        self._copy_stopped(node, partial)
                manifest = {
                    "format": FORMAT, "consortium": self.network.consortium.name, "organization": self.org_name,
                    "created": created.isoformat(), "source": str(self.layout.root), "ledgers": LEDGERS,
                    "nodes": [n.name for n in self.nodes()],
                    "paths": sorted({str(p.relative_to(self.layout.root)) for p in self.live_parts()}
                                    | {f"nodes/{n.name}" for n in self.nodes()}),
                    "files": dict(sorted(self.files.items())),
                }
                (partial / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
            os.replace(partial, final)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        return final

    def _copy(self, source: Path, backup: Path) -> None:
        paths = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
        for number, path in enumerate(paths, 1):
            if _sqlite_companion(path):
                continue
            relative = path.relative_to(self.layout.root)
            target = backup / STATE / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if is_sqlite(path):
                # Read-only, so the backup never creates or changes anything next to the live database.
                with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as live, \
                        closing(sqlite3.connect(target)) as copy:
                    live.backup(copy)
                os.chmod(target, path.stat().st_mode & 0o777)
            else:
                shutil.copy2(path, target)
            self.files[f"{STATE}/{relative}"] = {"sha256": sha256(target), "size": target.stat().st_size}
            self.progress.update(f"{number}/{len(paths)} files of {source.relative_to(self.layout.root)}")

    def _copy_stopped(self, node: Node, backup: Path) -> None:
        run_dir = self.layout.run_dir
        if supervisor.is_running(run_dir):
            running = next((p["running"] for p in supervisor.request(run_dir, {"cmd": "status"})["processes"]
                            if p["name"] == node.name), False)
            if running:
                supervisor.request(run_dir, {"cmd": "stop", "name": node.name})
            try:
                self._copy(self.layout.node_dir(node.name), backup)
            finally:
                if running:
                    supervisor.request(run_dir, {"cmd": "start", "name": node.name})
            if running:
                wait_for(node.operations.healthy, f"{node.name} healthy again after its copy", timeout=120)
        elif node.operations.healthy():
            raise BackupError(f"{node.name} runs outside grootboek's supervisor (under systemd?): its ledgers "
                              f"can only be copied while it is stopped. Stop it (systemctl stop ...), back up, "
                              f"start it again")
        else:
            self._copy(self.layout.node_dir(node.name), backup)


# -- restoring ----------------------------------------------------------------------------------


def read_manifest(backup: Path) -> dict:
    path = backup / MANIFEST
    if not path.is_file():
        raise BackupError(f"{backup}: no {MANIFEST}, so not a whole backup (a `.partial` directory is one "
                          f"that did not finish)")
    try:
        manifest = json.loads(path.read_text())
    except ValueError as exc:
        raise BackupError(f"{path}: not valid JSON ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: format {manifest.get('format')!r}, this grootboek reads format {FORMAT}")
    return manifest


def verify(backup: Path, progress: Progress | None = None) -> dict:
    """The manifest, once every file in the backup matches it and nothing else is there."""
    manifest = read_manifest(backup)
    listed = manifest["files"]
    present = {str(p.relative_to(backup)) for p in (backup / STATE).rglob("*") if p.is_file()}
    unlisted = sorted(present - set(listed))
    if unlisted:
        raise BackupError(f"{backup}: {unlisted[0]} is not in the manifest ({len(unlisted)} such files): "
                          f"the backup was changed after it was written")
    for number, (relative, entry) in enumerate(listed.items(), 1):
        path = backup / relative
        if not path.is_file():
            raise BackupError(f"{backup}: {relative} is missing")
        if sha256(path) != entry["sha256"]:
            raise BackupError(f"{backup}: {relative} is damaged (its sha256 differs from the manifest's)")
        if progress:
            progress.update(f"checked {number}/{len(listed)} files")
    return manifest


def restore(backup: Path, state_dir: Path, progress: Progress | None = None) -> dict:
    """Checks the backup, then writes it into `state_dir`, which must not hold the member's state
    (shared files, such as consortium.yaml and genesis blocks, may be there when identical).
    Returns the manifest."""
    progress = progress or Progress.quiet()
    with progress.step(f"checking {backup} against its manifest"):
        manifest = verify(backup, progress)
    state_dir = state_dir.resolve()
    files = {relative.removeprefix(f"{STATE}/"): backup / relative for relative in manifest["files"]}
    for relative in manifest["paths"]:
        target = state_dir / relative
        if target.is_dir() and any(target.iterdir()):
            raise BackupError(f"{target} exists: restore onto a state directory without {manifest['organization']}'s "
                              f"state (move it away first; its nodes must be stopped)")
        if target.is_file() and target.read_bytes() != files[relative].read_bytes():
            raise BackupError(f"{target} exists and differs from the backup's: restore onto a fresh state "
                              f"directory, or move it away first")
    with progress.step(f"restoring {manifest['organization']}'s state into {state_dir}"):
        for number, (relative, source) in enumerate(sorted(files.items()), 1):
            target = state_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            progress.update(f"restored {number}/{len(files)} files")
    return manifest
