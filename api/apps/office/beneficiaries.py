"""A CSV file of beneficiaries, checked before anything is issued: every bad row is reported by
line and field, and every good row gets its pseudonym and budget id.

Both are keyed HMACs of the citizen number (BSN), with a key only the municipality's gateway
holds: the ledger, which every member reads, never sees a BSN, and a plain hash of a nine-digit
number could be reversed by trying them all. The same resident gets the same pseudonym in every
file, so a duplicate across files is the same budget id, which the chaincode refuses to issue
twice (ALREADY_EXISTS): running a file again issues nothing twice.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

REQUIRED = ("bsn", "naam")
OPTIONAL = ("adres", "postcode", "woonplaats")
MAX_ROWS = 10_000
MAX_NAME = 200
KEY_BYTES = 32
BUDGET_ID_HEX = 16  # 64 bits: no collision in any municipality's lifetime, and short enough to type off a letter
_POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Z]{2}$")


class Problem(BaseModel):
    """What is wrong where: `code` and `values` let the page say it in its own language."""

    line: int
    field: str
    code: str
    message: str
    values: dict[str, int | str] = {}


class Row(BaseModel):
    """A good row: what the officer's page issues and prints. The BSN is not in it."""

    line: int
    budget_id: str
    beneficiary: str
    naam: str
    adres: str = ""
    postcode: str = ""
    woonplaats: str = ""


class Checked(BaseModel):
    rows: list[Row]
    problems: list[Problem]


@dataclass(frozen=True)
class CitizenKey:
    """The municipality's key for citizen numbers."""

    secret: bytes

    @classmethod
    def load(cls, path: Path) -> "CitizenKey":
        """Reads the key file, or makes one (readable only by the gateway) the first time."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another worker made it first: use theirs
                pass
            else:
                with os.fdopen(descriptor, "w") as file:
                    file.write(secrets.token_hex(KEY_BYTES) + "\n")
        text = path.read_text().strip()
        try:
            secret = bytes.fromhex(text)
        except ValueError:
            secret = b""
        if len(secret) < KEY_BYTES:
            raise ValueError(f"{path}: the citizen number key must be at least {KEY_BYTES} bytes, written as hex")
        return cls(secret)

    def _mac(self, purpose: str, text: str) -> str:
        return hmac.new(self.secret, f"{purpose}\x00{text}".encode(), hashlib.sha256).hexdigest()

    def pseudonym(self, bsn: str) -> str:
        """The beneficiary's name on the ledger: the same in every scheme and every file."""
        return "p-" + self._mac("beneficiary", bsn)[:40]

    def budget_id(self, scheme_id: str, bsn: str) -> str:
        """One budget per resident per scheme, whichever file names them."""
        return "b-" + self._mac(f"budget\x00{scheme_id}", bsn)[:BUDGET_ID_HEX]


def valid_bsn(text: str) -> bool:
    """Nine digits passing the eleven test (the last digit counts -1)."""
    if not re.fullmatch(r"[0-9]{9}", text) or text == "000000000":
        return False
    digits = [int(c) for c in text]
    return (sum(d * w for d, w in zip(digits, range(9, 1, -1))) - digits[8]) % 11 == 0


def check(text: str, scheme_id: str, key: CitizenKey) -> Checked:
    """Every row of the file checked; nothing is issued here."""
    text = text.removeprefix("\ufeff")  # spreadsheets save UTF-8 with a byte order mark
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    problems = _header_problems(header)
    if problems:
        return Checked(rows=[], problems=problems)
    rows: list[Row] = []
    seen: dict[str, int] = {}
    count = 0
    for record in reader:
        line = reader.line_num
        if not any(value.strip() for value in record):
            continue  # blank lines, such as a trailing one
        count += 1
        if count > MAX_ROWS:
            problems.append(Problem(line=line, field="", code="too_many_rows", values={"max": MAX_ROWS},
                                    message=f"a file holds at most {MAX_ROWS} rows"))
            break
        row, found = _row(line, header, record, seen, scheme_id, key)
        problems.extend(found)
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        problems.append(Problem(line=1, field="", code="empty", message="the file has no beneficiaries"))
    return Checked(rows=rows, problems=problems)


def _header_problems(header: list[str]) -> list[Problem]:
    known = ", ".join(REQUIRED + OPTIONAL)
    problems = [Problem(line=1, field=name, code="column_missing", message="a column this file must have is missing")
                for name in REQUIRED if name not in header]
    problems += [Problem(line=1, field=name or "(empty)", code="column_unknown", values={"known": known},
                         message=f"unknown column (known: {known})") for name in header if name not in REQUIRED + OPTIONAL]
    problems += [Problem(line=1, field=name, code="column_twice", message="the column appears twice")
                 for name in sorted(set(header)) if header.count(name) > 1]
    return problems


def _row(line: int, header: list[str], record: list[str], seen: dict[str, int], scheme_id: str,
         key: CitizenKey) -> tuple[Row | None, list[Problem]]:
    if len(record) != len(header):
        return None, [Problem(line=line, field="", code="values", values={"found": len(record), "header": len(header)},
                              message=f"has {len(record)} values, the header {len(header)}")]
    values = {name: value.strip() for name, value in zip(header, record)}
    problems = []
    bsn = values["bsn"]
    if not valid_bsn(bsn):
        problems.append(Problem(line=line, field="bsn", code="bsn_invalid",
                                message="not a citizen number (nine digits passing the eleven test)"))
    elif bsn in seen:
        problems.append(Problem(line=line, field="bsn", code="bsn_twice", values={"line": seen[bsn]},
                                message=f"the same citizen number as line {seen[bsn]}"))
    else:
        seen[bsn] = line
    if not values["naam"]:
        problems.append(Problem(line=line, field="naam", code="empty_value", message="is empty"))
    elif len(values["naam"]) > MAX_NAME:
        problems.append(Problem(line=line, field="naam", code="too_long", values={"max": MAX_NAME},
                                message=f"is longer than {MAX_NAME} characters"))
    postcode = values.get("postcode", "").upper()
    if postcode and not _POSTCODE.fullmatch(postcode):
        problems.append(Problem(line=line, field="postcode", code="postcode_invalid",
                                message="not a Dutch postcode (1234 AB)"))
    if problems:
        return None, problems
    return Row(line=line, budget_id=key.budget_id(scheme_id, bsn), beneficiary=key.pseudonym(bsn),
               naam=values["naam"], adres=values.get("adres", ""), postcode=postcode,
               woonplaats=values.get("woonplaats", "")), []
