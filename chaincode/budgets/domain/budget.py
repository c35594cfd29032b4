"""A budget (tegoed): what one beneficiary may still spend in one scheme, and the holder's key.

The ledger knows the beneficiary only by a pseudonym; personal data lives in the municipality's
private collection. The holder's key is given at issue, or bound later by the holder's phone with a
one-time activation secret (activation.py); until then the budget takes no codes.

Every movement returns the new budget and its history entry, numbered by the budget itself: the
budget key is written by each of its own transactions anyway, so the numbering adds no contention.

Invariant: granted == balance + spent + returned.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field

from grootboek.chaincode.contractapi.tx import Tx
from grootboek.chaincode.signing import SignatureError, load_public_key

from .activation import MAX_FAILED_ATTEMPTS, MAX_VALIDITY, Activation, ActivationResult, ActivationTerms
from .budget_entry import BudgetEntry, BudgetEntryKind
from .errors import BudgetError, ErrorCode
from .fields import Category, Identifier, Quantity, Record, Timestamp, require, require_amount
from .holder_codes import read_query_token
from .roles import is_officer_of, require_member_of, require_officer_of
from .scheme import Scheme


class BudgetStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"


MAX_GRANTS_PER_BATCH = 500  # a batch is one transaction: its write set stays well under a block's size


class BudgetGrant(Record):
    """One budget of a batch (`issue_budgets`), with either the holder's key or an activation."""

    budget_id: Identifier
    beneficiary: Identifier
    holder_key: Annotated[str, Field(max_length=1024)] | None = None
    activation: ActivationTerms | None = None


class IssuedBatch(Record):
    """What a batch issued: the budgets' ids (the budgets themselves would double the block)."""

    scheme_id: Identifier
    budget_ids: list[Identifier]
    granted: Quantity  # in total


class Budget(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "b-voorbeeld-1", "scheme_id": "voorbeeldregeling", "beneficiary": "pseudo-voorbeeld-1",
         "holder_key": None, "activation": None, "status": "active", "granted": 25000, "balance": 20500,
         "returned": 0, "spent_by_category": {"bicycles": 4500}, "spent_by_merchant": {"voorbeeldwinkel": 4500},
         "entries": 2, "issued_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-07T09:00:00Z"}]})

    id: Identifier
    scheme_id: Identifier
    beneficiary: Identifier  # pseudonym chosen by the municipality, never a name or BSN
    holder_key: Annotated[str, Field(max_length=1024)] | None = None  # ECDSA P-256 public key, PEM
    activation: Activation | None = None  # pending until the holder's phone binds its key
    status: BudgetStatus
    granted: Quantity  # issued plus top-ups
    balance: Quantity
    returned: Quantity  # back to the municipality: revoked, expired, refunds after either
    spent_by_category: dict[Category, Quantity] = {}  # net of refunds
    spent_by_merchant: dict[Identifier, Quantity] = {}
    entries: Quantity = 0  # the number of history entries so far
    issued_at: Timestamp
    updated_at: Timestamp

    @property
    def spent(self) -> int:
        return sum(self.spent_by_category.values())

    @classmethod
    def issue(cls, budget_id: str, scheme: Scheme, beneficiary: str, holder_key: str | None, tx: Tx,
              activation: ActivationTerms | None = None) -> tuple["Budget", BudgetEntry]:
        """With the holder's key, or with an activation for the holder's phone to bind one."""
        require_officer_of(tx.caller, scheme.owner)
        scheme.require_grants_open(tx.now)
        require((holder_key is None) != (activation is None), ErrorCode.INVALID_ARGUMENT,
                "a budget is issued with either the holder's key or an activation")
        pending = None if activation is None else _pending(activation, tx)
        empty = cls.build(id=budget_id, scheme_id=scheme.id, beneficiary=beneficiary,
                          holder_key=None if holder_key is None else _checked_key(holder_key),
                          activation=pending, status=BudgetStatus.ACTIVE, granted=0, balance=0, returned=0,
                          issued_at=tx.now, updated_at=tx.now)
        amount = scheme.terms.amount_per_beneficiary
        return empty._moved(BudgetEntryKind.ISSUED, amount, tx, granted=amount, balance=amount)

    def activation_reissued(self, scheme: Scheme, terms: ActivationTerms, tx: Tx) -> "Budget":
        """A lost phone: a new letter, and the old key no longer signs anything for this budget."""
        require_officer_of(tx.caller, scheme.owner)
        self.require_active()
        return self.model_copy(update={"holder_key": None, "activation": _pending(terms, tx), "updated_at": tx.now})

    def activated(self, scheme: Scheme, secret: str, holder_key: str, tx: Tx) -> tuple["Budget", ActivationResult]:
        """Binds the phone's key if `secret` is the letter's; a wrong secret counts an attempt.

        Only the owning municipality's own gateway submits activations: another member could
        otherwise use up a budget's attempts."""
        require_member_of(tx.caller, scheme.owner)
        self.require_active()
        pending = self.activation
        require(pending is not None, ErrorCode.INVALID_STATE, f"budget {self.id} has no pending activation")
        assert pending is not None  # for the type checker; `require` refused otherwise
        require(pending.failed_attempts < MAX_FAILED_ATTEMPTS, ErrorCode.INVALID_STATE,
                f"budget {self.id}: too many wrong activation codes; the municipality must re-issue the letter")
        require(tx.now < pending.expires_at, ErrorCode.CODE_EXPIRED,
                f"budget {self.id}: the activation code has expired")
        key = _checked_key(holder_key)
        if not pending.accepts(self.id, secret):
            failed = pending.failed_attempts + 1
            budget = self.model_copy(update={
                "activation": pending.model_copy(update={"failed_attempts": failed}), "updated_at": tx.now})
            return budget, ActivationResult(budget_id=self.id, activated=False,
                                            attempts_left=MAX_FAILED_ATTEMPTS - failed)
        budget = self.model_copy(update={"holder_key": key, "activation": None, "updated_at": tx.now})
        return budget, ActivationResult(budget_id=self.id, activated=True, attempts_left=0)

    def signing_key(self) -> str:
        """The key the holder's codes must be signed with (CODE_INVALID before activation)."""
        require(self.holder_key is not None, ErrorCode.CODE_INVALID,
                f"budget {self.id} is not activated: no phone holds its key")
        assert self.holder_key is not None
        return self.holder_key

    def topped_up(self, scheme: Scheme, amount: int, tx: Tx) -> tuple["Budget", BudgetEntry]:
        require_officer_of(tx.caller, scheme.owner)
        require_amount(amount)
        scheme.require_grants_open(tx.now)
        self.require_active()
        return self._moved(BudgetEntryKind.TOPPED_UP, amount, tx,
                           granted=self.granted + amount, balance=self.balance + amount)

    def revoked(self, scheme: Scheme, tx: Tx) -> tuple["Budget", BudgetEntry]:
        require_officer_of(tx.caller, scheme.owner)
        self.require_active()
        return self._ended(BudgetStatus.REVOKED, BudgetEntryKind.REVOKED, tx)

    def expired(self, scheme: Scheme, tx: Tx) -> tuple["Budget", BudgetEntry]:
        require_officer_of(tx.caller, scheme.owner)
        scheme.require_expirable(tx.now)
        require(self.status is BudgetStatus.ACTIVE, ErrorCode.INVALID_STATE,
                f"budget {self.id} is already {self.status}")
        return self._ended(BudgetStatus.EXPIRED, BudgetEntryKind.EXPIRED, tx)

    def require_readable(self, scheme: Scheme, holder_token: str, tx: Tx) -> None:
        """Balance and history are for the owning municipality's officers, and for the holder, who
        proves possession of the budget's key with a signed query token (holder_codes). A token
        given is checked whoever the caller is: a gateway reading for phones may be an officer."""
        if holder_token:
            read_query_token(holder_token, self.id, self.signing_key(), tx.now)
            return
        require(is_officer_of(tx.caller, scheme.owner), ErrorCode.FORBIDDEN,
                f"budget {self.id} is readable by its municipality or with the holder's query token")

    def require_active(self) -> None:
        require(self.status is not BudgetStatus.REVOKED, ErrorCode.BUDGET_REVOKED, f"budget {self.id} was revoked")
        require(self.status is not BudgetStatus.EXPIRED, ErrorCode.BUDGET_EXPIRED, f"budget {self.id} has expired")

    def debited(self, scheme: Scheme, amount: int, category: str, merchant_id: str, payment_id: str,
                tx: Tx) -> tuple["Budget", BudgetEntry]:
        """A payment: the scheme's checks are the caller's; these are the budget's own."""
        require_amount(amount)
        self.require_active()
        cap = scheme.terms.category_caps.get(category)
        already = self.spent_by_category.get(category, 0)
        require(cap is None or already + amount <= cap, ErrorCode.CATEGORY_CAP_EXCEEDED,
                f"budget {self.id} may spend at most {cap} on {category!r}; {already} already spent")
        require(amount <= self.balance, ErrorCode.INSUFFICIENT_BALANCE,
                f"budget {self.id} has {self.balance} left, {amount} asked")
        return self._moved(
            BudgetEntryKind.PAID, amount, tx, payment_id=payment_id, merchant_id=merchant_id, category=category,
            balance=self.balance - amount,
            spent_by_category=_adjusted(self.spent_by_category, category, amount),
            spent_by_merchant=_adjusted(self.spent_by_merchant, merchant_id, amount))

    def credited(self, amount: int, category: str, merchant_id: str, payment_id: str,
                 tx: Tx) -> tuple["Budget", BudgetEntry]:
        """A refund: spendable again while the budget is active, otherwise back to the municipality."""
        active = self.status is BudgetStatus.ACTIVE
        return self._moved(
            BudgetEntryKind.REFUNDED, amount, tx, payment_id=payment_id, merchant_id=merchant_id, category=category,
            balance=self.balance + amount if active else self.balance,
            returned=self.returned if active else self.returned + amount,
            spent_by_category=_adjusted(self.spent_by_category, category, -amount),
            spent_by_merchant=_adjusted(self.spent_by_merchant, merchant_id, -amount))

    def _ended(self, status: BudgetStatus, kind: BudgetEntryKind, tx: Tx) -> tuple["Budget", BudgetEntry]:
        return self._moved(kind, self.balance, tx, status=status, balance=0, returned=self.returned + self.balance)

    def _moved(self, kind: BudgetEntryKind, amount: int, tx: Tx, payment_id: str | None = None,
               merchant_id: str | None = None, category: str | None = None,
               **changes: object) -> tuple["Budget", BudgetEntry]:
        budget = self.model_copy(update={**changes, "entries": self.entries + 1, "updated_at": tx.now})
        entry = BudgetEntry(budget_id=self.id, seq=self.entries, kind=kind, amount=amount, balance=budget.balance,
                            at=tx.now, tx_id=tx.id, payment_id=payment_id, merchant_id=merchant_id,
                            category=category)
        return budget, entry


def _checked_key(pem: str) -> str:
    try:
        load_public_key(pem)
    except SignatureError as exc:
        raise BudgetError(ErrorCode.INVALID_ARGUMENT, f"holder_key: {exc}") from None
    return pem


def _pending(terms: ActivationTerms, tx: Tx) -> Activation:
    require(tx.now < terms.expires_at <= tx.now + MAX_VALIDITY, ErrorCode.INVALID_ARGUMENT,
            f"activation.expires_at: must be after now and at most {MAX_VALIDITY.days} days ahead")
    return Activation(digest=terms.digest, expires_at=terms.expires_at)


def _adjusted(totals: dict[str, int], key: str, delta: int) -> dict[str, int]:
    """A copy with `delta` added to `key`; keys that reach zero disappear (a canonical form)."""
    result = dict(totals)
    value = result.get(key, 0) + delta
    if value:
        result[key] = value
    else:
        result.pop(key, None)
    return result
