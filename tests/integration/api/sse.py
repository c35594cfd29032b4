"""Reading server-sent events from a streamed `requests` response."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

import requests


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    data: dict


def events(response: requests.Response) -> Iterator[Event]:
    """The stream's events as they arrive (comments and keep-alives skipped)."""
    fields: dict[str, str] = {}
    for line in response.iter_lines(decode_unicode=True):
        if line:
            name, _, value = line.partition(":")
            if name:  # a line starting with ':' is a comment
                fields[name] = value[1:] if value.startswith(" ") else value
            continue
        if "data" in fields:
            yield Event(fields.get("id", ""), fields.get("event", "message"), json.loads(fields["data"]))
        fields = {}
