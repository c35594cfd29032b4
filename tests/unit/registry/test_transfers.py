import pytest

from grootboek.chaincode.registry.domain.encumbrances import AttachmentTerms, PreemptionTerms
from grootboek.chaincode.registry.domain.errors import ErrorCode
from grootboek.chaincode.registry.domain.ownership import OwnershipCause
from grootboek.chaincode.registry.domain.page import PageRequest
from grootboek.chaincode.registry.domain.shares import Share
from grootboek.chaincode.registry.domain.statements import StatementType
from grootboek.chaincode.registry.domain.transfer import TransferStatus, TransferTerms

from .desk import MERCHANT, OFFICER, REGISTRY_CLERK, refused

PARCEL = "GNG00-K-1"


@pytest.fixture
def sale(desk):
    """Ann and Bob own the parcel half each; Ann sells her half to Cas."""
    ann, bob, cas = desk.new_party(), desk.new_party(), desk.new_party()
    desk.new_parcel([ann.share("1/2"), bob.share("1/2")])
    return ann, bob, cas


def _terms(sellers, buyers):
    return TransferTerms(parcel_id=PARCEL, sellers=tuple(s.id for s in sellers), buyers=tuple(buyers))


def _consents(terms, *signers):
    return [s.sign(StatementType.TRANSFER_CONSENT, terms.model_dump(mode="json")) for s in signers]


def test_consent_acceptance_and_recording_pass_ownership(desk, sale):
    ann, bob, cas = sale
    transfer = desk.open_transfer(PARCEL, [ann], [cas.share("1/2")])
    assert transfer.status is TransferStatus.AWAITING_ACCEPTANCE
    assert desk.queries().parcel(PARCEL).encumbrances.pending_transfer == transfer.id
    assert desk.queries().parcel(PARCEL).ownership.version == 1  # nothing changes before recording

    accepted = desk.accept(transfer, [cas])
    assert accepted.status is TransferStatus.ACCEPTED
    file = desk.transfers().record(transfer.id)

    assert {(s.party, str(s.share)) for s in file.ownership.owners} == {(bob.id, "1/2"), (cas.id, "1/2")}
    assert (file.ownership.version, file.ownership.cause, file.ownership.reference) == (
        2,
        OwnershipCause.TRANSFER,
        (transfer.id,),
    )
    assert file.encumbrances.pending_transfer is None
    assert desk.queries().transfer(transfer.id).status is TransferStatus.RECORDED
    assert desk.queries().parcels_of_owner(ann.id, PageRequest(10)).items == ()
    assert [f.parcel.id for f in desk.queries().parcels_of_owner(cas.id, PageRequest(10)).items] == [PARCEL]


def test_statements_can_be_submitted_by_a_municipality_officer(desk, sale):
    ann, _, cas = sale
    terms = _terms([ann], [cas.share("1/2")])
    transfer = desk.transfers(OFFICER).open(terms, _consents(terms, ann))
    assert transfer.terms == terms
    for outsider in (MERCHANT, REGISTRY_CLERK):
        with refused(ErrorCode.FORBIDDEN):
            desk.transfers(outsider).open(terms, _consents(terms, ann))


def test_opening_needs_every_seller_to_consent_to_exactly_these_terms(desk, sale):
    ann, bob, cas = sale
    terms = _terms([ann, bob], [cas.share("1/1")])
    with refused(ErrorCode.MISSING_SIGNATURE):
        desk.transfers().open(terms, _consents(terms, ann))
    with refused(ErrorCode.INVALID_ARGUMENT):
        desk.transfers().open(terms, _consents(terms, ann, bob, cas))
    with refused(ErrorCode.INVALID_ARGUMENT):
        desk.transfers().open(terms, _consents(terms, ann, ann, bob))
    cheaper = terms.model_copy(update={"price_cents": 1})
    with refused(ErrorCode.BAD_SIGNATURE):
        desk.transfers().open(cheaper, _consents(terms, ann, bob))
    forged = ann.sign_as(bob.id, StatementType.TRANSFER_CONSENT, terms.model_dump(mode="json"))
    with refused(ErrorCode.BAD_SIGNATURE):
        desk.transfers().open(terms, [*_consents(terms, ann), forged])


def test_a_signed_statement_counts_once(desk, sale):
    ann, _, cas = sale
    terms = _terms([ann], [cas.share("1/2")])
    consents = _consents(terms, ann)
    transfer = desk.transfers().open(terms, consents)
    desk.transfers().cancel(transfer.id)
    with refused(ErrorCode.REPLAYED):
        desk.transfers().open(terms, consents)
    desk.transfers().open(terms, _consents(terms, ann))


def test_opening_refusals(desk, sale):
    ann, bob, cas = sale
    with refused(ErrorCode.NOT_OWNER):
        desk.open_transfer(PARCEL, [cas], [ann.share("1/2")])
    with refused(ErrorCode.SHARES_DO_NOT_SUM):
        desk.open_transfer(PARCEL, [ann], [cas.share("1/3")])
    terms = TransferTerms(parcel_id=PARCEL, sellers=(ann.id,), buyers=(cas.share("1/4"), bob.share("1/4")))
    desk.transfers().open(terms, _consents(terms, ann))  # a co-owner may buy too
    with refused(ErrorCode.TRANSFER_PENDING):
        desk.open_transfer(PARCEL, [bob], [cas.share("1/2")])
    with refused(ErrorCode.NOT_FOUND):
        desk.open_transfer("GNG00-K-99", [ann], [cas.share("1/2")])


def test_an_unregistered_buyer_is_refused(desk, sale):
    ann, _, _ = sale
    with refused(ErrorCode.NOT_FOUND):
        desk.open_transfer(PARCEL, [ann], [Share(party="pty_ghost", share="1/2")])


def test_an_attached_parcel_cannot_be_transferred(desk, sale):
    ann, _, cas = sale
    desk.attachments().register(PARCEL, AttachmentTerms(creditor="Belastingdienst", reference="W-1"))
    with refused(ErrorCode.ATTACHED):
        desk.open_transfer(PARCEL, [ann], [cas.share("1/2")])


def test_an_attachment_laid_during_a_transfer_blocks_its_recording(desk, sale):
    ann, _, cas = sale
    transfer = desk.accept(desk.open_transfer(PARCEL, [ann], [cas.share("1/2")]), [cas])
    attachment = desk.attachments(OFFICER).register(
        PARCEL, AttachmentTerms(creditor="Gemeente", reference="OZB-7")
    )
    with refused(ErrorCode.ATTACHED):
        desk.transfers().record(transfer.id)
    desk.attachments(OFFICER).lift(PARCEL, attachment.id)
    assert desk.transfers().record(transfer.id).ownership.version == 2


def test_recording_needs_every_buyer_to_accept_first(desk, sale):
    ann, bob, cas = sale
    dirk = desk.new_party()
    terms = _terms([ann], [cas.share("1/4"), dirk.share("1/4")])
    transfer = desk.transfers().open(terms, _consents(terms, ann))
    with refused(ErrorCode.INVALID_STATE):
        desk.transfers().record(transfer.id)
    with refused(ErrorCode.MISSING_SIGNATURE):
        desk.accept(transfer, [cas])
    with refused(ErrorCode.INVALID_ARGUMENT):
        desk.accept(transfer, [cas, dirk, bob])
    desk.accept(transfer, [cas, dirk])
    with refused(ErrorCode.INVALID_STATE):
        desk.accept(transfer, [cas, dirk])
    with refused(ErrorCode.NOT_REGISTRY):
        desk.transfers(OFFICER).record(transfer.id)
    desk.transfers().record(transfer.id)
    with refused(ErrorCode.INVALID_STATE):
        desk.transfers().record(transfer.id)
    with refused(ErrorCode.INVALID_STATE):
        desk.transfers().cancel(transfer.id)


def test_cancelling_unlocks_the_parcel(desk, sale):
    ann, _, cas = sale
    transfer = desk.open_transfer(PARCEL, [ann], [cas.share("1/2")])
    with refused(ErrorCode.NOT_REGISTRY):
        desk.transfers(OFFICER).cancel(transfer.id)
    assert desk.transfers().cancel(transfer.id).status is TransferStatus.CANCELLED
    assert desk.queries().parcel(PARCEL).encumbrances.pending_transfer is None
    with refused(ErrorCode.INVALID_STATE):
        desk.accept(transfer, [cas])
    with refused(ErrorCode.NOT_FOUND):
        desk.transfers().cancel("tr_unknown")


def test_a_preemption_right_needs_the_municipalitys_waiver(desk, sale):
    ann, _, cas = sale
    desk.preemption().register(PARCEL, PreemptionTerms(decision="Raadsbesluit 2024-17"))
    transfer = desk.accept(desk.open_transfer(PARCEL, [ann], [cas.share("1/2")]), [cas])
    with refused(ErrorCode.PREEMPTION_NOT_WAIVED):
        desk.transfers().record(transfer.id)
    with refused(ErrorCode.FORBIDDEN):
        desk.transfers(REGISTRY_CLERK).waive_preemption(transfer.id)
    with refused(ErrorCode.FORBIDDEN):
        desk.transfers().waive_preemption(transfer.id)  # the registry cannot waive the municipality's right
    assert desk.transfers(OFFICER).waive_preemption(transfer.id).preemption_waived_at is not None
    with refused(ErrorCode.INVALID_STATE):
        desk.transfers(OFFICER).waive_preemption(transfer.id)
    desk.transfers().record(transfer.id)
    assert desk.queries().parcel(PARCEL).encumbrances.preemption is not None  # the right itself remains


def test_there_is_nothing_to_waive_without_a_preemption_right(desk, sale):
    ann, _, cas = sale
    transfer = desk.open_transfer(PARCEL, [ann], [cas.share("1/2")])
    with refused(ErrorCode.INVALID_STATE):
        desk.transfers(OFFICER).waive_preemption(transfer.id)


def _progress(desk, transfer_id):
    progress = desk.queries().transfer_progress(transfer_id)
    return [(c.kind.value, c.by, c.given_at is not None) for c in progress.consents], progress


def test_the_progress_names_every_consent_given_and_missing_until_recordable(desk, sale):
    ann, bob, cas = sale
    desk.preemption().register(PARCEL, PreemptionTerms(decision="Raadsbesluit 2024-17"))
    transfer = desk.open_transfer(PARCEL, [ann], [cas.share("1/4"), bob.share("1/4")])
    consents, progress = _progress(desk, transfer.id)
    assert consents == [("seller_consent", ann.id, True), ("buyer_acceptance", cas.id, False),
                        ("buyer_acceptance", bob.id, False), ("preemption_waiver", "MunicipalityMSP", False)]
    assert progress.consents[0].given_at == transfer.opened_at and not progress.recordable

    desk.accept(transfer, [cas, bob])
    consents, progress = _progress(desk, transfer.id)
    assert [given for *_, given in consents] == [True, True, True, False] and not progress.recordable
    desk.transfers(OFFICER).waive_preemption(transfer.id)
    assert _progress(desk, transfer.id)[1].recordable
    desk.transfers().record(transfer.id)
    consents, progress = _progress(desk, transfer.id)
    assert all(given for *_, given in consents) and not progress.recordable  # done: nothing left to record


def test_an_attachment_in_the_way_is_named_and_a_missing_transfer_refused(desk, sale):
    ann, _, cas = sale
    transfer = desk.open_transfer(PARCEL, [ann], [cas.share("1/2")])
    desk.accept(transfer, [cas])
    assert _progress(desk, transfer.id)[1].recordable  # no pre-emption right: no waiver needed
    attachment = desk.attachments(OFFICER).register(PARCEL, AttachmentTerms(creditor="Gemeente", reference="OZB-1"))
    consents, progress = _progress(desk, transfer.id)
    assert [kind for kind, *_ in consents] == ["seller_consent", "buyer_acceptance"]
    assert progress.attachments == (attachment.id,) and not progress.recordable
    with refused(ErrorCode.NOT_FOUND):
        desk.queries().transfer_progress("tr_missing")
