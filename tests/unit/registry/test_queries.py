from datetime import timedelta

from grootboek.chaincode.registry.domain.errors import ErrorCode
from grootboek.chaincode.registry.domain.page import PageRequest

from .desk import START, description, refused

PARCEL = "GNG00-K-1"


def test_ownership_history_comes_oldest_first_in_pages(desk):
    ann, bob, cas = desk.new_party(), desk.new_party(), desk.new_party()
    desk.new_parcel([ann.share("1/1")])
    desk.sell(PARCEL, [ann], [(bob, "1/1")])
    desk.sell(PARCEL, [bob], [(cas, "1/2"), (ann, "1/2")])

    first = desk.queries().ownership_history(PARCEL, PageRequest(2))
    assert [e.ownership.version for e in first.items] == [1, 2] and first.bookmark == "3"
    rest = desk.queries().ownership_history(PARCEL, PageRequest(2, first.bookmark))
    assert [e.ownership.version for e in rest.items] == [3] and rest.bookmark == ""
    owners = [{s.party for s in e.ownership.owners} for e in (*first.items, *rest.items)]
    assert owners == [{ann.id}, {bob.id}, {ann.id, cas.id}]
    for entry in (*first.items, *rest.items):
        assert entry.timestamp == entry.ownership.since and entry.tx_id
    with refused(ErrorCode.INVALID_ARGUMENT):
        desk.queries().ownership_history(PARCEL, PageRequest(2, "GNG00-K-1"))
    with refused(ErrorCode.NOT_FOUND):
        desk.queries().ownership_history("GNG00-K-2", PageRequest(2))


def test_ownership_at_a_moment_is_the_last_state_recorded_by_then(desk):
    ann, bob = desk.new_party(), desk.new_party()
    registered = desk.new_parcel([ann.share("1/1")]).ownership.since
    sold = desk.sell(PARCEL, [ann], [(bob, "1/1")]).ownership.since
    assert registered.date() == sold.date() == START.date()

    def owner_at(at):
        return desk.queries().ownership_at(PARCEL, at).ownership.owners[0].party

    assert owner_at(registered.isoformat()) == ann.id
    assert owner_at((sold - timedelta(microseconds=1)).isoformat()) == ann.id
    assert owner_at(sold.isoformat()) == bob.id
    assert owner_at(START.date().isoformat()) == bob.id  # a date means the end of that day
    with refused(ErrorCode.NOT_FOUND):
        desk.queries().ownership_at(PARCEL, (START - timedelta(days=1)).date().isoformat())
    with refused(ErrorCode.INVALID_ARGUMENT):
        desk.queries().ownership_at(PARCEL, "last week")


def test_ownership_of_a_retired_parcel_is_asked_of_its_successors(desk):
    ann = desk.new_party()
    desk.new_parcel([ann.share("1/1")], area_m2=100)
    children = desk.parcels().split(PARCEL, [description(2, 50), description(3, 50)])
    split_at = children[0].parcel.registered_at
    assert (
        desk.queries().ownership_at(PARCEL, (split_at - timedelta(seconds=1)).isoformat()).ownership.version
        == 1
    )
    with refused(ErrorCode.PARCEL_RETIRED):
        desk.queries().ownership_at(PARCEL, split_at.isoformat())


def test_parcels_and_parcels_by_owner_are_paginated_with_bookmarks(desk):
    ann, bob = desk.new_party(), desk.new_party()
    for number in range(1, 6):
        desk.new_parcel([ann.share("1/1")], number=number)
    desk.new_parcel([bob.share("1/1")], number=6)

    ids, bookmark = [], ""
    while True:
        page = desk.queries().parcels_of_owner(ann.id, PageRequest(2, bookmark))
        assert len(page.items) <= 2
        ids += [f.parcel.id for f in page.items]
        if not (bookmark := page.bookmark):
            break
    assert ids == [f"GNG00-K-{n}" for n in range(1, 6)]
    everything = desk.queries().parcels(PageRequest(10))
    assert len(everything.items) == 6 and everything.bookmark == ""
    assert desk.queries().parcels_of_owner("pty_nobody", PageRequest(10)).items == ()


def test_unknown_records_are_not_found(desk):
    for query in (lambda q: q.parcel("GNG00-K-1"), lambda q: q.transfer("tr_x"), lambda q: q.party("pty_x")):
        with refused(ErrorCode.NOT_FOUND):
            query(desk.queries())
