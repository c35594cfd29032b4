"""The supervisor: one background process per network that starts every node, chaincode server,
CA and REST gateway, restarts what dies, and stops exactly what it started.

`grootboek up` writes the desired processes to run/processes.json and starts (or reloads) the
supervisor; the CLI talks to it over a Unix socket with one JSON request and one JSON reply per
connection. Each child gets GROOTBOEK_STATE_DIR in its environment, so even if the supervisor is
killed, `down` can recognise exactly its processes and no others. Each child leads its own process
group, and the whole group goes when it stops or dies: nothing it started (a worker, a helper)
keeps holding its ports for the restarted one. `status` gives a child that died its last error
line from its log, so a crash loop says why. The supervisor is single-threaded, reading its
callers' requests as they arrive and answering one at a time, because it forks our Python
processes from its own warmed-up interpreter (warm_start.py).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import selectors
import signal
import socket
import struct
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from . import warm_start

log = logging.getLogger(__name__)

MARKER = "GROOTBOEK_STATE_DIR"
MAX_LOG_BYTES = 20 * 1024 * 1024
STOP_TIMEOUT = 10.0
CONVERSATION_TIMEOUT = 5.0
MAX_REQUEST_BYTES = 64 * 1024
LOG_TAIL_BYTES = 64 * 1024
_ERROR_LINE = re.compile(r"error|erro\b|panic|fatal|exception|traceback|refus", re.IGNORECASE)


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: str | None = None
    stop_order: int = 0         # lower stops first (gateways before peers before orderers)
    restart: bool = True
    # For `python -m MODULE` processes: what MODULE.main imports lazily ("module" or
    # "module:attribute"). Non-empty, the process starts as a fork of the supervisor after it
    # imported MODULE and these (warm_start.py).
    warm: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, raw: dict) -> "ProcessSpec":
        # Fields a later version added are left out: its `up` can still reload this supervisor.
        return cls(**{f.name: raw[f.name] for f in fields(cls) if f.name in raw})


def python() -> str:
    """The interpreter our own Python processes run on: this environment's, spelled one way
    whatever path the caller was started with (a changed spelling would restart them on `up`)."""
    return str(Path(sys.prefix) / "bin" / "python")


def socket_address(run_dir: Path) -> str:
    # Abstract socket: no 108-character path limit for deep temporary state directories.
    return "\0grootboek-" + hashlib.sha256(str(run_dir.resolve()).encode()).hexdigest()[:32]


# -- client side ---------------------------------------------------------------------------------


class SupervisorError(RuntimeError):
    pass


def request(run_dir: Path, command: dict, timeout: float = 60.0) -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(socket_address(run_dir))
        except OSError as exc:
            raise SupervisorError(f"supervisor not reachable: {exc}") from None
        sock.sendall(json.dumps(command).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    reply = json.loads(data or b"{}")
    if not reply.get("ok"):
        raise SupervisorError(reply.get("error", "no reply from supervisor"))
    return reply


def daemon_pid(run_dir: Path) -> int | None:
    try:
        pid = int((run_dir / "supervisor.pid").read_text())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) else None


def is_running(run_dir: Path) -> bool:
    try:
        request(run_dir, {"cmd": "ping"}, timeout=5)
        return True
    except (SupervisorError, OSError, ValueError):
        return False


def write_specs(run_dir: Path, specs: list[ProcessSpec]) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    tmp = run_dir / "processes.json.tmp"
    tmp.write_text(json.dumps([asdict(s) for s in specs], indent=1))
    os.replace(tmp, run_dir / "processes.json")


def start_daemon(run_dir: Path, state_dir: Path) -> None:
    """Starts the supervisor detached from the caller's session and waits until it answers."""
    state_dir = state_dir.resolve()  # the marker its forked children show, as the others have it
    run_dir.mkdir(parents=True, exist_ok=True)
    log_path = state_dir / "logs" / "supervisor.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as out:
        proc = subprocess.Popen(
            [python(), "-m", "grootboek.network.nodes.supervisor", str(state_dir)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
            env={**os.environ, MARKER: str(state_dir)},
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SupervisorError(f"supervisor exited at start (code {proc.returncode}); see {log_path}")
        if is_running(run_dir):
            return
        time.sleep(0.05)
    raise SupervisorError(f"supervisor did not answer within 30 s; see {log_path}")


def marked_processes(state_dir: Path) -> list[int]:
    """Pids of live processes that carry this state directory's marker (ours, nothing else)."""
    marker = f"{MARKER}={state_dir}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            pids.append(int(entry.name))
    return pids


def terminate(pids: list[int], timeout: float = STOP_TIMEOUT) -> list[int]:
    """SIGTERM, then SIGKILL after `timeout`; returns the pids that were signalled."""
    signalled = []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
            signalled.append(pid)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(pid) for pid in signalled):
        time.sleep(0.05)
    for pid in signalled:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    return signalled


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


# -- daemon side ---------------------------------------------------------------------------------


class _Child:
    def __init__(self, spec: ProcessSpec):
        self.spec = spec
        self.proc: subprocess.Popen | warm_start.ForkedProcess | None = None
        self.wanted = True
        self.restarts = 0
        self.last_exit: int | None = None
        self.started_at = 0.0
        self.next_start = 0.0
        self.failures = 0
        self.last_error: str | None = None

    def status(self) -> dict:
        running = self.proc is not None and self.proc.poll() is None
        return {
            "name": self.spec.name,
            "pid": self.proc.pid if running and self.proc else None,
            "running": running,
            "wanted": self.wanted,
            "restarts": self.restarts,
            "last_exit": self.last_exit,
            "uptime": round(time.time() - self.started_at, 1) if running else None,
            "last_error": self.last_error,
        }


def last_error_line(log_file: Path) -> str | None:
    """The last line of the log's latest run that reads like an error, else its last line."""
    try:
        with open(log_file, "rb") as log_:
            log_.seek(max(0, log_file.stat().st_size - LOG_TAIL_BYTES))
            tail = log_.read().decode(errors="replace")
    except OSError:
        return None
    lines = [line.strip() for line in tail.split("\n--- ")[-1].splitlines()[1:] if line.strip()]
    errors = [line for line in lines if _ERROR_LINE.search(line)]
    return (errors or lines or [None])[-1]


def _signal_group(proc: subprocess.Popen | warm_start.ForkedProcess, signum: int) -> None:
    """Signals the child's whole process group (it leads one: start_new_session)."""
    try:
        os.killpg(proc.pid, signum)
    except (ProcessLookupError, PermissionError):  # the group is gone already
        pass


class Supervisor:
    def __init__(self, state_dir: Path):
        self.state_dir = state_dir.resolve()
        self.run_dir = self.state_dir / "run"
        self.pid_dir = self.run_dir / "pids"
        self.children: dict[str, _Child] = {}
        self.stopping = False
        self.warm = warm_start.WarmModules()

    # process control
    def _log_path(self, name: str) -> Path:
        return self.state_dir / "logs" / f"{name}.log"

    def _log_file(self, name: str) -> Path:
        path = self._log_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            os.replace(path, path.with_suffix(".log.1"))
        return path

    def _spawn(self, child: _Child) -> None:
        spec = child.spec
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/"),
               MARKER: str(self.state_dir), **spec.env}
        module = self._warm(spec)
        forked = bool(module) and warm_start.forkable(spec.env) and self.warm.current()
        with open(self._log_file(spec.name), "ab") as out:
            out.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%S')} starting {spec.name}\n".encode())
            out.flush()
            if forked:
                child.proc = warm_start.fork(spec.name, module, spec.argv, env, spec.cwd, out)  # type: ignore[arg-type]
            else:
                child.proc = subprocess.Popen(spec.argv, cwd=spec.cwd, env=env, stdin=subprocess.DEVNULL,
                                              stdout=out, stderr=out, start_new_session=True)
        child.started_at = time.time()
        self.pid_dir.mkdir(parents=True, exist_ok=True)
        (self.pid_dir / f"{spec.name}.pid").write_text(str(child.proc.pid))
        log.info("started", extra={"child": spec.name, "pid": child.proc.pid, "forked": forked})

    def _warm(self, spec: ProcessSpec) -> str | None:
        """The module to fork `spec` from, its code imported here; None: start it with exec."""
        module = warm_start.main_module(spec.argv, python()) if spec.warm else None
        return module if module and self.warm.warm([module, *spec.warm]) else None

    def _terminate(self, children: list[_Child]) -> None:
        live = [c for c in children if c.proc is not None and c.proc.poll() is None]
        for child in live:
            _signal_group(child.proc, signal.SIGTERM)  # type: ignore[arg-type]
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in live:
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))  # type: ignore[union-attr]
            except subprocess.TimeoutExpired:
                _signal_group(child.proc, signal.SIGKILL)  # type: ignore[arg-type]
                child.proc.wait()  # type: ignore[union-attr]
        for child in children:
            if child.proc is not None:
                _signal_group(child.proc, signal.SIGKILL)  # what the leader left behind
            (self.pid_dir / f"{child.spec.name}.pid").unlink(missing_ok=True)

    def load(self) -> None:
        """Applies processes.json: starts new processes, restarts changed ones, stops removed ones."""
        specs = [ProcessSpec.from_dict(raw) for raw in json.loads((self.run_dir / "processes.json").read_text())]
        wanted = {s.name: s for s in specs}
        for spec in specs:  # all imports before the first fork, so every child shares them all
            self._warm(spec)
        removed = [c for name, c in self.children.items() if name not in wanted]
        self._terminate(removed)
        for child in removed:
            del self.children[child.spec.name]
        for name, spec in wanted.items():
            child = self.children.get(name)
            if child is not None and child.spec == spec:
                continue
            if child is not None:
                self._terminate([child])
            child = _Child(spec)
            self.children[name] = child
            self._spawn(child)

    def tick(self) -> None:
        """Restarts children that died unexpectedly, with exponential backoff."""
        now = time.monotonic()
        for child in self.children.values():
            if child.proc is None or child.proc.poll() is None or not child.wanted:
                continue
            if child.next_start == 0.0:
                _signal_group(child.proc, signal.SIGKILL)  # what the dead leader left behind
                child.last_exit = child.proc.returncode
                child.last_error = last_error_line(self._log_path(child.spec.name))
                lived = time.time() - child.started_at
                child.failures = 0 if lived > 30 else child.failures + 1
                child.next_start = now + min(10.0, 0.5 * 2 ** child.failures)
                log.warning("process exited", extra={"child": child.spec.name,
                                                     "code": child.last_exit, "lived_s": round(lived, 1)})
                if not child.spec.restart:
                    child.wanted = False
                    child.next_start = 0.0
            elif now >= child.next_start:
                child.next_start = 0.0
                child.restarts += 1
                self._spawn(child)

    def handle(self, command: dict) -> dict:
        cmd = command.get("cmd")
        if cmd == "ping":
            return {"ok": True, "pid": os.getpid()}
        if cmd == "status":
            return {"ok": True, "pid": os.getpid(),
                    "processes": [c.status() for c in self.children.values()]}
        if cmd == "reload":
            self.load()
            return {"ok": True}
        if cmd in ("stop", "start"):
            child = self.children.get(command.get("name", ""))
            if child is None:
                return {"ok": False, "error": f"no process named {command.get('name')!r}"}
            if cmd == "stop":
                child.wanted = False
                self._terminate([child])
            elif child.proc is None or child.proc.poll() is not None:
                child.wanted, child.next_start, child.failures = True, 0.0, 0
                self._spawn(child)
            return {"ok": True, "process": child.status()}
        if cmd == "shutdown":
            self.stopping = True
            return {"ok": True}
        return {"ok": False, "error": f"unknown command {cmd!r}"}

    def shutdown(self) -> None:
        for child in self.children.values():
            child.wanted = False
        for order in sorted({c.spec.stop_order for c in self.children.values()}):
            self._terminate([c for c in self.children.values() if c.spec.stop_order == order])

    def serve(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(socket_address(self.run_dir))
        server.listen(16)
        server.setblocking(False)
        (self.run_dir / "supervisor.pid").write_text(str(os.getpid()))
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop_on_signal)
        callers = selectors.DefaultSelector()
        callers.register(server, selectors.EVENT_READ)
        try:
            if (self.run_dir / "processes.json").exists():
                self.load()
            while not self.stopping:
                for key, _ in callers.select(timeout=0.1):
                    if key.fileobj is server:
                        self._accept(server, callers)
                    else:
                        self._read(key, callers)
                now = time.monotonic()
                for key in [k for k in callers.get_map().values() if k.data and k.data.deadline < now]:
                    self._hang_up(key.fileobj, callers)  # too slow: the others come first
                self.tick()
        finally:
            self.shutdown()
            (self.run_dir / "supervisor.pid").unlink(missing_ok=True)
            callers.close()
            server.close()  # last: while it answers, callers know we are still stopping children

    def _stop_on_signal(self, *_) -> None:
        self.stopping = True

    # Conversations: one JSON line each way, read as it arrives so that no caller holds up the
    # others or the supervision between them; only this user (or root) may talk to it.

    def _accept(self, server: socket.socket, callers: selectors.BaseSelector) -> None:
        try:
            conn, _ = server.accept()
        except (BlockingIOError, InterruptedError):
            return
        _, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
        if uid not in (os.getuid(), 0):
            conn.close()
            return
        conn.setblocking(False)
        callers.register(conn, selectors.EVENT_READ, _Caller(time.monotonic() + CONVERSATION_TIMEOUT))

    def _read(self, key: selectors.SelectorKey, callers: selectors.BaseSelector) -> None:
        conn, caller = key.fileobj, key.data
        try:
            chunk = conn.recv(65536)  # type: ignore[union-attr]
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        caller.request += chunk
        if not chunk or len(caller.request) > MAX_REQUEST_BYTES:
            self._hang_up(conn, callers)  # type: ignore[arg-type]
        elif caller.request.endswith(b"\n"):
            callers.unregister(conn)
            self._answer(conn, bytes(caller.request))  # type: ignore[arg-type]

    @staticmethod
    def _hang_up(conn: socket.socket, callers: selectors.BaseSelector) -> None:
        callers.unregister(conn)
        conn.close()

    def _answer(self, conn: socket.socket, request: bytes) -> None:
        with conn:
            try:
                reply = self.handle(json.loads(request))
            except Exception as exc:  # reported to the caller; the supervisor keeps running
                log.exception("request failed")
                reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            try:
                conn.settimeout(CONVERSATION_TIMEOUT)
                conn.sendall(json.dumps(reply).encode() + b"\n")
            except OSError:  # the caller went away
                pass


@dataclass
class _Caller:
    deadline: float
    request: bytearray = field(default_factory=bytearray)


def main(argv: list[str] | None = None) -> int:
    from grootboek import logs

    args = argv if argv is not None else sys.argv[1:]
    logs.configure(os.environ.get("GROOTBOEK_LOG_LEVEL", "INFO"))
    Supervisor(Path(args[0])).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
