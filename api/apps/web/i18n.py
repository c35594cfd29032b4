"""Translations: Dutch by default, English on request (`?lang=en`, remembered in a cookie). Each app
has a catalog per language in its messages/ folder, on top of the shared one in web/messages/."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Request

from ...errors import FieldError
from ...routing.validation import invalid

LANGUAGES = ("nl", "en")
DEFAULT = "nl"
COOKIE = "grootboek-lang"
SHARED = Path(__file__).parent / "messages"


@cache
def catalog(folder: Path, language: str) -> dict[str, str]:
    """The shared messages overlaid with the app's (read once per process)."""
    return {**_read(SHARED / f"{language}.json"), **_read(folder / "messages" / f"{language}.json")}


def _read(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def language(request: Request) -> tuple[str, bool]:
    """(the language to answer in, whether the request chose it now and the cookie should keep it)."""
    asked = request.args.get("lang")
    if asked is not None:
        if asked not in LANGUAGES:
            raise invalid([FieldError(field="query.lang", message=f"must be one of {', '.join(LANGUAGES)}")])
        return asked, True
    remembered = request.cookies.get(COOKIE)
    return (remembered if remembered in LANGUAGES else DEFAULT), False
