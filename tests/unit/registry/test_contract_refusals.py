"""Every error code, provoked through the chaincode as a client would meet it; none changes state."""

from grootboek.chaincode.registry.domain.errors import ErrorCode
from grootboek.chaincode.registry.domain.statements import StatementType

from .ledger_client import CLERK, OFFICER, LedgerClient


def _parcel(number, area_m2, owner, share="1/1"):
    return {**_part(number, area_m2), "owners": [{"party": owner.id, "share": share}]}


def _part(number, area_m2):
    return {"designation": {"municipality": "GNG00", "section": "K", "number": number}, "area_m2": area_m2}


def test_every_error_code_reaches_the_client_and_changes_nothing():
    client, seen = LedgerClient(), set()

    def refused(code, *call, **options):
        client.refused(code, *call, **options)
        seen.add(code)

    ann, bob, cas, bank = (client.new_party() for _ in range(4))
    client.call("register_parcel", _parcel(1, 100, ann))
    client.call("register_parcel", _parcel(2, 100, bob))
    refused(ErrorCode.ALREADY_EXISTS, "register_parcel", _parcel(1, 100, ann))
    refused(ErrorCode.NOT_REGISTRY, "register_parcel", _parcel(3, 100, ann), identity=OFFICER)
    refused(ErrorCode.NOT_FOUND, "get_parcel", "GNG00-K-3")
    refused(ErrorCode.INVALID_ARGUMENT, "list_parcels", 101)
    refused(ErrorCode.SHARES_DO_NOT_SUM, "register_parcel", _parcel(3, 100, ann, share="1/3"))
    refused(ErrorCode.AREA_MISMATCH, "split_parcel", "GNG00-K-1", [_part(4, 50), _part(5, 49)])
    refused(ErrorCode.RIGHTS_DIFFER, "merge_parcels", ["GNG00-K-1", "GNG00-K-2"], _part(6, 200))

    terms = {
        "parcel_id": "GNG00-K-1",
        "sellers": [ann.id],
        "buyers": [{"party": cas.id, "share": "1/1"}],
        "price_cents": None,
    }
    consent = ann.sign(StatementType.TRANSFER_CONSENT, terms)
    refused(ErrorCode.FORBIDDEN, "Transfers:open_transfer", terms, [consent], identity=CLERK)
    refused(ErrorCode.MISSING_SIGNATURE, "Transfers:open_transfer", terms, [])
    refused(
        ErrorCode.BAD_SIGNATURE,
        "Transfers:open_transfer",
        terms,
        [bob.sign_as(ann.id, StatementType.TRANSFER_CONSENT, terms)],
    )
    wrong_seller = {**terms, "sellers": [bob.id]}
    refused(
        ErrorCode.NOT_OWNER,
        "Transfers:open_transfer",
        wrong_seller,
        [bob.sign(StatementType.TRANSFER_CONSENT, wrong_seller)],
    )
    transfer = client.call("Transfers:open_transfer", terms, [consent])
    refused(
        ErrorCode.TRANSFER_PENDING,
        "Transfers:open_transfer",
        terms,
        [ann.sign(StatementType.TRANSFER_CONSENT, terms)],
    )
    refused(ErrorCode.INVALID_STATE, "Transfers:record_transfer", transfer["id"])
    client.call("Transfers:cancel_transfer", transfer["id"])
    refused(ErrorCode.REPLAYED, "Transfers:open_transfer", terms, [consent])

    client.call(
        "Encumbrances:register_preemption",
        "GNG00-K-1",
        {"decision": "Raadsbesluit 2024-17"},
        identity=OFFICER,
    )
    transfer = client.call(
        "Transfers:open_transfer", terms, [ann.sign(StatementType.TRANSFER_CONSENT, terms)]
    )
    acceptance = {"transfer_id": transfer["id"], "parcel_id": "GNG00-K-1"}
    client.call(
        "Transfers:accept_transfer", transfer["id"], [cas.sign(StatementType.TRANSFER_ACCEPTANCE, acceptance)]
    )
    refused(ErrorCode.PREEMPTION_NOT_WAIVED, "Transfers:record_transfer", transfer["id"])
    client.call(
        "Encumbrances:register_attachment", "GNG00-K-1", {"creditor": "Deurwaarder", "reference": "E-1"}
    )
    client.call("Transfers:waive_preemption", transfer["id"], identity=OFFICER)
    refused(ErrorCode.ATTACHED, "Transfers:record_transfer", transfer["id"])

    mortgage = {"lender": bank.id, "amount_cents": 100_000, "rank": 1}
    signed = {"parcel_id": "GNG00-K-2", **mortgage}
    client.call(
        "Encumbrances:register_mortgage",
        "GNG00-K-2",
        mortgage,
        bank.sign(StatementType.MORTGAGE_REGISTRATION, signed),
    )
    refused(
        ErrorCode.RANK_TAKEN,
        "Encumbrances:register_mortgage",
        "GNG00-K-2",
        mortgage,
        bank.sign(StatementType.MORTGAGE_REGISTRATION, signed),
    )
    client.call("split_parcel", "GNG00-K-2", [_part(7, 60), _part(8, 40)])
    refused(ErrorCode.PARCEL_RETIRED, "split_parcel", "GNG00-K-2", [_part(9, 60), _part(10, 40)])

    assert seen == set(ErrorCode)
