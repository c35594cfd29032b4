"""The Dockerfile, checked without a Docker engine (our machines have none): what it copies exists,
and the image gets Swagger UI for /docs from an npm stage pinned by the lock file, the files the
gateway serves, in the folder it serves them from."""
from __future__ import annotations

import fnmatch
import re
import shlex
from pathlib import Path

from grootboek.api.openapi import docs

ROOT = Path(__file__).resolve().parents[3]


def _stages() -> dict[str, list[list[str]]]:
    """{stage name: [instruction words]} (continuation lines joined, comments dropped)."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    stages: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = shlex.split(line)
        if words[0].upper() == "FROM":
            current = stages.setdefault(words[3] if len(words) > 3 else f"stage{len(stages)}", [])
        current.append(words)
    return stages


def _copies(stage: list[list[str]]) -> list[tuple[str | None, list[str], str]]:
    """(--from stage or None, sources, destination) of each COPY."""
    found = []
    for words in stage:
        if words[0].upper() == "COPY":
            source = next((w.split("=", 1)[1] for w in words if w.startswith("--from=")), None)
            paths = [w for w in words[1:] if not w.startswith("--")]
            found.append((source, paths[:-1], paths[-1]))
    return found


def _ignored(path: str) -> bool:
    patterns = [line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    parts = Path(path).parts
    prefixes = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(prefix, pattern.removeprefix("**/"))
               or fnmatch.fnmatch(Path(prefix).name, pattern.removeprefix("**/"))
               for pattern in patterns for prefix in prefixes)


def test_every_file_the_dockerfile_copies_from_the_work_tree_is_there_and_not_ignored():
    sources = [source for stage in _stages().values() for origin, paths, _ in _copies(stage) if origin is None
               for source in paths]
    assert "api/openapi/swagger-ui/package-lock.json" in sources and "api/" in sources
    assert [source for source in sources if not (ROOT / source).exists() or _ignored(source)] == []
    assert _ignored("api/openapi/swagger-ui/node_modules/x.js") and not _ignored("api/openapi/docs.py")


def test_the_image_gets_swagger_ui_from_an_npm_stage_pinned_by_its_lock_file():
    stages = _stages()
    (npm,) = [name for name, stage in stages.items()
              if any(words[0].upper() == "RUN" and words[1:3] == ["npm", "ci"] for words in stage)]
    copied = {Path(source).name for _, paths, _ in _copies(stages[npm]) for source in paths}
    assert {"package.json", "package-lock.json"} <= copied  # `npm ci` installs exactly the lock file
    served = str(docs.STATIC.relative_to(ROOT)) + "/"
    from_npm = [(paths, destination) for stage in stages.values() for origin, paths, destination in _copies(stage)
                if origin == npm]
    assert from_npm and {(Path(p).name, destination) for paths, destination in from_npm for p in paths} == {
        (name, served) for name in docs._UI_FILES}
    assert _ignored(served + "swagger-ui-bundle.js")  # a work tree's own copy never reaches the image
