"""The back office's CSV dry run (api/apps/office/): every bad row reported by line and field,
citizen numbers turned into keyed pseudonyms and budget ids that are the same in every file and
differ per scheme and per key, and the route that only officers, from the page, may call."""
from __future__ import annotations

import hashlib

import pytest

from grootboek.api.apps.office.beneficiaries import KEY_BYTES, CitizenKey, check, valid_bsn
from grootboek.api.auth.authenticate import CSRF_HEADER

from .conftest import make_gateway

KEY = CitizenKey(bytes(range(KEY_BYTES)))


def bsn(number: int) -> str:
    """The `number`-th nine-digit citizen number that passes the eleven test."""
    found = 0
    for candidate in range(100_000_000, 999_999_999):
        if valid_bsn(str(candidate)):
            found += 1
            if found > number:
                return str(candidate)
    raise AssertionError("unreachable")


def test_the_eleven_test():
    assert valid_bsn("111222333") and valid_bsn("123456782")
    assert not valid_bsn("123456789") and not valid_bsn("000000000") and not valid_bsn("12345678")
    assert not valid_bsn("12345678a")


def test_every_bad_row_is_reported_by_line_and_field_and_good_rows_go_through():
    text = ("\ufeffBSN;naam;postcode\n"
            f"{bsn(0)};Anna de Vries;9711 AB\n"
            f"123456789;Bram;9711AB\n"
            f"{bsn(1)};;12\n"
            "\n"
            f"{bsn(0)};Anna nog eens;\n"
            f"{bsn(2)};Cees\n"
            f"{bsn(3)};\"Dirk; junior\";9712 CD\n")
    checked = check(text, "kindpakket-2027", KEY)
    assert [(p.line, p.field) for p in checked.problems] == [
        (3, "bsn"), (4, "naam"), (4, "postcode"), (6, "bsn"), (7, "")]
    assert (checked.problems[3].code, checked.problems[3].values) == ("bsn_twice", {"line": 2})
    assert "has 2 values, the header 3" in checked.problems[4].message
    assert [(row.line, row.naam, row.postcode) for row in checked.rows] == [
        (2, "Anna de Vries", "9711 AB"), (8, "Dirk; junior", "9712 CD")]
    assert bsn(0) not in checked.model_dump_json()


def test_a_file_without_the_columns_it_needs_says_which():
    checked = check("burgerservicenummer,naam,kleur\n111222333,Anna,rood\n", "s", KEY)
    assert checked.rows == [] and [(p.line, p.field) for p in checked.problems] == [
        (1, "bsn"), (1, "burgerservicenummer"), (1, "kleur")]
    assert check("bsn,naam\n", "s", KEY).problems[0].message == "the file has no beneficiaries"


def test_pseudonyms_are_keyed_stable_across_files_and_budget_ids_differ_per_scheme():
    first = check(f"bsn,naam\n{bsn(0)},Anna\n{bsn(1)},Bram\n", "zomer", KEY).rows
    again = check(f"naam,bsn\nBram,{bsn(1)}\n", "zomer", KEY).rows
    other_scheme = check(f"bsn,naam\n{bsn(1)},Bram\n", "winter", KEY).rows
    other_key = check(f"bsn,naam\n{bsn(1)},Bram\n", "zomer", CitizenKey(b"\x01" * KEY_BYTES)).rows
    assert (again[0].budget_id, again[0].beneficiary) == (first[1].budget_id, first[1].beneficiary)
    assert other_scheme[0].beneficiary == first[1].beneficiary and other_scheme[0].budget_id != first[1].budget_id
    assert other_key[0].beneficiary != first[1].beneficiary
    assert hashlib.sha256(bsn(1).encode()).hexdigest()[:40] not in first[1].beneficiary  # keyed, not a plain hash


def test_the_key_is_made_once_readable_only_by_the_gateway_and_checked(tmp_path):
    path = tmp_path / "keys" / "citizen.key"
    made = CitizenKey.load(path)
    assert CitizenKey.load(path) == made and path.stat().st_mode & 0o077 == 0
    path.write_text("abcd\n")
    with pytest.raises(ValueError, match="at least 32 bytes"):
        CitizenKey.load(path)


@pytest.fixture
def gateway(tmp_path, organisation):
    return make_gateway(tmp_path, organisation, apps=["office"])


def _signed_in(gateway, user):
    client = gateway.client()
    response = client.post("/office/session", json={"token": gateway.tokens[user]})
    assert response.status_code == 201, response.get_json()
    return client, response.get_json()["csrf_token"]


def test_only_officers_check_files_from_the_page(gateway):
    client, csrf = _signed_in(gateway, "officer")
    body = {"scheme_id": "zomer", "csv": f"bsn,naam\n{bsn(0)},Anna\nkapot,Bram\n"}
    assert client.post("/office/imports/check", json=body).get_json()["code"] == "CSRF_REJECTED"
    answer = client.post("/office/imports/check", json=body, headers={CSRF_HEADER: csrf}).get_json()
    assert [row["naam"] for row in answer["rows"]] == ["Anna"] and answer["problems"][0]["line"] == 3
    assert (gateway.services.config.data_dir / "citizen-number.key").exists()
    wrong = client.post("/office/imports/check", json={"scheme_id": "zo mer", "csv": ""}, headers={CSRF_HEADER: csrf})
    assert wrong.status_code == 422
    assert {e["field"] for e in wrong.get_json()["errors"]} == {"body.scheme_id", "body.csv"}
    shop, shop_csrf = _signed_in(gateway, "shop")  # signs in to look (reader), may not import
    refused = shop.post("/office/imports/check", json=body, headers={CSRF_HEADER: shop_csrf})
    assert refused.status_code == 403 and "role officer" in refused.get_json()["message"]
    assert gateway.invoker.calls == []
