"""The supervisor with real processes: restart on death, stop/start on request, and nothing left
behind after shutdown."""
import os
import signal
import sys

import pytest

from grootboek.network.nodes import supervisor
from grootboek.network.nodes.readiness import wait_for
from grootboek.network.nodes.supervisor import ProcessSpec

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


def status(run_dir, name):
    return next(p for p in supervisor.request(run_dir, {"cmd": "status"})["processes"] if p["name"] == name)


@pytest.fixture
def state(tmp_path):
    run_dir = tmp_path / "run"
    supervisor.write_specs(run_dir, [ProcessSpec("sleeper", SLEEPER, stop_order=1),
                                     ProcessSpec("one-shot", [sys.executable, "-c", "pass"], restart=False)])
    supervisor.start_daemon(run_dir, tmp_path)
    yield tmp_path
    if supervisor.is_running(run_dir):
        supervisor.request(run_dir, {"cmd": "shutdown"})
        wait_for(lambda: not supervisor.is_running(run_dir), "supervisor gone", timeout=30)
    supervisor.terminate(supervisor.marked_processes(tmp_path))


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
