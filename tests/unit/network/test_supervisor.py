"""The supervisor with real processes: restart on death, stop/start on request, and nothing left
behind after shutdown."""
import os
import signal
import socket
import sys
from contextlib import contextmanager

import pytest

from grootboek.network.nodes import supervisor
from grootboek.network.nodes.readiness import wait_for
from grootboek.network.nodes.supervisor import ProcessSpec

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


def status(run_dir, name):
    return next(p for p in supervisor.request(run_dir, {"cmd": "status"})["processes"] if p["name"] == name)


@contextmanager
def supervising(state_dir, specs):
    """A supervisor of `specs` in `state_dir`; yields its run directory, and leaves nothing behind."""
    run_dir = state_dir / "run"
    supervisor.write_specs(run_dir, specs)
    supervisor.start_daemon(run_dir, state_dir)
    try:
        yield run_dir
    finally:
        if supervisor.is_running(run_dir):
            supervisor.request(run_dir, {"cmd": "shutdown"})
            wait_for(lambda: not supervisor.is_running(run_dir), "supervisor gone", timeout=30)
        supervisor.terminate(supervisor.marked_processes(state_dir))


@pytest.fixture
def state(tmp_path):
    with supervising(tmp_path, [ProcessSpec("sleeper", SLEEPER, stop_order=1),
                                ProcessSpec("one-shot", [sys.executable, "-c", "pass"], restart=False)]):
        yield tmp_path


def test_restarts_a_dead_process_and_obeys_stop_and_start(state):
    run = state / "run"
    first = wait_for(lambda: status(run, "sleeper")["pid"], "sleeper running")
    assert (run / "pids" / "sleeper.pid").read_text() == str(first)
    os.kill(first, signal.SIGKILL)
    second = wait_for(lambda: status(run, "sleeper")["restarts"] == 1 and status(run, "sleeper")["pid"],
                      "sleeper restarted", timeout=30)
    assert second != first
    assert status(run, "sleeper")["last_exit"] == -signal.SIGKILL

    supervisor.request(run, {"cmd": "stop", "name": "sleeper"})
    assert status(run, "sleeper")["running"] is False
    assert not (run / "pids" / "sleeper.pid").exists()
    supervisor.request(run, {"cmd": "start", "name": "sleeper"})
    assert status(run, "sleeper")["running"] is True

    one_shot = wait_for(lambda: (s := status(run, "one-shot"))["last_exit"] is not None and s, "one-shot ran")
    assert one_shot["restarts"] == 0 and one_shot["last_exit"] == 0 and not one_shot["wanted"]


def test_shutdown_leaves_no_process_behind(state):
    run = state / "run"
    wait_for(lambda: status(run, "sleeper")["pid"], "sleeper running")
    wait_for(lambda: status(run, "one-shot")["last_exit"] is not None, "one-shot ran")
    assert len(supervisor.marked_processes(state)) == 2  # the supervisor and the sleeper
    supervisor.request(run, {"cmd": "shutdown"})
    wait_for(lambda: not supervisor.marked_processes(state), "all marked processes gone", timeout=30)
    assert not supervisor.is_running(run)


def test_unknown_process_and_command_are_errors(state):
    run = state / "run"
    with pytest.raises(supervisor.SupervisorError, match="no process named 'nope'"):
        supervisor.request(run, {"cmd": "stop", "name": "nope"})
    with pytest.raises(supervisor.SupervisorError, match="unknown command"):
        supervisor.request(run, {"cmd": "dance"})


CRASHER = [sys.executable, "-c", "import subprocess, sys, time; "
           "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); "
           "print('starting up', flush=True); print('FATAL: database disk image is malformed', flush=True); "
           "print('bye', flush=True); time.sleep(600)"]


def test_a_dead_process_takes_its_group_with_it_and_status_says_why(tmp_path):
    with supervising(tmp_path, [ProcessSpec("crasher", CRASHER)]) as run_dir:
        first = wait_for(lambda: status(run_dir, "crasher")["pid"], "crasher running")
        log = tmp_path / "logs" / "crasher.log"
        wait_for(lambda: "bye" in log.read_text(), "crasher logged")
        helper = wait_for(lambda: next((p for p in supervisor.marked_processes(tmp_path)
                                        if p not in (first, supervisor.daemon_pid(run_dir))), None),
                          "the crasher's helper running")
        assert os.getpgid(helper) == first  # in the crasher's group
        os.kill(first, signal.SIGKILL)
        died = wait_for(lambda: (s := status(run_dir, "crasher"))["last_exit"] is not None and s, "death seen")
        assert died["last_error"] == "FATAL: database disk image is malformed"
        wait_for(lambda: not _alive(helper), "the helper gone with its group", timeout=30)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


WARM_MODULE = '''
import os, signal, sys

def main(argv):
    print("argv", argv, "marker", os.environ.get("MARKER_OF_TEST"), "sid", os.getsid(0) == os.getpid(), flush=True)
    if argv[0] == "fail":
        raise SystemExit(3)
    if argv[0] == "overflow":  # os._exit refuses it: the fork must still end, not return
        sys.exit(2 ** 31)
    signal.pause()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
'''


def _cmdline(pid: int) -> list[str]:
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        return cmdline.read().decode().split("\0")[:-1]


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().split(")")[-1].split()[1])


def test_a_warm_python_process_is_forked_from_the_supervisor_and_execed_once_its_code_changed(tmp_path, monkeypatch):
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "warm_child.py").write_text(WARM_MODULE)
    monkeypatch.setenv("PYTHONPATH", str(modules))  # the supervisor's, to warm the module
    env = {"MARKER_OF_TEST": "yes"}  # no PYTHON*: that would ask for an interpreter of its own (exec)
    specs = [
        ProcessSpec("warm", [supervisor.python(), "-m", "warm_child", "serve", "x"], env=env, warm=["warm_child"],
                    cwd=str(modules)),  # where an exec'd `python -m` finds the module
        ProcessSpec("failing", [supervisor.python(), "-m", "warm_child", "fail"], env=env, warm=["warm_child"],
                    restart=False),
        ProcessSpec("overflowing", [supervisor.python(), "-m", "warm_child", "overflow"], env=env,
                    warm=["warm_child"], restart=False)]
    log = tmp_path / "logs" / "warm.log"
    with supervising(tmp_path, specs) as run_dir:
        daemon = supervisor.daemon_pid(run_dir)
        first = wait_for(lambda: status(run_dir, "warm")["pid"], "warm child running")
        wait_for(lambda: "argv" in log.read_text(), "warm child started")
        assert _cmdline(first) == _cmdline(daemon)  # a fork, no exec
        assert _parent(first) == daemon
        assert "argv ['serve', 'x'] marker yes sid True" in log.read_text()
        failed = wait_for(lambda: (s := status(run_dir, "failing"))["last_exit"] is not None and s, "failing ran")
        assert failed["last_exit"] == 3
        overflowed = wait_for(lambda: (s := status(run_dir, "overflowing"))["last_exit"] is not None and s,
                              "overflowing ran")
        assert overflowed["last_exit"] == 0  # 2**31 as an exit status, as python would end
        assert status(run_dir, "warm")["pid"] == first and supervisor.daemon_pid(run_dir) == daemon

        os.kill(first, signal.SIGKILL)  # restarted as a fork again
        second = wait_for(lambda: status(run_dir, "warm")["restarts"] == 1 and status(run_dir, "warm")["pid"],
                          "warm child restarted", timeout=30)
        assert _cmdline(second) == _cmdline(daemon)

        source = modules / "warm_child.py"  # an upgrade: the next start must run the new code
        source.write_text(WARM_MODULE.replace('"argv"', '"new argv"'))
        supervisor.request(run_dir, {"cmd": "stop", "name": "warm"})
        supervisor.request(run_dir, {"cmd": "start", "name": "warm"})
        third = status(run_dir, "warm")["pid"]
        wait_for(lambda: "new argv ['serve', 'x'] marker yes sid True" in log.read_text(), "new code ran")
        assert _cmdline(third) == [supervisor.python(), "-m", "warm_child", "serve", "x"]


def test_a_silent_an_oversized_or_a_foreign_caller_does_not_hold_up_the_supervisor(state):
    run = state / "run"
    first = wait_for(lambda: status(run, "sleeper")["pid"], "sleeper running")
    silent = socket.socket(socket.AF_UNIX)
    silent.connect(supervisor.socket_address(run))
    oversized = socket.socket(socket.AF_UNIX)
    oversized.connect(supervisor.socket_address(run))
    try:
        os.kill(first, signal.SIGKILL)  # supervision goes on while the silent caller waits
        wait_for(lambda: status(run, "sleeper")["restarts"] == 1, "sleeper restarted", timeout=30)
        oversized.sendall(b"x" * (supervisor.MAX_REQUEST_BYTES + 1))
        assert oversized.recv(100) == b""  # hung up on, no answer
        silent.settimeout(supervisor.CONVERSATION_TIMEOUT + 5)
        assert silent.recv(100) == b""  # hung up on after its time
    finally:
        silent.close()
        oversized.close()

    reader, writer = os.pipe()
    pid = os.fork()  # another user of this host, to whom the supervisor does not talk
    if pid == 0:
        outcome = "no outcome"
        try:
            os.setuid(65534)
            with socket.socket(socket.AF_UNIX) as foreign:
                foreign.settimeout(10)
                foreign.connect(supervisor.socket_address(run))
                try:
                    foreign.sendall(b'{"cmd": "status"}\n')
                    answer = foreign.recv(100)
                    outcome = "hung up on" if answer == b"" else f"answered {answer!r}"
                except (BrokenPipeError, ConnectionResetError):  # hung up on before or while it spoke
                    outcome = "hung up on"
        except BaseException as exc:  # noqa: BLE001 - told to the test
            outcome = repr(exc)
        finally:
            os.write(writer, outcome.encode())
            os._exit(0)
    os.close(writer)
    os.waitpid(pid, 0)
    with os.fdopen(reader, "rb") as told:
        assert told.read().decode() == "hung up on"
    assert supervisor.request(run, {"cmd": "ping"})["ok"]
