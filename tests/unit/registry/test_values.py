from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from grootboek.chaincode.registry.domain.designation import Designation
from grootboek.chaincode.registry.domain.errors import ErrorCode
from grootboek.chaincode.registry.domain.instants import parse_instant
from grootboek.chaincode.registry.domain.page import PageRequest
from grootboek.chaincode.registry.domain.parcel import ParcelDescription
from grootboek.chaincode.registry.domain.party import PartyDetails

from .desk import refused

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}


def test_a_designation_names_the_parcel():
    assert Designation(municipality="ASD04", section="K", number=1234).parcel_id == "ASD04-K-1234"
    for bad in [{"municipality": "asd04"}, {"section": "K1"}, {"number": 0}]:
        with pytest.raises(ValidationError):
            Designation(**{"municipality": "ASD04", "section": "K", "number": 1, **bad})


def test_geometry_must_be_a_closed_polygon_or_multipolygon():
    designation = Designation(municipality="ASD04", section="K", number=1)
    assert ParcelDescription(designation=designation, area_m2=100, geometry=SQUARE).geometry == SQUARE
    ParcelDescription(
        designation=designation,
        area_m2=100,
        geometry={"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]},
    )
    open_ring = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10]]]}
    for bad in [
        open_ring,
        {"type": "Point", "coordinates": [0, 0]},
        {"type": "Polygon", "coordinates": [[["a", 0]] * 4]},
    ]:
        with pytest.raises(ValidationError, match="geometry"):
            ParcelDescription(designation=designation, area_m2=100, geometry=bad)
    with pytest.raises(ValidationError, match="area_m2"):
        ParcelDescription(designation=designation, area_m2=0)


def test_personal_details_need_a_valid_bsn_or_kvk_and_errors_do_not_echo_them():
    person = PartyDetails.from_transient(
        b'{"name": "Jan Jansen", "address": "Markt 1, Groningen", "bsn": "111222333"}'
    )
    assert (person.name, person.bsn, person.kvk) == ("Jan Jansen", "111222333", None)
    assert (
        PartyDetails.from_transient(b'{"name": "Bouw BV", "address": "Weg 2", "kvk": "12345678"}').kvk
        == "12345678"
    )
    with refused(ErrorCode.INVALID_ARGUMENT) as info:
        PartyDetails.from_transient(b'{"name": "Jan Jansen", "address": "Markt 1", "bsn": "111222334"}')
    assert "eleven test" in str(info.value) and "111222334" not in str(info.value)
    with refused(ErrorCode.INVALID_ARGUMENT):
        PartyDetails.from_transient(b'{"name": "X", "address": "Y", "bsn": "111222333", "kvk": "12345678"}')
    with refused(ErrorCode.INVALID_ARGUMENT):
        PartyDetails.from_transient(None)


def test_instants_are_dates_meaning_end_of_day_or_datetimes_with_offset():
    assert parse_instant("2024-05-01") == datetime(2024, 5, 1, 23, 59, 59, 999999, tzinfo=timezone.utc)
    assert parse_instant("2024-05-01T12:00:00+02:00") == datetime(2024, 5, 1, 10, tzinfo=timezone.utc)
    for bad in ["2024-05-01T12:00:00", "yesterday", "2024-13-01"]:
        with refused(ErrorCode.INVALID_ARGUMENT):
            parse_instant(bad)


def test_page_size_is_bounded():
    assert PageRequest(100).bookmark == ""
    for size in (0, 101):
        with refused(ErrorCode.INVALID_ARGUMENT):
            PageRequest(size)
