"""The error table of api/README.md is the catalog, and the catalog holds every code the gateway's
source can produce and every code of the chaincodes' tables, with the status the gateway answers."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from grootboek.api.errors import catalog, chaincode_codes
from grootboek.chaincode.budgets.domain.errors import ErrorCode as BudgetsCode
from grootboek.chaincode.registry.domain.errors import ErrorCode as RegistryCode

ROOT = Path(__file__).resolve().parents[3]
API = ROOT / "api"
_CODE = re.compile(r"[A-Z][A-Z0-9_]{3,}")
_ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| (\d{3}) \| (.+) \| (.+) \|$")


def _readme_tables() -> dict[str, list[tuple[str, int, str, str]]]:
    tables: dict[str, list[tuple[str, int, str, str]]] = {}
    current = None
    for line in (API / "README.md").read_text().splitlines():
        if line.startswith("#"):
            name = line.lstrip("#").split()[0]
            current = tables.setdefault(name, []) if name in catalog.TABLES else None
        elif current is not None and (row := _ROW.match(line)):
            current.append((row[1], int(row[2]), row[3], row[4]))
    return tables


def _source_codes() -> dict[str, set[int]]:
    """(code, status) pairs the source spells out: ApiError(status, "CODE"), _fail/_answer_error of the
    front, (status, "CODE") tuples and {status: "CODE"} tables, and 401s built by _unauthenticated."""
    found: dict[str, set[int]] = {}

    def note(status: ast.AST, code: ast.AST) -> None:
        if (isinstance(status, ast.Constant) and isinstance(status.value, int) and 400 <= status.value < 600
                and isinstance(code, ast.Constant) and isinstance(code.value, str)
                and _CODE.fullmatch(code.value)):
            found.setdefault(code.value, set()).add(status.value)

    for path in API.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and len(node.args) >= 2:
                note(node.args[0], node.args[1])
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_unauthenticated":
                note(ast.Constant(401), node.args[0])
            if isinstance(node, ast.Tuple) and len(node.elts) >= 2:
                for status, code in zip(node.elts, node.elts[1:]):
                    note(status, code)
            if isinstance(node, ast.Dict):
                for status, code in zip(node.keys, node.values):
                    if status is not None:
                        note(status, code)
    return found


def test_the_readme_tables_are_the_catalog():
    tables = _readme_tables()
    assert set(tables) == set(catalog.TABLES)  # one heading each
    for name, entries in catalog.TABLES.items():
        assert tables[name] == [(e.code, e.status, e.meaning, e.action.value) for e in entries], name


def test_every_code_the_source_produces_is_in_the_catalog_with_its_status():
    listed = {(e.code, e.status) for entries in catalog.TABLES.values() for e in entries}
    produced = _source_codes()
    assert {"ENDORSEMENT_MISMATCH", "URI_TOO_LONG", "INVALID_TOKEN", "PEER_UNAVAILABLE"} <= set(produced)
    missing = sorted((code, status) for code, statuses in produced.items() for status in statuses
                     if (code, status) not in listed)
    assert missing == []


def test_every_chaincode_code_is_listed_with_the_status_the_gateway_answers():
    for table, codes in ((catalog.BUDGETS, BudgetsCode), (catalog.REGISTRY, RegistryCode)):
        assert [e.code for e in table] == [code.value for code in codes]
        for entry in table:
            assert entry.status == chaincode_codes.http_status(entry.code), entry.code
