from datetime import date

import pytest

from grootboek.chaincode.registry.domain.errors import ErrorCode
from grootboek.chaincode.registry.domain.encumbrances import (
    AttachmentTerms,
    LimitedRightKind,
    LimitedRightTerms,
    MortgageTerms,
    PreemptionTerms,
)
from grootboek.chaincode.registry.domain.statements import StatementType

from .desk import MERCHANT, OFFICER, REGISTRY_CLERK, refused

PARCEL = "GNG00-K-1"


@pytest.fixture
def ann(desk):
    ann = desk.new_party()
    desk.new_parcel([ann.share("1/1")])
    return ann


def _register_mortgage(desk, lender, rank=1, caller=None, signer=None):
    terms = MortgageTerms(lender=lender.id, amount_cents=25_000_000, rank=rank)
    statement_terms = {"parcel_id": PARCEL, **terms.model_dump(mode="json")}
    signed = (signer or lender).sign_as(lender.id, StatementType.MORTGAGE_REGISTRATION, statement_terms)
    return desk.mortgages(*(caller,) if caller else ()).register(PARCEL, terms, signed)


def _cancel_mortgage(desk, mortgage_id, signer):
    signed = signer.sign(
        StatementType.MORTGAGE_CANCELLATION, {"parcel_id": PARCEL, "mortgage_id": mortgage_id}
    )
    desk.mortgages().cancel(PARCEL, mortgage_id, signed)


def test_a_lender_registers_and_cancels_a_mortgage_visible_on_the_parcel(desk, ann):
    bank, municipality_fund = desk.new_party(), desk.new_party()
    first = _register_mortgage(desk, bank)
    second = _register_mortgage(desk, municipality_fund, rank=2, caller=OFFICER)  # e.g. a starterslening
    assert desk.queries().parcel(PARCEL).encumbrances.mortgages == (first, second)
    assert (first.lender, first.amount_cents, first.rank) == (bank.id, 25_000_000, 1)
    with refused(ErrorCode.INVALID_ARGUMENT):
        _cancel_mortgage(desk, first.id, municipality_fund)  # only the lender signs a cancellation
    _cancel_mortgage(desk, first.id, bank)
    assert desk.queries().parcel(PARCEL).encumbrances.mortgages == (second,)
    with refused(ErrorCode.NOT_FOUND):
        _cancel_mortgage(desk, first.id, bank)


def test_mortgage_refusals(desk, ann):
    bank, other = desk.new_party(), desk.new_party()
    _register_mortgage(desk, bank)
    with refused(ErrorCode.RANK_TAKEN):
        _register_mortgage(desk, other, rank=1)
    with refused(ErrorCode.BAD_SIGNATURE):
        _register_mortgage(desk, bank, rank=2, signer=other)
    with refused(ErrorCode.FORBIDDEN):
        _register_mortgage(desk, bank, rank=2, caller=MERCHANT)


def test_attachments_are_laid_and_lifted_by_those_entitled(desk, ann):
    by_bailiff = desk.attachments().register(
        PARCEL, AttachmentTerms(creditor="Deurwaarder", reference="EXP-2024-1")
    )
    by_municipality = desk.attachments(OFFICER).register(
        PARCEL, AttachmentTerms(creditor="Gemeente", reference="OZB-7")
    )
    assert (by_bailiff.registered_by, by_municipality.registered_by) == ("RegistryMSP", "MunicipalityMSP")
    assert desk.queries().parcel(PARCEL).encumbrances.attachments == (by_bailiff, by_municipality)
    with refused(ErrorCode.FORBIDDEN):
        desk.attachments(OFFICER).lift(PARCEL, by_bailiff.id)
    with refused(ErrorCode.FORBIDDEN):
        desk.attachments(REGISTRY_CLERK).register(PARCEL, AttachmentTerms(creditor="X", reference="Y"))
    desk.attachments().lift(PARCEL, by_municipality.id)  # the registry records any lifting
    desk.attachments().lift(PARCEL, by_bailiff.id)
    assert desk.queries().parcel(PARCEL).encumbrances.attachments == ()
    with refused(ErrorCode.NOT_FOUND):
        desk.attachments().lift(PARCEL, by_bailiff.id)


def test_only_the_municipality_holds_preemption_rights_one_at_a_time(desk, ann):
    terms = PreemptionTerms(decision="Raadsbesluit 2024-17", expires_on=date(2027, 1, 1))
    with refused(ErrorCode.FORBIDDEN):
        desk.preemption(REGISTRY_CLERK).register(PARCEL, terms)
    with refused(ErrorCode.FORBIDDEN):
        desk.preemption(MERCHANT).register(PARCEL, terms)
    with refused(ErrorCode.INVALID_ARGUMENT):
        desk.preemption().register(PARCEL, terms.model_copy(update={"expires_on": date(2024, 1, 1)}))
    right = desk.preemption().register(PARCEL, terms)
    assert desk.queries().parcel(PARCEL).encumbrances.preemption == right
    with refused(ErrorCode.ALREADY_EXISTS):
        desk.preemption().register(PARCEL, terms)
    desk.preemption().withdraw(PARCEL)
    assert desk.queries().parcel(PARCEL).encumbrances.preemption is None
    with refused(ErrorCode.NOT_FOUND):
        desk.preemption().withdraw(PARCEL)


def test_an_expired_preemption_right_no_longer_binds_a_transfer(desk, ann):
    cas = desk.new_party()
    desk.preemption().register(PARCEL, PreemptionTerms(decision="Raadsbesluit", expires_on=date(2024, 3, 2)))
    transfer = desk.accept(desk.open_transfer(PARCEL, [ann], [cas.share("1/1")]), [cas])
    desk.now = desk.now.replace(day=2, hour=0)
    assert desk.transfers().record(transfer.id).ownership.owners[0].party == cas.id


def _grant_terms(holder, **changes):
    return LimitedRightTerms(
        **{"kind": LimitedRightKind.LEASEHOLD, "holder": holder.id, "starts": date(2024, 4, 1), **changes}
    )


def _grant(desk, terms, *signers):
    statement_terms = {"parcel_id": PARCEL, **terms.model_dump(mode="json")}
    return desk.limited_rights().grant(
        PARCEL, terms, [s.sign(StatementType.LIMITED_RIGHT_GRANT, statement_terms) for s in signers]
    )


def test_owners_and_holder_grant_a_limited_right_that_the_holder_releases(desk, ann):
    holder = desk.new_party()
    terms = _grant_terms(holder, ends=date(2074, 4, 1))
    with refused(ErrorCode.MISSING_SIGNATURE):
        _grant(desk, terms, holder)
    with refused(ErrorCode.MISSING_SIGNATURE):
        _grant(desk, terms, ann)
    right = _grant(desk, terms, ann, holder)
    assert (right.kind, right.holder, right.ends) == (LimitedRightKind.LEASEHOLD, holder.id, date(2074, 4, 1))
    assert desk.queries().parcel(PARCEL).encumbrances.limited_rights == (right,)
    with refused(ErrorCode.INVALID_ARGUMENT):
        desk.limited_rights().release(
            PARCEL,
            right.id,
            ann.sign(StatementType.LIMITED_RIGHT_RELEASE, {"parcel_id": PARCEL, "right_id": right.id}),
        )
    desk.limited_rights().release(
        PARCEL,
        right.id,
        holder.sign(StatementType.LIMITED_RIGHT_RELEASE, {"parcel_id": PARCEL, "right_id": right.id}),
    )
    assert desk.queries().parcel(PARCEL).encumbrances.limited_rights == ()


def test_a_limited_right_must_end_after_it_starts_and_only_registrars_record_it(desk, ann):
    holder = desk.new_party()
    with pytest.raises(ValueError, match="end after it starts"):
        _grant_terms(holder, ends=date(2024, 4, 1))
    terms = _grant_terms(holder, kind=LimitedRightKind.BUILDING_RIGHT)
    statement_terms = {"parcel_id": PARCEL, **terms.model_dump(mode="json")}
    with refused(ErrorCode.NOT_REGISTRY):
        desk.limited_rights(OFFICER).grant(
            PARCEL, terms, [s.sign(StatementType.LIMITED_RIGHT_GRANT, statement_terms) for s in (ann, holder)]
        )
