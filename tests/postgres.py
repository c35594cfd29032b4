"""A real PostgreSQL server for the tests (Debian's, /usr/lib/postgresql/<version>/bin; `make
test-tools` installs it): initdb into a fresh directory, `pg_ctl start` on a free port of 127.0.0.1
with its unix socket in that directory, a password for its one user (so the read model's
`password_file` is used as in production), each test its own database.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the `postgres`
system user (`runuser`), in a directory of /tmp that user owns, since pytest's own temporary
directories are closed to other users.
"""
from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import psycopg

from tests.ports import free_port

USER = "grootboek"
SERVICE_USER = "postgres"
"""The system user the server runs as when the tests run as root."""


def binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("PostgreSQL's server is not installed (/usr/lib/postgresql/*/bin/pg_ctl): "
                           "run `make test-tools`, which installs Debian's postgresql package")
    return found[-1].parent


@dataclass
class Server:
    port: int
    password_file: Path
    _names: Iterator[int]
    _pg_ctl: list
    """pg_ctl as the server's user, with its data directory and log."""
    _options: str
    """The server's own options (port, socket directory, settings)."""

    def url(self, database: str) -> str:
        """The database's URL, without the password (that is in `password_file`)."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def password(self) -> str:
        return self.password_file.read_text().strip()

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(database), password=self.password(), autocommit=True)

    def new_database(self) -> str:
        """A new, empty database; its name."""
        name = f"test_{next(self._names)}"
        with self.connect() as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return name

    def start(self) -> None:
        """Starts it and waits until it takes connections."""
        subprocess.run([*self._pg_ctl, "start", "-w", "-t", "60", "-o", self._options], check=True,
                       capture_output=True)

    def stop(self) -> None:
        """Stops it (its clients' connections end) and waits until it is gone."""
        subprocess.run([*self._pg_ctl, "stop", "-m", "fast", "-w"], check=True, capture_output=True)

    @contextmanager
    def down(self) -> Iterator[None]:
        """Stopped for the duration of the block, started again after it (an outage)."""
        self.stop()
        try:
            yield
        finally:
            self.start()


@contextmanager
def running() -> Iterator[Server]:
    """A server for the duration of the block; stopped and its directory removed after it."""
    bin_dir = binaries()
    as_root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="grootboek-postgres-"))
    run_as = ["runuser", "-u", SERVICE_USER, "--"] if as_root else []
    data = folder / "data"
    password_file = folder / "password"
    password_file.write_text(os.urandom(12).hex() + "\n")
    if as_root:
        shutil.chown(folder, SERVICE_USER)
        shutil.chown(password_file, SERVICE_USER)
    port = free_port()
    # fsync off: a test server's data need not survive a power cut.
    server = Server(port, password_file, itertools.count(),
                    [*run_as, bin_dir / "pg_ctl", "-D", data, "-l", folder / "server.log"],
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200")
    started = False
    try:
        try:
            subprocess.run([*run_as, bin_dir / "initdb", "-D", data, "-U", USER, "--pwfile", password_file,
                            "--auth=scram-sha-256", "--encoding=UTF8", "--no-instructions"],
                           check=True, capture_output=True)
            server.start()
        except subprocess.CalledProcessError as failed:
            log = folder / "server.log"
            raise RuntimeError(f"PostgreSQL did not start: {failed.stderr.decode(errors='replace')}"
                               f"{log.read_text() if log.exists() else ''}") from None
        started = True
        yield server
    finally:
        if started:
            server.stop()
        shutil.rmtree(folder)
