"""The documentation's examples (collected by tests/doc_examples.py), run against the shared network
as a reader would run them against `make up`: shell blocks with bash, the Python blocks of one file
in order in one namespace, JSON blocks parsed, HTTP blocks sent to their gateway. A block followed
by a ```text block must print that (an HTTP block: its answer's status line, type and body).
A failure names the block's file:line; a Python traceback points at the Markdown's own lines."""
from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from grootboek.network.config import consortium as consortium_file
from tests import doc_examples
from tests.doc_examples import Example

FILES = [path for path in doc_examples.markdown_files() if doc_examples.examples(doc_examples.blocks(path))]


@dataclass(frozen=True)
class Place:
    """Where the examples run: the shared network's state directory and gateways, and a directory
    of their own for the files they write."""

    state_dir: Path
    ports: dict[int, int]
    workdir: Path
    gateways: dict[int, str]
    """The organisation whose gateway listens on each test port."""

    def localize(self, source: str) -> str:
        return doc_examples.localize(source, self.state_dir, self.ports)


@pytest.fixture(scope="module")
def place(fabric, tmp_path_factory) -> Place:
    ports = doc_examples.port_map(consortium_file.load().model_dump(), fabric.consortium.model_dump())
    gateways = {organization.api.port: organization.name for organization in fabric.consortium.organizations
                if organization.api is not None}
    return Place(fabric.layout.root, ports, tmp_path_factory.mktemp("examples"), gateways)


def run_sh(example: Example, place: Place) -> str:
    return _bash(example.where, place.localize(example.block.source), place)


def _bash(where: str, script: str, place: Place) -> str:
    env = dict(os.environ, GROOTBOEK_STATE=str(place.state_dir),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script],
                          cwd=place.workdir, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (f"{where}: exit status {done.returncode}\n--- stdout\n{done.stdout}"
                                  f"--- stderr\n{done.stderr}")
    return done.stdout


def run_http(example: Example, place: Place) -> str:
    """Sends the block to the gateway its Host names (a `gbk_...` token becomes a real one of that
    organisation's `officer`); the answer as status line, Content-Type and body."""
    request = doc_examples.http_request(place.localize(example.block.source))
    host, _, port = request.headers["Host"].partition(":")
    organization = place.gateways[int(port)]
    headers = dict(request.headers)
    if headers.get("Authorization") == "Bearer gbk_...":
        token = _bash(example.where, f"grootboek api token issue officer --org {organization} --label docs-http",
                      place).split()[0]
        headers["Authorization"] = f"Bearer {token}"
    (ca_file,) = (place.state_dir / "crypto" / organization / "nodes").glob("api.*/tls/ca.crt")
    answer = requests.request(request.method, f"https://{host}:{port}{request.target}", headers=headers,
                              data=request.body or None, verify=str(ca_file), timeout=60)
    body = json.dumps(answer.json()) if answer.headers.get("Content-Type") == "application/json" else answer.text
    return f"HTTP/1.1 {answer.status_code} {answer.reason}\nContent-Type: {answer.headers.get('Content-Type')}\n\n{body}"


def run_python(example: Example, place: Place, namespace: dict) -> str:
    # Blank lines before the code, so a traceback's line numbers are the Markdown file's own.
    code = compile("\n" * example.block.line + place.localize(example.block.source), example.block.path, "exec")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.chdir(place.workdir):
        exec(code, namespace)  # noqa: S102 - running the documentation's code is the point
    return out.getvalue()


@pytest.mark.parametrize("path", FILES)
def test_the_examples_of(path, place):
    namespace: dict = {"__name__": f"example:{path}"}
    for example in doc_examples.examples(doc_examples.blocks(path)):
        language = example.block.language
        if language == "json":
            try:
                json.loads(example.block.source)
            except ValueError as exc:
                pytest.fail(f"{example.where}: not JSON: {exc}")
            output = None
        elif language == "sh":
            output = run_sh(example, place)
        elif language == "http":
            output = run_http(example, place)
        else:
            output = run_python(example, place, namespace)
        doc_examples.RAN.append(example.where)
        if example.output is not None:
            assert doc_examples.matches(example.output.source, output), (
                f"{example.where} printed what {example.output.where} does not show:\n{output}")
