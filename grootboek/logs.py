"""Structured logging for every Grootboek process: one JSON object per line, quiet by default.

Processes (CLI, supervisor, chaincode servers, REST gateway) call `configure()` once. Libraries only
use `logging.getLogger(__name__)`. The level comes from GROOTBOEK_LOG_LEVEL (default WARNING), so a
healthy run prints nothing but the CLI's progress lines.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON; `extra={...}` fields become top-level keys."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                doc[key] = value
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a record is emitted: a process that calls the CLI
    in-process (tests, tools) may replace or close the stream it had at configure()."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure(level: str | int | None = None, stream=None) -> None:
    """Installs the JSON handler on the root logger (idempotent)."""
    level = level or os.environ.get("GROOTBOEK_LOG_LEVEL", "WARNING")
    if isinstance(level, str):
        level = level.upper()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_grootboek", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(JsonFormatter())
    handler._grootboek = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
