"""Paying the shops from the back office: the settlements made through this gateway with their
current status (paid, or confirmed by the shop), and the SEPA credit-transfer file (pain.001.001.03)
that tells the municipality's bank to pay them.

Settling itself is the REST API's (POST /v1/budgets/settlements moves a shop's open receivables
into a settlement with its bank reference). The file is built here, for settlements named by id:
the municipality's account from `office.debtor`, each shop's from its registration (`iban`),
both checked with schwifty, the XML made with sepaxml and validated against the schema before it
is answered, and each settlement it pays audited. The list comes from the audit trail, where each
settlement made is recorded with its id (the transaction that made it)."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Annotated

from flask import Blueprint, Response, request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer

from grootboek.chaincode.budgets.domain.fields import Identifier

from ...errors import ApiError, FieldError
from ...routing import validation
from ...routing.route import JSON
from ...services import Services, current_services
from ...store.audit import AuditQuery
from .personal import budgets_chaincode, officer

SCHEMA = "pain.001.001.03"
SETTLED = "budgets.settle"
TRANSFER_ACTION = "office.transfer_file"
MAX_LISTED = 200
END_TO_END_ID = 35  # characters SEPA allows in an end-to-end id
SettlementId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class SettlementList(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    scheme_id: Identifier | None = None


class TransferFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    settlement_ids: Annotated[list[SettlementId], Field(min_length=1, max_length=500)]
    execution_date: date | None = None
    """When the bank is to pay; default today."""


def _settlement(services: Services, user, settlement_id: str) -> dict:
    call = budgets_chaincode(services).read("Budgets:get_settlement", settlement_id)
    return json.loads(services.invoker.evaluate(user, call))


def _merchant(services: Services, user, merchant_id: str) -> dict:
    return json.loads(services.invoker.evaluate(user, budgets_chaincode(services).read("Budgets:get_merchant",
                                                                                         merchant_id)))


def transfer_file(services: Services, user, body: TransferFile) -> bytes:
    """The validated pain.001 for the settlements; 422 naming each one it cannot pay."""
    debtor = services.config.office.debtor
    if debtor is None:
        raise ApiError(409, "INVALID_STATE", "the gateway's configuration has no office.debtor (the municipality's "
                                             "name, IBAN and BIC): it cannot make a transfer file")
    transfer = SepaTransfer({"name": debtor.name, "IBAN": debtor.iban, "BIC": debtor.bic, "batch": True,
                             "currency": "EUR"}, schema=SCHEMA)
    problems: list[FieldError] = []
    paid = []
    for index, settlement_id in enumerate(body.settlement_ids):
        field = f"body.settlement_ids.{index}"
        settlement = _settlement(services, user, settlement_id)
        shop = _merchant(services, user, settlement["merchant_id"])
        iban = shop["registration"].get("iban")
        if settlement["amount_cents"] is None:
            problems.append(FieldError(field=field, message=f"settlement {settlement_id} is in units without a tariff: "
                                                            f"there is no amount to pay"))
            continue
        if not iban:
            problems.append(FieldError(field=field, message=f"shop {shop['id']} has no IBAN in its registration (the "
                                                            f"merchants' registrar records it)"))
            continue
        try:
            account = IBAN(iban)
        except SchwiftyException as exc:
            problems.append(FieldError(field=field, message=f"shop {shop['id']}'s IBAN {iban}: {exc}"))
            continue
        payment = {"name": shop["registration"]["name"][:70], "IBAN": account.compact,
                   "amount": settlement["amount_cents"], "execution_date": body.execution_date or
                   datetime.now(timezone.utc).date(), "description": settlement["bank_reference"],
                   "endtoend_id": settlement_id[:END_TO_END_ID]}
        if account.bic is not None:
            payment["BIC"] = str(account.bic)
        transfer.add_payment(payment)
        paid.append(settlement)
    if problems:
        raise validation.invalid(problems)
    document = transfer.export(validate=True)
    for settlement in paid:
        services.audit.record(user.name, TRANSFER_ACTION, request.path, scheme_id=settlement["scheme_id"],
                              merchant_id=settlement["merchant_id"], transaction_id=settlement["id"])
    return document


def routes(pages: Blueprint) -> None:
    @pages.get("/settlements")
    def settlements() -> Response:
        """The settlements made through this gateway (of one scheme), newest first, as the ledger has them now."""
        user = officer()
        query = validation.query(SettlementList, request.args)
        services = current_services()
        made = [entry for entry in services.audit.every(AuditQuery(action=SETTLED, scheme_id=query.scheme_id))
                if entry.status == 201 and entry.transaction_id]
        found = [_settlement(services, user, entry.transaction_id) for entry in reversed(made[-MAX_LISTED:])]
        return Response(json.dumps({"settlements": found}), mimetype=JSON)

    @pages.post("/settlements/transfer-file")
    def make_transfer_file() -> Response:
        user = officer()
        body = validation.body(TransferFile, request.get_data(cache=True), request.mimetype, JSON)
        document = transfer_file(current_services(), user, body)
        name = f"pain001-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.xml"
        return Response(document, mimetype="application/xml",
                        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
