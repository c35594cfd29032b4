from grootboek.chaincode.registry.domain.encumbrances import AttachmentTerms, MortgageTerms
from grootboek.chaincode.registry.domain.errors import ErrorCode
from grootboek.chaincode.registry.domain.ownership import OwnershipCause
from grootboek.chaincode.registry.domain.page import PageRequest
from grootboek.chaincode.registry.domain.parcel import ParcelRegistration, ParcelStatus
from grootboek.chaincode.registry.domain.shares import Share
from grootboek.chaincode.registry.domain.statements import StatementType

from .desk import OFFICER, START, description, designation, refused


def test_registration_records_the_parcel_its_owners_and_no_encumbrances(desk):
    ann, bob = desk.new_party(), desk.new_party()
    file = desk.new_parcel([ann.share("1/3"), bob.share("2/3")], area_m2=1500)
    assert file.parcel.id == "GNG00-K-1" and file.parcel.status is ParcelStatus.ACTIVE
    assert (file.ownership.version, file.ownership.cause) == (1, OwnershipCause.REGISTRATION)
    assert [s.party for s in file.ownership.owners] == sorted([ann.id, bob.id])
    assert file.encumbrances.model_dump(exclude={"parcel_id"}) == {
        "limited_rights": (),
        "mortgages": (),
        "attachments": (),
        "preemption": None,
        "pending_transfer": None,
    }
    assert desk.queries().parcel(file.parcel.id) == file
    assert desk.queries().parcels_of_owner(ann.id, PageRequest(10)).items == (file,)


def test_registration_refusals(desk):
    ann = desk.new_party()
    with refused(ErrorCode.NOT_REGISTRY):
        desk.parcels(OFFICER).register(
            ParcelRegistration(designation=designation(1), area_m2=10, owners=(ann.share("1/1"),))
        )
    with refused(ErrorCode.SHARES_DO_NOT_SUM):
        desk.new_parcel([ann.share("1/2")])
    with refused(ErrorCode.NOT_FOUND):
        desk.new_parcel(
            [ann.share("1/2"), desk.new_party().share("1/3"), Share(party="pty_ghost", share="1/6")]
        )
    desk.new_parcel([ann.share("1/1")])
    with refused(ErrorCode.ALREADY_EXISTS):
        desk.new_parcel([ann.share("1/1")])


def test_a_split_retires_the_parent_and_children_inherit_owners_and_encumbrances(desk):
    ann, bank = desk.new_party(), desk.new_party()
    parent = desk.new_parcel([ann.share("1/1")], number=1, area_m2=1000)
    terms = MortgageTerms(lender=bank.id, amount_cents=10_000_000, rank=1)
    signed = bank.sign(
        StatementType.MORTGAGE_REGISTRATION, {"parcel_id": parent.parcel.id, **terms.model_dump(mode="json")}
    )
    mortgage = desk.mortgages().register(parent.parcel.id, terms, signed)

    children = desk.parcels().split(parent.parcel.id, [description(2, 600), description(3, 400)])

    assert [c.parcel.id for c in children] == ["GNG00-K-2", "GNG00-K-3"]
    retired = desk.queries().parcel(parent.parcel.id).parcel
    assert retired.status is ParcelStatus.RETIRED and retired.children == ("GNG00-K-2", "GNG00-K-3")
    for child in children:
        assert child.parcel.parents == (parent.parcel.id,)
        assert child.ownership.owners == parent.ownership.owners
        assert (child.ownership.cause, child.ownership.reference) == (
            OwnershipCause.SPLIT,
            (parent.parcel.id,),
        )
        assert child.encumbrances.mortgages == (mortgage,)
    owned = desk.queries().parcels_of_owner(ann.id, PageRequest(10)).items
    assert [f.parcel.id for f in owned] == ["GNG00-K-2", "GNG00-K-3"]


def test_split_refusals(desk):
    ann = desk.new_party()
    parent = desk.new_parcel([ann.share("1/1")], number=1, area_m2=1000)
    desk.new_parcel([ann.share("1/1")], number=9, area_m2=10)
    with refused(ErrorCode.AREA_MISMATCH):
        desk.parcels().split(parent.parcel.id, [description(2, 600), description(3, 300)])
    with refused(ErrorCode.INVALID_ARGUMENT):
        desk.parcels().split(parent.parcel.id, [description(2, 1000)])
    with refused(ErrorCode.INVALID_ARGUMENT):
        desk.parcels().split(parent.parcel.id, [description(2, 500), description(2, 500)])
    with refused(ErrorCode.ALREADY_EXISTS):
        desk.parcels().split(parent.parcel.id, [description(2, 990), description(9, 10)])
    with refused(ErrorCode.NOT_REGISTRY):
        desk.parcels(OFFICER).split(parent.parcel.id, [description(2, 500), description(3, 500)])
    with refused(ErrorCode.NOT_FOUND):
        desk.parcels().split("GNG00-K-77", [description(2, 500), description(3, 500)])
    desk.open_transfer(parent.parcel.id, [ann], [desk.new_party().share("1/1")])
    with refused(ErrorCode.TRANSFER_PENDING):
        desk.parcels().split(parent.parcel.id, [description(2, 500), description(3, 500)])


def test_a_retired_parcel_cannot_change(desk):
    ann = desk.new_party()
    parent = desk.new_parcel([ann.share("1/1")], number=1, area_m2=1000)
    desk.parcels().split(parent.parcel.id, [description(2, 500), description(3, 500)])
    with refused(ErrorCode.PARCEL_RETIRED):
        desk.parcels().split(parent.parcel.id, [description(4, 500), description(5, 500)])
    with refused(ErrorCode.PARCEL_RETIRED):
        desk.attachments().register(
            parent.parcel.id, AttachmentTerms(creditor="Belastingdienst", reference="W-1")
        )
    with refused(ErrorCode.PARCEL_RETIRED):
        desk.open_transfer(parent.parcel.id, [ann], [desk.new_party().share("1/1")])


def test_a_merge_joins_parcels_with_identical_rights_and_keeps_lineage(desk):
    ann = desk.new_party()
    desk.new_parcel([ann.share("1/1")], number=1, area_m2=300)
    desk.new_parcel([ann.share("1/1")], number=2, area_m2=200)
    merged = desk.parcels().merge(["GNG00-K-1", "GNG00-K-2"], description(3, 500))
    assert merged.parcel.parents == ("GNG00-K-1", "GNG00-K-2")
    assert (merged.ownership.cause, merged.ownership.reference) == (
        OwnershipCause.MERGE,
        ("GNG00-K-1", "GNG00-K-2"),
    )
    for parent_id in ("GNG00-K-1", "GNG00-K-2"):
        parent = desk.queries().parcel(parent_id).parcel
        assert (parent.status, parent.children, parent.retired_at) == (
            ParcelStatus.RETIRED,
            ("GNG00-K-3",),
            merged.parcel.registered_at,
        )
    assert [f.parcel.id for f in desk.queries().parcels_of_owner(ann.id, PageRequest(10)).items] == [
        "GNG00-K-3"
    ]
    assert merged.parcel.registered_at > START


def test_merge_refusals(desk):
    ann, bob = desk.new_party(), desk.new_party()
    desk.new_parcel([ann.share("1/1")], number=1, area_m2=300)
    desk.new_parcel([ann.share("1/1")], number=2, area_m2=200)
    desk.new_parcel([bob.share("1/1")], number=3, area_m2=100)
    with refused(ErrorCode.RIGHTS_DIFFER):
        desk.parcels().merge(["GNG00-K-1", "GNG00-K-3"], description(4, 400))
    with refused(ErrorCode.AREA_MISMATCH):
        desk.parcels().merge(["GNG00-K-1", "GNG00-K-2"], description(4, 400))
    with refused(ErrorCode.INVALID_ARGUMENT):
        desk.parcels().merge(["GNG00-K-1", "GNG00-K-1"], description(4, 600))
    with refused(ErrorCode.ALREADY_EXISTS):
        desk.parcels().merge(["GNG00-K-1", "GNG00-K-2"], description(3, 500))
    desk.attachments().register("GNG00-K-2", AttachmentTerms(creditor="Belastingdienst", reference="W-1"))
    with refused(ErrorCode.RIGHTS_DIFFER):
        desk.parcels().merge(["GNG00-K-1", "GNG00-K-2"], description(4, 500))
