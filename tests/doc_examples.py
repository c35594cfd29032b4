"""The code examples of the project's Markdown files, collected so that the test suite runs them, as
Go runs a package's examples: an example that drifts from the code fails CI, naming its file:line.

Every fenced block has a language and is one of:
- run by tests/integration/docs/test_examples.py: ```sh (bash, against the test network),
  ```python (the blocks of one file in order, one namespace), ```json (parsed), ```http (a
  request sent to the gateway its Host names; `Bearer gbk_...` stands for a token of that
  organisation's user `officer`, issued for the run);
- the expected output of the run block right above it: a ```text block, where `...` stands for
  any text (volatile values: ids, times, paths);
- marked not run, with a reason, in an HTML comment on the line above it:
  `<!-- example: not run — starts the whole system (make up) -->`.
tests/unit/test_doc_examples.py fails on any block that is neither, so nothing is skipped unseen.

Examples show the defaults a reader has (`.venv/bin/`, the default state directory, the gateways'
ports); `localize` maps them onto the test network, here and nowhere else.
"""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = ("sh", "python", "json", "http")
OUTPUT = "text"
_FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([^\s`]*)")
_MARK = re.compile(r"^\s*<!--\s*example:\s*not run\s*(?:—|–|-|:)\s*(?P<reason>.*?)\s*-->\s*$")
_ANY_MARK = re.compile(r"^\s*<!--\s*example\b")

RAN: list[str] = []
"""The examples this session ran (file:line), for the summary line tests/conftest.py prints."""

DEFAULT_STATE = "~/.local/state/grootboek/grootboek"


@dataclass(frozen=True)
class Block:
    path: str
    """Relative to the repository root."""
    line: int
    """The line of the opening fence (1-based)."""
    language: str
    source: str
    not_run: str | None
    """The reason it is not run, from its marker; None if unmarked."""
    bad_marker: str | None = None
    """An `<!-- example ... -->` line above it that is not a well-formed marker."""

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Example:
    """A block that is run, with the output it should print (None if unchecked)."""

    block: Block
    output: Block | None = None

    @property
    def where(self) -> str:
        return self.block.where


def markdown_files() -> list[str]:
    """The Markdown files the repository tracks (not those of dependencies in .venv or node_modules)."""
    listed = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=True)
    return sorted(name for name in listed.stdout.split() if (ROOT / name).exists())


def blocks(path: str, text: str | None = None) -> list[Block]:
    """The fenced blocks of a Markdown file, with the marker on the line above each."""
    lines = (ROOT / path).read_text().splitlines() if text is None else text.splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, fence, language = opening.groups()
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        body = "\n".join(line[len(indent):] if line.startswith(indent) else line for line in lines[index + 1:end])
        above = lines[index - 1] if index else ""
        mark = _MARK.match(above)
        reason = mark.group("reason") if mark else None
        bad = above.strip() if _ANY_MARK.match(above) and not (mark and reason) else None
        found.append(Block(path, index + 1, language.lower(), body + "\n", reason, bad))
        index = end + 1
    return found


def problems(found: list[Block]) -> list[str]:
    """Why blocks would go unchecked: no language, a language no runner takes, a bad marker, a
    ```text block that follows nothing that runs."""
    wrong: list[str] = []
    for position, block in enumerate(found):
        if block.bad_marker:
            wrong.append(f"{block.where}: malformed marker {block.bad_marker!r}; write "
                         "'<!-- example: not run — <why> -->'")
        if block.not_run is not None:
            continue
        if not block.language:
            wrong.append(f"{block.where}: a block without a language; give it one ({', '.join(RUN)}, "
                         f"{OUTPUT}) or mark it '<!-- example: not run — <why> -->'")
        elif block.language == OUTPUT:
            before = found[position - 1] if position else None
            if not (before and before.not_run is None and before.language in ("sh", "python", "http")):
                wrong.append(f"{block.where}: a {OUTPUT} block checks the output of a sh, python or http block right "
                             "above it; this one follows none: mark it '<!-- example: not run — <why> -->'")
        elif block.language not in RUN:
            wrong.append(f"{block.where}: no runner for ```{block.language} (runners: {', '.join(RUN)}); "
                         "mark it '<!-- example: not run — <why> -->'")
    return wrong


def examples(found: list[Block]) -> list[Example]:
    """The blocks that run, each with its expected output (the unmarked ```text block after it)."""
    runs: list[Example] = []
    for position, block in enumerate(found):
        if block.not_run is not None or block.language not in RUN:
            continue
        after = found[position + 1] if position + 1 < len(found) else None
        output = after if after and after.language == OUTPUT and after.not_run is None else None
        runs.append(Example(block, output))
    return runs


def all_blocks() -> list[Block]:
    return [block for path in markdown_files() for block in blocks(path)]


def port_map(default: object, test: object) -> dict[int, int]:
    """Each port the default consortium file (network/consortium.yaml, as model dumps) gives a
    node or gateway, to the port the test network gives the same one."""
    ports: dict[int, int] = {}
    if isinstance(default, dict) and isinstance(test, dict):
        for key in default.keys() & test.keys():
            if key.endswith("port") and isinstance(default[key], int):
                ports[default[key]] = test[key]
            else:
                ports.update(port_map(default[key], test[key]))
    elif isinstance(default, list) and isinstance(test, list):
        for one, other in zip(default, test):
            ports.update(port_map(one, other))
    return ports


def localize(source: str, state_dir: Path, ports: dict[int, int]) -> str:
    """An example as the test network needs it: the default state directory becomes the network's,
    `.venv/bin/` the suite's own interpreter's directory, and an address on a default port
    (127.0.0.1:8081 or localhost:8081 for the Municipality's gateway, :7051 for its peer, ...) the
    test network's address of the same node."""
    source = source.replace(DEFAULT_STATE, str(state_dir))
    source = re.sub(r"(?<![\w/.])\.venv/bin/", str(Path(sys.executable).parent) + "/", source)

    def moved(match: re.Match) -> str:
        port = int(match.group(1))
        return f"127.0.0.1:{ports[port]}" if port in ports else match.group(0)

    return re.sub(r"\b(?:127\.0\.0\.1|localhost):(\d+)\b", moved, source)


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


def http_request(source: str) -> HttpRequest:
    """An ```http block as a request: the request line, header lines, a blank line, the body."""
    head, _, body = source.partition("\n\n")
    request_line, *header_lines = head.strip("\n").splitlines()
    method, target, version = request_line.split()
    if version != "HTTP/1.1":
        raise ValueError(f"{request_line!r}: write the request line as 'METHOD /path HTTP/1.1'")
    headers = {}
    for line in header_lines:
        name, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"{line!r}: a header line is 'Name: value'")
        headers[name.strip()] = value.strip()
    return HttpRequest(method, target, headers, body.strip("\n").encode())


def matches(expected: str, actual: str) -> bool:
    """Whether output fits an expected ```text block, where `...` stands for any text."""
    def lines(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.strip().splitlines())

    pattern = ".*?".join(re.escape(part) for part in lines(expected).split("..."))
    return re.fullmatch(pattern, lines(actual), re.DOTALL) is not None
