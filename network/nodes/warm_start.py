"""Warm starts: our Python processes start as forks of the supervisor, which imported their code once.

Seven Python processes (a REST gateway per member, a chaincode server per member and chaincode)
each held their own copy of the same imported modules: about 30 MiB of a chaincode server and
55 MiB of a gateway were private memory. Forked from one process that imported those modules and
froze them out of the garbage collector's reach, they share those pages until a process writes
to them, so the imported code is in memory about once (bench/footprint.py measures it).

A process opts in by naming the modules its `main` imports lazily (ProcessSpec.warm); its argv must
be `python -m MODULE ARGS...`, and the fork calls `MODULE.main(ARGS)` as `python -m` would. A
child is started with exec as before when its code changed on disk since the supervisor imported
it (an upgrade or a developer's edit), so a restart never runs stale code.
"""
from __future__ import annotations

import atexit
import gc
import importlib
import importlib.util
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import traceback

log = logging.getLogger(__name__)


class WarmModules:
    """The modules imported for forked children, and the source files they were imported from."""

    def __init__(self) -> None:
        self._imported: set[str] = set()
        self._stamps: dict[str, int] = {}

    def warm(self, modules: list[str]) -> bool:
        """Imports the modules (once); False when one fails to import (the child then execs and
        its own log says why)."""
        wanted = [m for m in modules if m not in self._imported]
        if not wanted:
            return True
        before = set(sys.modules)
        gc.disable()  # what a collection frees during the imports would leave holes children fill
        try:
            for name in wanted:
                importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - whatever the import raises, the child reports it
            log.warning("warm-up import failed", extra={"module": name, "error": f"{type(exc).__name__}: {exc}"})
            return False
        finally:
            gc.enable()
        self._imported.update(wanted)
        for name in set(sys.modules) - before:
            path = getattr(sys.modules[name], "__file__", None)
            if path:
                self._stamps[path] = _mtime(path)
        # Objects that exist now are never collected: the collector would otherwise write to every
        # page that holds one, and each child would copy the page.
        gc.freeze()
        return True

    def current(self) -> bool:
        """True while no imported source file changed since it was imported."""
        return all(_mtime(path) == stamp for path, stamp in self._stamps.items())


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def main_module(argv: list[str], python: str) -> str | None:
    """The module whose `main` runs when argv is `python -m NAME ...` with our interpreter: NAME,
    or NAME.__main__ for a package (as `python -m` runs it)."""
    if len(argv) < 3 or argv[0] != python or argv[1] != "-m":
        return None
    try:
        spec = importlib.util.find_spec(argv[2])
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    return f"{argv[2]}.__main__" if spec.submodule_search_locations is not None else argv[2]


class ForkedProcess:
    """The part of subprocess.Popen's interface the supervisor uses, for a child it forked."""

    def __init__(self, pid: int, argv: list[str]):
        self.pid = pid
        self.args = argv
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)  # type: ignore[arg-type]
            time.sleep(0.02)
        return self.returncode  # type: ignore[return-value]


def fork(module: str, argv: list[str], env: dict[str, str], cwd: str | None, out) -> ForkedProcess:
    """Forks a child that runs `python -m ...` (argv) as MODULE.main(ARGS) in this process's
    warmed-up interpreter, in a session of its own, with `env` as its whole environment and `out`
    as stdout and stderr. The caller must be single-threaded: a fork copies only that thread."""
    args = argv[3:]
    pid = os.fork()
    if pid:
        return ForkedProcess(pid, argv)
    code = 1
    try:  # from here on this is the child; it must never return into the supervisor's code
        _become_fresh(env, cwd, out)
        sys.argv = [argv[2], *args]
        code = _run_main(module, args)
    except BaseException:  # noqa: BLE001 - reported in the child's own log
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - nothing left to report to
                pass
        os._exit(code)


def _become_fresh(env: dict[str, str], cwd: str | None, out) -> None:
    """What a new interpreter would have: its own session, standard streams, environment, signal
    dispositions, no logging handlers and no exit handlers of the parent."""
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out.fileno(), 1)
    os.dup2(out.fileno(), 2)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.environ.clear()
    os.environ.update(env)
    if cwd:
        os.chdir(cwd)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(logging.WARNING)
    atexit._clear()  # type: ignore[attr-defined]  # the supervisor's; the child registers its own


def _run_main(module: str, args: list[str]) -> int:
    """MODULE.main(ARGS), ended as an interpreter ends: non-daemon threads joined, exit handlers
    run; SystemExit's code is the exit code."""
    try:
        result = importlib.import_module(module).main(args)
        code = 0 if result is None else int(result)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()  # type: ignore[attr-defined]
    return code
