"""Every code block in the project's Markdown is run by the suite or marked not run with a reason
(tests/doc_examples.py says how), so an example cannot drift unseen; and the collector itself finds
blocks, markers and expected output where they are."""
from __future__ import annotations

import sys
from pathlib import Path

from tests import doc_examples

SAMPLE = """# A part

<!-- example: not run — starts the whole system (make up) -->
```sh
make up
```

```python
print("hi")
```

```text
h...
```

```
a diagram
```

<!-- example: not run -->
```yaml
a: 1
```

```text
alone
```
"""


def test_every_block_in_the_documentation_is_run_or_marked_not_run():
    found = doc_examples.all_blocks()
    assert {"README.md", "client/README.md", "api/README.md"} <= {block.path for block in found}
    assert doc_examples.problems(found) == []
    run = doc_examples.examples(found)
    print(f"\n{len(run)} documentation examples run, {sum(b.not_run is not None for b in found)} marked not run")
    assert len(run) >= 10


def test_the_collector_finds_blocks_markers_and_output_with_their_lines():
    found = doc_examples.blocks("SAMPLE.md", SAMPLE)
    assert [(b.line, b.language, b.not_run) for b in found] == [
        (4, "sh", "starts the whole system (make up)"), (8, "python", None), (12, "text", None),
        (16, "", None), (21, "yaml", None), (25, "text", None)]
    assert found[1].source == 'print("hi")\n'
    (only,) = doc_examples.examples(found)
    assert only.block.line == 8 and only.output.line == 12
    assert doc_examples.problems(found) == [
        "SAMPLE.md:16: a block without a language; give it one (sh, python, json, http, text) or mark it "
        "'<!-- example: not run — <why> -->'",
        "SAMPLE.md:21: malformed marker '<!-- example: not run -->'; write '<!-- example: not run — <why> -->'",
        "SAMPLE.md:21: no runner for ```yaml (runners: sh, python, json, http); mark it "
        "'<!-- example: not run — <why> -->'",
        "SAMPLE.md:25: a text block checks the output of a sh, python or http block right above it; this one "
        "follows none: mark it '<!-- example: not run — <why> -->'"]


def test_expected_output_matches_with_dots_for_any_text():
    assert doc_examples.matches("user officer (...)\nroles ...", "user officer (x509::CN=o)\nroles a, b  \n")
    assert not doc_examples.matches("user officer (...)", "user clerk (x)")
    assert not doc_examples.matches("roles", "roles a")  # the whole output, not a part of it


def test_defaults_are_mapped_onto_the_test_network(tmp_path):
    default = {"organizations": [{"name": "A", "api": {"port": 8081}, "peers": [{"port": 7051, "operations_port": 9443}]}]}
    test = {"organizations": [{"name": "A", "api": {"port": 40001}, "peers": [{"port": 40002, "operations_port": 40003}]}],
            "channels": [{"servers": {"A": 40004}}]}
    ports = doc_examples.port_map(default, test)
    assert ports == {8081: 40001, 7051: 40002, 9443: 40003}
    source = ("S=~/.local/state/grootboek/grootboek\n.venv/bin/grootboek status\n"
              "curl https://127.0.0.1:8081/v1/me https://localhost:7051/x localhost:9999 ./x/.venv/bin/y")
    bin_dir = Path(sys.executable).parent
    assert doc_examples.localize(source, tmp_path, ports) == (
        f"S={tmp_path}\n{bin_dir}/grootboek status\n"
        "curl https://127.0.0.1:40001/v1/me https://127.0.0.1:40002/x localhost:9999 ./x/.venv/bin/y")


def test_an_http_block_is_read_as_a_request():
    request = doc_examples.http_request("POST /v1/x HTTP/1.1\nHost: 127.0.0.1:8081\n"
                                        "Content-Type: application/json\n\n{\"a\": 1}\n")
    assert request == doc_examples.HttpRequest(
        "POST", "/v1/x", {"Host": "127.0.0.1:8081", "Content-Type": "application/json"}, b'{"a": 1}')
    assert doc_examples.http_request("GET /v1/me HTTP/1.1\nHost: h\n").body == b""
    for wrong, says in (("GET /v1/me\n", "not enough values"), ("GET /v1/me HTTP/2\n", "METHOD /path HTTP/1.1"),
                        ("GET / HTTP/1.1\nHost h\n", "'Name: value'")):
        try:
            doc_examples.http_request(wrong)
        except ValueError as exc:
            assert says in str(exc)
        else:
            raise AssertionError(f"{wrong!r} was read as a request")
