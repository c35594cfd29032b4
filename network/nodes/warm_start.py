"""Warm starts: our Python processes start as forks of the supervisor, which imported their code once.

Seven Python processes (a REST gateway per member, a chaincode server per member and chaincode)
each held their own copy of the same imported modules: about 30 MiB of a chaincode server and
55 MiB of a gateway were private memory. Forked from one process that imported those modules and
froze them out of the garbage collector's reach, they share those pages until a process writes
to them, so the imported code is in memory about once (bench/footprint.py measures it).

A process opts in by naming what its `main` imports lazily (ProcessSpec.warm: "module" or
"module:attribute"); its argv must be `python -m MODULE ARGS...`, and the fork ends as
`sys.exit(MODULE.main(ARGS))` would. It is started with exec as before when its code changed on
disk since the supervisor imported it (an upgrade or a developer's edit: until the supervisor
restarts, every start is then an exec), when its environment sets the interpreter up (PYTHON*),
or when the supervisor is not single-threaded.

To tools a forked process shows the supervisor's command line and starting environment; its name
(`ps -o comm`, `top`) is its process name, and `grootboek status` gives its pid.
"""
from __future__ import annotations

import atexit
import ctypes
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

log = logging.getLogger(__name__)

_PR_SET_NAME = 15
_SUPERVISOR_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGCHLD)


class WarmModules:
    """The modules imported for forked children, and the mtimes of the source files they came from."""

    def __init__(self) -> None:
        self._done: set[str] = set()
        self._failed: set[str] = set()
        self._stamps: dict[str, int] = {}
        self._stale_reported = False

    def warm(self, targets: list[str]) -> bool:
        """Imports each "module" or "module:attribute" once; False when one failed (now or before:
        the child then execs and its own log says why)."""
        if self._failed.intersection(targets):
            return False
        handlers = {signum: signal.getsignal(signum) for signum in _SUPERVISOR_SIGNALS}
        gc.disable()  # what a collection frees during the imports would leave holes children fill
        try:
            for target in targets:
                if target not in self._done:
                    _load(target)
                    self._done.add(target)
        except BaseException as exc:  # noqa: BLE001 - even SystemExit at import must not end the supervisor
            self._failed.add(target)
            log.warning("warm-up import failed", extra={"target": target, "error": f"{type(exc).__name__}: {exc}"})
            return False
        finally:
            gc.enable()
            for signum, handler in handlers.items():  # an import may not take the supervisor's signals
                signal.signal(signum, handler)
            self._stamp()
        # Objects that exist now are never collected: the collector would otherwise write to every
        # page that holds one, and each child would copy the page.
        gc.freeze()
        return True

    def _stamp(self) -> None:
        for module in list(sys.modules.values()):
            path = getattr(module, "__file__", None)
            if path and path not in self._stamps:
                self._stamps[path] = _mtime(path)

    def current(self) -> bool:
        """True while no source file of a loaded module changed since it was stamped."""
        if all(_mtime(path) == stamp for path, stamp in self._stamps.items()):
            return True
        if not self._stale_reported:
            self._stale_reported = True
            log.warning("code changed on disk since the warm-up: Python processes start with exec "
                        "until the supervisor restarts")
        return False


def _load(target: str) -> None:
    module_name, _, attribute = target.partition(":")
    value = importlib.import_module(module_name)
    for part in filter(None, attribute.split(".")):
        value = getattr(value, part)  # a lazily built attribute imports what it is made of


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
    except BaseException:  # noqa: BLE001 - a parent package that fails to import: exec, and its log says why
        return None
    if spec is None:
        return None
    return f"{argv[2]}.__main__" if spec.submodule_search_locations is not None else argv[2]


def forkable(env: dict[str, str]) -> bool:
    """A fork keeps this interpreter's set-up, so the environment may not ask for another one; and
    a fork copies only the calling thread, so there must be no other."""
    return not any(key.startswith("PYTHON") for key in env) and len(os.listdir("/proc/self/task")) == 1


class ForkedProcess:
    """The part of subprocess.Popen's interface the supervisor uses, for a child it forked."""

    def __init__(self, pid: int, argv: list[str]):
        self.pid = pid
        self.args = argv
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: as Popen, take it as ended
                self.returncode = 0
                return 0
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


def fork(name: str, module: str, argv: list[str], env: dict[str, str], cwd: str | None, out) -> ForkedProcess:
    """Forks a child that runs `python -m ...` (argv) as MODULE.main(ARGS) in this warmed-up
    interpreter, in a session of its own, with `env` as its whole environment and `out` as stdout
    and stderr. Returns once the child leads its session, so its group can be signalled."""
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid:
        os.close(ready_w)
        os.read(ready_r, 1)  # end of file: the child called setsid (or died)
        os.close(ready_r)
        return ForkedProcess(pid, argv)
    code = 1
    try:  # the child: whatever happens, it ends here and never returns into the supervisor
        try:
            os.setsid()
            os.close(ready_w)
            _become_fresh(name, env, cwd, out)
            sys.argv = [argv[2], *argv[3:]]
            code = _run_main(module, argv[3:])
        finally:
            signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except BaseException:  # noqa: BLE001 - nothing left to report to
                    pass
    finally:
        os._exit(code)


def _become_fresh(name: str, env: dict[str, str], cwd: str | None, out) -> None:
    """What a new interpreter would have: standard streams, environment, working directory, signal
    dispositions and no logging handlers of the parent; its process name."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out.fileno(), 1)
    os.dup2(out.fileno(), 2)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    for signum in _SUPERVISOR_SIGNALS:
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
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_NAME, name.encode()[:15], 0, 0, 0)


def _run_main(module: str, args: list[str]) -> int:
    """`sys.exit(MODULE.main(ARGS))`, ended as an interpreter ends: an uncaught exception through
    sys.excepthook, non-daemon threads joined, exit handlers run; KeyboardInterrupt as SIGINT."""
    interrupted = False
    try:
        code = _exit_code(importlib.import_module(module).main(args))
    except SystemExit as exc:
        code = _exit_code(exc.code)
    except KeyboardInterrupt:
        code, interrupted = 1, True
    except BaseException:  # noqa: BLE001 - reported as the interpreter would
        sys.excepthook(*sys.exc_info())
        code = 1
    try:
        threading._shutdown()  # type: ignore[attr-defined]
    finally:
        atexit._run_exitfuncs()  # type: ignore[attr-defined]
    if interrupted:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return code


def _exit_code(value: object) -> int:
    """The status `sys.exit(value)` ends an interpreter with."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    print(value, file=sys.stderr)
    return 1
