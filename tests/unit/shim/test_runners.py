"""Reusable transaction greenlets."""
from __future__ import annotations

import greenlet

from grootboek.chaincode.shim.runners import Runners


def test_calls_run_until_they_wait_and_resume_where_they_waited():
    log: list[str] = []
    waiting: list[greenlet.greenlet] = []

    def call(name: str) -> None:
        log.append(f"{name} starts")
        waiting.append(greenlet.getcurrent())
        log.append(f"{name} got {greenlet.getcurrent().parent.switch()}")

    runners = Runners()
    runners.start(call, "a")
    runners.start(call, "b")
    waiting[1].switch("reply b")
    waiting[0].switch("reply a")
    assert log == ["a starts", "b starts", "b got reply b", "a got reply a"]


def test_a_finished_greenlet_runs_the_next_call():
    used: list[greenlet.greenlet] = []
    runners = Runners()
    for n in range(3):
        runners.start(lambda _: used.append(greenlet.getcurrent()), n)
    assert len(set(used)) == 1 and not used[0].dead


def test_no_more_than_keep_idle_greenlets_are_kept():
    waiting: list[greenlet.greenlet] = []

    def wait(_: int) -> None:
        waiting.append(greenlet.getcurrent())
        greenlet.getcurrent().parent.switch()

    runners = Runners(keep=1)
    for n in range(3):
        runners.start(wait, n)
    for runner in waiting:
        runner.switch()
    assert [runner.dead for runner in waiting] == [False, True, True]
