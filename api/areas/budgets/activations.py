"""Activation letters and activations: an officer issues a budget (or a lost phone's new letter)
with a one-time secret; the resident's phone, which has no gateway account, binds its key with it.

The secret is made here, shown once in the officer's response and never stored: the chaincode
gets only its digest, and the phone's attempt sends the secret as transient data. Letters are
therefore not idempotent writes (a stored response would keep the secret); a repeated issue is
refused by the chaincode (ALREADY_EXISTS) instead.

The activation route needs no login, so the gateway submits it as its `wallet` user (an identity
of the municipality) and limits attempts per client address: the chaincode counts wrong secrets
per letter (5), the gateway counts attempts per client (`CLIENT_ATTEMPTS` per hour).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated

from flask import Response, request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from grootboek.chaincode.budgets.domain.activation import (
    MAX_VALIDITY, TRANSIENT_KEY, ActivationResult, ActivationTerms, activation_digest, activation_secret,
    typed_form)
from grootboek.chaincode.budgets.domain.budget import Budget
from grootboek.chaincode.budgets.domain.fields import Identifier

from ...auth.roles import Role
from ...auth.user import User
from ...errors import ApiError
from ...errors.catalog import ACTIVATION_REFUSED, NO_WALLET_IDENTITY, TOO_MANY_ATTEMPTS
from ...fabric.calls import Chaincode, ChaincodeCall
from ...fabric.invoker import Submitted
from ...routing import Routes
from ...routing.route import JSON
from ...services import current_services
from ..common import HOLDER_KEY_EXAMPLE, WRITE_ERRORS, example_of, examples
from .access import wallet_user
from .limits import AttemptLimiter

CLIENT_ATTEMPTS = 30
CLIENT_WINDOW_SECONDS = 3600
QR_PREFIX = "GBA1"
"""The letter's QR code reads `GBA1:<budget id>:<secret>` (the wallet scans both at once)."""


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LetterRequest(_Request):
    model_config = examples({"valid_days": 30})

    valid_days: Annotated[int, Field(ge=1, le=MAX_VALIDITY.days)] = 30


class LetterIssue(LetterRequest):
    model_config = examples({"budget_id": "b-voorbeeld-2", "scheme_id": "voorbeeldregeling",
                             "beneficiary": "pseudo-voorbeeld-2",
                             "valid_days": 30})

    budget_id: Identifier
    scheme_id: Identifier
    beneficiary: Identifier
    """A pseudonym chosen by the municipality: never a name or BSN."""


class ActivationLetter(BaseModel):
    """What the officer prints; the secret is shown this once and kept nowhere."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "budget": example_of(Budget) | {"id": "b-voorbeeld-2", "beneficiary": "pseudo-voorbeeld-2", "balance": 25000,
                                        "spent_by_category": {}, "spent_by_merchant": {}, "entries": 1},
        "secret": "K7QF2M9XPL4T8WDZR3HC", "typed": "K7QF-2M9X-PL4T-8WDZ-R3HC",
        "qr": f"{QR_PREFIX}:b-voorbeeld-2:K7QF2M9XPL4T8WDZR3HC", "expires_at": "2026-02-04T09:00:00Z"}]})

    budget: Budget
    secret: str
    typed: str
    """The secret for typing, in groups of four."""
    qr: str
    """The text of the letter's QR code."""
    expires_at: datetime


class ActivationRequest(_Request):
    model_config = examples({"budget_id": "b-voorbeeld-2", "secret": "K7QF-2M9X-PL4T-8WDZ-R3HC",
                             "holder_key": HOLDER_KEY_EXAMPLE})

    budget_id: Identifier
    secret: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    """As typed from the letter (case, dashes and spaces do not matter) or scanned."""
    holder_key: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    """The phone's new ECDSA P-256 public key (PEM)."""


def add(routes: Routes, budgets: Chaincode) -> None:
    officer = {Role.OFFICER}
    clients = AttemptLimiter(CLIENT_ATTEMPTS, CLIENT_WINDOW_SECONDS)

    @routes.post("/activation-letters", body=LetterIssue, response=ActivationLetter, status=201, roles=officer,
                 responses=WRITE_ERRORS, idempotent=False,
                 summary="Issue a budget with an activation letter for the holder's phone")
    def issue_letter(user: User, body: LetterIssue) -> Response:
        return _letter(user, body.budget_id, body.valid_days, lambda terms: budgets.write(
            "Budgets:issue_budget_for_activation", body.budget_id, body.scheme_id, body.beneficiary, terms))

    @routes.post("/budgets/<budget_id>/activation-letter", body=LetterRequest, response=ActivationLetter,
                 status=201, roles=officer, responses=WRITE_ERRORS, idempotent=False,
                 summary="A new activation letter (a lost phone): the old key stops working")
    def reissue_letter(user: User, budget_id: str, body: LetterRequest) -> Response:
        return _letter(user, budget_id, body.valid_days,
                       lambda terms: budgets.write("Budgets:reissue_activation", budget_id, terms))

    @routes.post("/activations", public=True, body=ActivationRequest, response=ActivationResult,
                 responses=(403, 404, 409, 422, 429, 503), idempotent=False,
                 own_codes=(NO_WALLET_IDENTITY, ACTIVATION_REFUSED, TOO_MANY_ATTEMPTS),
                 summary="Bind a phone's key to a budget with its letter's secret (no login)")
    def activate(body: ActivationRequest) -> Response:
        """A wrong secret answers 403 ACTIVATION_REFUSED with the attempts left on the letter."""
        client = request.remote_addr or "unknown"
        if not clients.take(client):
            raise ApiError(429, TOO_MANY_ATTEMPTS.code, "too many activation attempts from this client; try later",
                           headers={"Retry-After": str(clients.retry_after(client))})
        call = budgets.write("Budgets:activate", body.budget_id, body.holder_key,
                             transient={TRANSIENT_KEY: body.secret.encode()})
        submitted = _submit(wallet_user(), call)
        result = ActivationResult.model_validate_json(submitted.result)
        if not result.activated:
            raise ApiError(403, ACTIVATION_REFUSED.code,
                           f"this is not the activation code of budget {body.budget_id}; "
                           f"{result.attempts_left} attempts left", transaction_id=submitted.transaction_id)
        return _answer(result, 200, submitted.transaction_id)


def _letter(user: User, budget_id: str, valid_days: int, call) -> Response:
    secret = activation_secret()
    expires_at = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=valid_days)
    terms = ActivationTerms(digest=activation_digest(budget_id, secret), expires_at=expires_at)
    submitted = _submit(user, call(terms))
    letter = ActivationLetter(budget=Budget.model_validate_json(submitted.result), secret=secret,
                              typed=typed_form(secret), qr=f"{QR_PREFIX}:{budget_id}:{secret}", expires_at=expires_at)
    return _answer(letter, 201, submitted.transaction_id)


def _submit(user: User, call: ChaincodeCall) -> Submitted:
    """Submitted without an idempotency record, which would keep the secret or the result."""
    return current_services().invoker.submit(user, call)


def _answer(body: BaseModel, status: int, transaction_id: str) -> Response:
    response = Response(body.model_dump_json(), status=status, mimetype=JSON)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Transaction-Id"] = transaction_id
    return response

