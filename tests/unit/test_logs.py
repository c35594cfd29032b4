"""Structured logs: one JSON object per line, written to the stderr of the moment."""
from __future__ import annotations

import io
import json
import logging
import sys

from grootboek import logs


def test_records_go_to_the_stderr_in_place_when_they_are_emitted(monkeypatch):
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    first, second = io.StringIO(), io.StringIO()
    try:
        monkeypatch.setattr(sys, "stderr", first)
        logs.configure("INFO")
        monkeypatch.setattr(sys, "stderr", second)  # e.g. a test runner's capture replaced it
        first.close()
        logging.getLogger("grootboek.test").info("hello", extra={"txid": "t1"})
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    record = json.loads(second.getvalue())
    assert (record["msg"], record["txid"], record["level"]) == ("hello", "t1", "info")
