"""Finding parcels by address: Dutch addresses and search texts normalised (domain/address.py), and
the address index kept in step by registration, split and merge on the shim's memory ledger, and
written afterwards for the parcels of a ledger from before it (index_addresses)."""

import pytest

from grootboek.chaincode.registry.domain.address import Address, AddressIndex, AddressSearch, HouseNumber, fold
from grootboek.chaincode.registry.domain.errors import ErrorCode
from grootboek.chaincode.registry.storage.state import REGISTRY_POLICY

from .desk import refused
from .ledger_client import NAMESPACE, OFFICER, LedgerClient

POSTCODE, STREET, TOWN = AddressIndex.POSTCODE, AddressIndex.STREET, AddressIndex.TOWN


def test_street_and_town_are_folded_to_lower_case_without_accents_or_punctuation():
    assert fold("  Hoofdstraat ") == "hoofdstraat"
    assert fold("'s-Gravenhage") == "s gravenhage"
    assert fold("Rue de l'Église") == "rue de l eglise"
    assert fold("Dr.  Nolenslaan") == "dr nolenslaan"
    assert fold("Ĳsselmonde") == "ijsselmonde"


@pytest.mark.parametrize(("text", "parsed"), [
    ("Hoofdstraat 1, 9801 AA Zuidhorn", Address("hoofdstraat", HouseNumber("1"), "9801AA", "zuidhorn")),
    ("Hoofdstraat 12a, 9801aa  ZUIDHORN", Address("hoofdstraat", HouseNumber("12", "A"), "9801AA", "zuidhorn")),
    ("Hoofdstraat 12 - b, Zuidhorn", Address("hoofdstraat", HouseNumber("12", "B"), "", "zuidhorn")),
    ("Grote Markt 1-3 Groningen", Address("grote markt", HouseNumber("1", "3"), "", "groningen")),
    ("Van Starkenborghstraat 7", Address("van starkenborghstraat", HouseNumber("7"), "", "")),
    ("Weiland naast de kerk", Address("weiland naast de kerk")),
])
def test_a_parcels_address_is_read_as_street_number_postcode_and_town(text, parsed):
    assert Address.parse(text) == parsed


def test_an_address_has_entries_by_postcode_by_street_and_by_town():
    entries = Address.parse("Hoofdstraat 1a, 9801 AA Zuidhorn").index_entries()
    assert [(e.index, e.attributes) for e in entries] == [
        (POSTCODE, ("9801AA", "1", "A")),
        (STREET, ("hoofdstraat", "1", "A", "zuidhorn")),
        (TOWN, ("zuidhorn", "hoofdstraat", "1", "A")),
    ]
    assert [e.index for e in Address.parse("Hoofdstraat").index_entries()] == [STREET]


@pytest.mark.parametrize(("text", "search"), [
    ("9801 AA 1", AddressSearch(POSTCODE, ("9801AA", "1"))),
    ("9801aa 1", AddressSearch(POSTCODE, ("9801AA", "1"))),
    ("9801 AA, 1a", AddressSearch(POSTCODE, ("9801AA", "1", "A"))),
    ("9801AA", AddressSearch(POSTCODE, ("9801AA",))),
    ("9801", AddressSearch(POSTCODE, (), "9801")),
    ("9801 a", AddressSearch(POSTCODE, (), "9801A")),
    ("Hoofdstraat 1, 9801 AA Zuidhorn", AddressSearch(POSTCODE, ("9801AA", "1"))),
    ("Hoofdstraat 1 Zuidhorn", AddressSearch(TOWN, ("zuidhorn", "hoofdstraat", "1"))),
    ("hoofdstraat 1-B", AddressSearch(STREET, ("hoofdstraat", "1", "B"))),
    ("Hoofdstr", AddressSearch(STREET, (), "hoofdstr")),
    ("Hoofdstr, Zuidhorn", AddressSearch(TOWN, ("zuidhorn",), "hoofdstr")),
])
def test_a_search_text_asks_one_index_for_exact_and_partial_attributes(text, search):
    assert AddressSearch.parse(text) == search


@pytest.mark.parametrize(("text", "says"), [
    ("", "needs a postcode, or a street"),
    (" ,;- ", "needs a postcode, or a street"),
    ("12", "has a house number but no street or postcode"),
    ("x" * 201, "at most 200 characters"),
])
def test_a_search_text_that_names_no_address_is_refused_saying_why(text, says):
    with refused(ErrorCode.INVALID_ARGUMENT) as refusal:
        AddressSearch.parse(text)
    assert says in str(refusal.value)


def _parcel(number, area_m2, address=None, owners=None):
    described = {"designation": {"municipality": "ZHN00", "section": "K", "number": number}, "area_m2": area_m2}
    if address is not None:
        described["address"] = address
    return {**described, **({"owners": owners} if owners is not None else {})}


def _found(client, text, page_size=10, bookmark=""):
    page = client.call("get_parcels_by_address", text, page_size, bookmark)
    return [f["parcel"]["id"] for f in page["items"]], page["bookmark"]


@pytest.fixture
def client():
    return LedgerClient()


def test_registration_split_and_merge_keep_the_address_index_in_step(client):
    ann = client.new_party()
    owners = [{"party": ann.id, "share": "1/1"}]
    client.call("register_parcel", _parcel(1, 1000, "Hoofdstraat 1, 9801 AA Zuidhorn", owners))
    client.call("register_parcel", _parcel(2, 500, "Hoofdstraat 3, 9801 AA Zuidhorn", owners))
    client.call("register_parcel", _parcel(3, 500, "Hoofdweg 3, 9802 BB Zuidhorn", owners))
    client.call("register_parcel", _parcel(4, 500, None, owners))
    assert _found(client, "9801 AA 1") == (["ZHN00-K-1"], "")
    assert _found(client, "9801aa") == (["ZHN00-K-1", "ZHN00-K-2"], "")
    assert _found(client, "Hoofd")[0] == ["ZHN00-K-1", "ZHN00-K-2", "ZHN00-K-3"]
    assert _found(client, "hoofdstraat 3 zuidhorn")[0] == ["ZHN00-K-2"]

    client.call("split_parcel", "ZHN00-K-1", [_parcel(5, 600, "Hoofdstraat 1a, 9801 AA Zuidhorn"),
                                              _parcel(6, 400, "Hoofdstraat 1b, 9801 AA Zuidhorn")])
    assert _found(client, "9801 AA 1")[0] == ["ZHN00-K-5", "ZHN00-K-6"]  # the retired parent is gone
    assert _found(client, "9801 AA, 1b")[0] == ["ZHN00-K-6"]
    assert _found(client, "Hoofdstr")[0] == ["ZHN00-K-5", "ZHN00-K-6", "ZHN00-K-2"]

    client.call("merge_parcels", ["ZHN00-K-6", "ZHN00-K-2"], _parcel(7, 900, "Hoofdstraat 3, 9801 AA Zuidhorn"))
    assert _found(client, "Hoofdstraat, Zuidhorn")[0] == ["ZHN00-K-5", "ZHN00-K-7"]
    assert _found(client, "9801 AA 1b")[0] == []
    # Only the active parcels' entries are left, each with the registry's key-level policy.
    state = client.ledger.state(NAMESPACE)
    index = sorted(key for key in state if key.startswith("address~"))
    assert index == sorted(
        f"address~{name}/{attributes}/{parcel}"
        for parcel, (number, addition, postcode, street) in {
            "ZHN00-K-5": ("1", "A", "9801AA", "hoofdstraat"), "ZHN00-K-7": ("3", "", "9801AA", "hoofdstraat"),
            "ZHN00-K-3": ("3", "", "9802BB", "hoofdweg")}.items()
        for name, attributes in (("postcode", f"{postcode}/{number}/{addition}"),
                                 ("street", f"{street}/{number}/{addition}/zuidhorn"),
                                 ("town", f"zuidhorn/{street}/{number}/{addition}")))
    assert all(client.ledger.validation_parameter(key, namespace=NAMESPACE) == REGISTRY_POLICY for key in index)


def test_parcels_by_address_come_a_page_at_a_time(client):
    ann = client.new_party()
    for number in range(1, 6):
        client.call("register_parcel", _parcel(number, 100, f"Kerkstraat {number}, 9801 AB Zuidhorn",
                                               [{"party": ann.id, "share": "1/1"}]))
    first, bookmark = _found(client, "Kerkstr", page_size=2)
    second, last = _found(client, "Kerkstr", page_size=2, bookmark=bookmark)
    third, end = _found(client, "Kerkstr", page_size=2, bookmark=last)
    assert (first, second, third, end) == (
        ["ZHN00-K-1", "ZHN00-K-2"], ["ZHN00-K-3", "ZHN00-K-4"], ["ZHN00-K-5"], "")
    client.refused(ErrorCode.INVALID_ARGUMENT, "get_parcels_by_address", "9801 AB", 2, bookmark)
    client.refused(ErrorCode.INVALID_ARGUMENT, "get_parcels_by_address", "", 2)


def test_parcels_of_a_ledger_from_before_the_index_are_indexed_by_index_addresses(client):
    ann = client.new_party()
    owners = [{"party": ann.id, "share": "1/1"}]
    client.call("register_parcel", _parcel(1, 1000, "Hoofdstraat 1, 9801 AA Zuidhorn", owners))
    client.call("register_parcel", _parcel(2, 500, "Hoofdstraat 3, 9801 AA Zuidhorn", owners))
    client.call("register_parcel", _parcel(3, 500, None, owners))
    client.call("split_parcel", "ZHN00-K-2", [_parcel(4, 300, "Hoofdstraat 3a, 9801 AA Zuidhorn"),
                                              _parcel(5, 200, "Hoofdstraat 3b, 9801 AA Zuidhorn")])
    indexed = client.ledger.state(NAMESPACE)
    # The same world state as a chaincode that kept no address index would have left.
    before = LedgerClient()
    for key, value in indexed.items():
        if not key.startswith("address~"):
            before.ledger.put_state(key, value, NAMESPACE)
    assert _found(before, "9801 AA") == ([], "")

    listed = before.call("list_parcels", 100)
    assert before.call("index_addresses", [f["parcel"]["id"] for f in listed["items"]]) == 9  # 3 parcels x 3
    assert before.ledger.state(NAMESPACE) == indexed  # entries and key-level policies as if kept all along
    assert all(before.ledger.validation_parameter(key, namespace=NAMESPACE) == REGISTRY_POLICY
               for key in indexed if key.startswith("address~"))
    assert _found(before, "9801 AA")[0] == ["ZHN00-K-1", "ZHN00-K-4", "ZHN00-K-5"]  # not the retired one
    assert before.call("index_addresses", ["ZHN00-K-1", "ZHN00-K-4"]) == 0  # repeated: nothing to write

    before.refused(ErrorCode.NOT_FOUND, "index_addresses", ["ZHN00-K-1", "ZHN00-K-99"])
    before.refused(ErrorCode.INVALID_ARGUMENT, "index_addresses", ["ZHN00-K-1", "ZHN00\x00K-1"])
    before.refused(ErrorCode.INVALID_ARGUMENT, "index_addresses", [])
    before.refused(ErrorCode.INVALID_ARGUMENT, "index_addresses", [f"ZHN00-K-{n}" for n in range(1, 102)])
    before.refused(ErrorCode.NOT_REGISTRY, "index_addresses", ["ZHN00-K-1"], identity=OFFICER)
