"""Typed access to the budgets records: the one place that knows the key layout.

Values are canonical JSON (sorted keys, no whitespace) so every endorser writes identical bytes.
Key layout (composite keys; `at` is a fixed-width UTC timestamp, so keys sort by time; `day` its
UTC date, so a day is a key prefix; `~` marks a value inverted to fixed-width digits, so keys sort
newest first: Fabric reads ranges in ascending order only):

    scheme           [scheme_id]                               Scheme
    merchant         [merchant_id]                             Merchant
    merchant-by-cert [sha256(identity)]                        merchant_id
    admission        [scheme_id, merchant_id]                  Admission
    budget           [budget_id]                               Budget
    beneficiary      [scheme_id, beneficiary]                  budget_id (one budget per beneficiary)
    budget-entry     [budget_id, seq]                          BudgetEntry
    code             [budget_id, nonce]                        payment_id (a used payment code), or
                                                               "cancelled" (fenced by cancel_code)
    payment          [payment_id]                              Payment
    statement        [merchant_id, day, at, entry_id]          MerchantEntry
    statement-newest [merchant_id, ~day, ~at, entry_id]        MerchantEntry (the same lines, newest first)
    receivable       [merchant_id, scheme_id, at, entry_id]    MerchantEntry (open, until settled)
    settlement       [settlement_id]                           Settlement
    personal (private collection "personal") [budget_id]       PersonalData

A payment writes only keys of its own budget and keys new to this transaction, so payments on
different budgets never conflict, whatever shop or scheme they share.

Reads go to the peer once per key and transaction: Fabric's reads see the state before the
transaction, never its own writes, so what was read stays valid until the end. Every round trip
to the peer costs the chaincode server thread hand-offs, so operations that read several records
name them up front (the read plans) and they arrive together, in one round trip per step.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from typing import TypeVar

from pydantic import BaseModel

from grootboek.chaincode.contractapi.tx import Caller
from grootboek.chaincode.signing import canonical_json

from ..domain.admission import Admission
from ..domain.budget import Budget
from ..domain.budget_entry import BudgetEntry
from ..domain.errors import BudgetError, ErrorCode
from ..domain.fields import require
from ..domain.merchant import Merchant
from ..domain.merchant_entry import MerchantEntry, MerchantEntryKind
from ..domain.pages import Page, require_page_size
from ..domain.payment import CANCELLED, Payment
from ..domain.personal_data import COLLECTION, PersonalData
from ..domain.scheme import Scheme
from ..domain.settlement import Settlement
from .ledger import Key, Ledger, is_valid

R = TypeVar("R", bound=BaseModel)


class Records:
    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._values: dict[Key, bytes | None] = {}  # what this transaction has read
        self._records: dict[Key, BaseModel] = {}  # ... and decoded

    # -- read plans: what an operation reads, in as few round trips as its keys allow -------

    def prefetch_payment(self, caller: Caller, budget_id: str, nonce: str | None) -> None:
        """What a payment reads, in two round trips instead of six: the caller's certificate
        binding, the budget and the code's used mark; then the merchant, the budget's scheme and
        the merchant's admission to it. Missing records are refused later, in the till's order."""
        binding, budget_key = _identity_key(caller.id), ("budget", budget_id)
        self._prefetch(binding, budget_key, None if nonce is None else ("code", budget_id, nonce))
        merchant_id, budget = self._bound_merchant_id(binding), self._prefetched(budget_key, Budget)
        scheme_id = None if budget is None else budget.scheme_id
        self._prefetch(None if merchant_id is None else ("merchant", merchant_id),
                       None if scheme_id is None else ("scheme", scheme_id),
                       None if merchant_id is None or scheme_id is None else ("admission", scheme_id, merchant_id))

    def prefetch_cancellation(self, caller: Caller, budget_id: str, nonce: str | None) -> None:
        """What a code's cancellation reads, in one round trip: the caller's certificate binding,
        the budget (its key) and the code's used mark; then the merchant."""
        binding = _identity_key(caller.id)
        self._prefetch(binding, ("budget", budget_id), None if nonce is None else ("code", budget_id, nonce))
        merchant_id = self._bound_merchant_id(binding)
        self._prefetch(None if merchant_id is None else ("merchant", merchant_id))

    def prefetch_refund(self, caller: Caller, payment_id: str) -> None:
        """What a refund reads, in two round trips instead of four: the caller's certificate
        binding and the payment; then the merchant and the payment's budget."""
        binding, payment_key = _identity_key(caller.id), ("payment", payment_id)
        self._prefetch(binding, payment_key)
        merchant_id, payment = self._bound_merchant_id(binding), self._prefetched(payment_key, Payment)
        self._prefetch(None if merchant_id is None else ("merchant", merchant_id),
                       None if payment is None else ("budget", payment.budget_id))

    def prefetch_issue(self, scheme_id: str, budget_id: str, beneficiary: str) -> None:
        """What issuing a budget reads, in one round trip instead of three: the scheme, and
        whether the budget id and the beneficiary are still free."""
        self._prefetch(("scheme", scheme_id), ("budget", budget_id), ("beneficiary", scheme_id, beneficiary))

    def prefetch_issue_batch(self, scheme_id: str, budgets: list[tuple[str, str]]) -> None:
        """`prefetch_issue` for many (budget id, beneficiary) pairs at once."""
        self._prefetch(("scheme", scheme_id), *(("budget", b) for b, _ in budgets),
                       *(("beneficiary", scheme_id, p) for _, p in budgets))

    def _bound_merchant_id(self, binding: Key) -> str | None:
        value = self._get(binding)
        return None if value is None else value.decode()

    # -- schemes and merchants ------------------------------------------------------------

    def scheme(self, scheme_id: str) -> Scheme:
        return self._load(("scheme", scheme_id), Scheme)

    def insert_scheme(self, scheme: Scheme) -> None:
        self._insert(("scheme", scheme.id), scheme)

    def save_scheme(self, scheme: Scheme) -> None:
        self._save(("scheme", scheme.id), scheme)

    def merchant(self, merchant_id: str) -> Merchant:
        return self._load(("merchant", merchant_id), Merchant)

    def merchant_acting_as(self, caller: Caller) -> Merchant:
        """The merchant whose certificate the caller presents (FORBIDDEN if none)."""
        merchant_id = self._bound_merchant_id(_identity_key(caller.id))
        require(merchant_id is not None, ErrorCode.FORBIDDEN, "the caller is not a registered merchant")
        merchant = self.merchant(merchant_id)
        merchant.require_acting(caller)
        return merchant

    def insert_merchant(self, merchant: Merchant) -> None:
        """Registers the merchant and binds its certificate identity, which must be unbound."""
        self._insert(("merchant", merchant.id), merchant)
        identity = _identity_key(merchant.registration.identity)
        require(self._get(identity) is None, ErrorCode.ALREADY_EXISTS,
                "this certificate identity is bound to another merchant")
        self._ledger.put(identity, merchant.id.encode())

    def merchants(self, page_size: int, bookmark: str) -> Page[Merchant]:
        """Every registered merchant, by id."""
        return self._decoded_page(("merchant",), Merchant, page_size, bookmark)

    def save_merchant(self, merchant: Merchant) -> None:
        self._save(("merchant", merchant.id), merchant)

    def is_admitted(self, scheme_id: str, merchant_id: str) -> bool:
        return self._get(("admission", scheme_id, merchant_id)) is not None

    def insert_admission(self, admission: Admission) -> None:
        self._insert(("admission", admission.scheme_id, admission.merchant_id), admission)

    def admitted_merchants(self, scheme_id: str, limit: int) -> list[Merchant]:
        """The merchants admitted to the scheme (at most `limit`), by id, read in two round trips."""
        admissions = [Admission.model_validate_json(v) for v in self._ledger.scan(("admission", scheme_id), limit)]
        self._prefetch(*(("merchant", a.merchant_id) for a in admissions))
        return [self.merchant(a.merchant_id) for a in admissions]

    # -- budgets --------------------------------------------------------------------------

    def budget(self, budget_id: str) -> Budget:
        return self._load(("budget", budget_id), Budget)

    def insert_budget(self, budget: Budget) -> None:
        """Stores a new budget; a beneficiary holds at most one budget per scheme."""
        self._insert(("budget", budget.id), budget)
        beneficiary: Key = ("beneficiary", budget.scheme_id, budget.beneficiary)
        require(self._get(beneficiary) is None, ErrorCode.ALREADY_EXISTS,
                f"beneficiary {budget.beneficiary} already has a budget in scheme {budget.scheme_id}")
        self._ledger.put(beneficiary, budget.id.encode())

    def save_budget(self, budget: Budget) -> None:
        self._save(("budget", budget.id), budget)

    def scheme_budgets(self, scheme_id: str, page_size: int, bookmark: str) -> Page[Budget]:
        values, next_bookmark = self._page(("beneficiary", scheme_id), page_size, bookmark)
        ids = [value.decode() for value in values]
        self._prefetch(*(("budget", budget_id) for budget_id in ids))
        return Page[Budget](items=[self.budget(budget_id) for budget_id in ids], bookmark=next_bookmark)

    def add_budget_entry(self, entry: BudgetEntry) -> None:
        self._save(("budget-entry", entry.budget_id, f"{entry.seq:010d}"), entry)

    def budget_history(self, budget_id: str, page_size: int, bookmark: str) -> Page[BudgetEntry]:
        return self._decoded_page(("budget-entry", budget_id), BudgetEntry, page_size, bookmark)

    def code_use(self, budget_id: str, nonce: str) -> str | None:
        """The code's used mark: None while unused, else the payment's id or CANCELLED."""
        value = self._get(("code", budget_id, nonce))
        return None if value is None else value.decode()

    def use_code(self, budget_id: str, nonce: str, payment_id: str) -> None:
        self._ledger.put(("code", budget_id, nonce), payment_id.encode())

    def cancel_code(self, budget_id: str, nonce: str) -> None:
        self._ledger.put(("code", budget_id, nonce), CANCELLED.encode())

    # -- payments, statements, settlements ------------------------------------------------

    def payment(self, payment_id: str) -> Payment:
        return self._load(("payment", payment_id), Payment)

    def save_payment(self, payment: Payment) -> None:
        self._save(("payment", payment.id), payment)

    def add_merchant_entry(self, entry: MerchantEntry) -> None:
        """A statement line, announced as the transaction's event (tills follow their own);
        payment and refund lines are also open receivables until settled."""
        value = _encode(entry)  # the same bytes four times
        self._ledger.put(("statement", entry.merchant_id, _day(entry.at), _at(entry.at), entry.id), value)
        self._ledger.put(("statement-newest", entry.merchant_id, _inverted_day(entry.at), _inverted_at(entry.at),
                          entry.id), value)
        if entry.kind is not MerchantEntryKind.SETTLEMENT:
            self._ledger.put(_receivable_key(entry), value)
        self._ledger.emit(entry.event_name, value)

    def open_entries(self, merchant_id: str, scheme_id: str, limit: int) -> tuple[list[MerchantEntry], bool]:
        """The oldest `limit` open receivables, and whether they are all there are."""
        values = self._ledger.scan(("receivable", merchant_id, scheme_id), limit + 1)
        return [MerchantEntry.model_validate_json(v) for v in values[:limit]], len(values) <= limit

    def close_entries(self, entries: list[MerchantEntry]) -> None:
        for entry in entries:
            self._ledger.delete(_receivable_key(entry))

    def merchant_statement(self, merchant_id: str, page_size: int, bookmark: str, day: date | None = None,
                           newest_first: bool = False) -> Page[MerchantEntry]:
        """Every line or one UTC day's, oldest or newest first."""
        if newest_first:
            prefix: Key = ("statement-newest", merchant_id) + (() if day is None else (_inverted_day(day),))
        else:
            prefix = ("statement", merchant_id) + (() if day is None else (day.isoformat(),))
        return self._decoded_page(prefix, MerchantEntry, page_size, bookmark)

    def settlement(self, settlement_id: str) -> Settlement:
        return self._load(("settlement", settlement_id), Settlement)

    def save_settlement(self, settlement: Settlement) -> None:
        self._save(("settlement", settlement.id), settlement)

    # -- personal data (private collection) -----------------------------------------------

    def personal_data(self, budget_id: str) -> PersonalData:
        value = self._ledger.get_private(COLLECTION, ("personal", budget_id))
        require(value is not None, ErrorCode.NOT_FOUND, f"no personal data for budget {budget_id}")
        return PersonalData.model_validate_json(value)

    def save_personal_data(self, budget_id: str, data: PersonalData) -> None:
        self._ledger.put_private(COLLECTION, ("personal", budget_id), _encode(data))

    def purge_personal_data(self, budget_id: str) -> None:
        self._ledger.purge_private(COLLECTION, ("personal", budget_id))

    # -- generic --------------------------------------------------------------------------

    def _prefetch(self, *keys: Key | None) -> None:
        """Reads `keys` in one round trip, for the accessors to find. Skips None, keys read before
        and invalid ids (the accessor that reads one refuses it in its turn).

        Only for keys the operation reads anyway: each key read joins the transaction's read set,
        and so decides its conflicts."""
        wanted = [key for key in dict.fromkeys(keys)
                  if key is not None and key not in self._values and is_valid(key)]
        if wanted:
            self._values.update(zip(wanted, self._ledger.get_many(wanted)))

    def _get(self, key: Key) -> bytes | None:
        if key not in self._values:
            self._values[key] = self._ledger.get(key)
        return self._values[key]

    def _find(self, key: Key, model: type[R]) -> R | None:
        record = self._records.get(key)
        if record is None:
            value = self._get(key)
            if value is None:
                return None
            record = self._records[key] = model.model_validate_json(value)
        return record  # type: ignore[return-value]  # a key's object type fixes its model

    def _prefetched(self, key: Key, model: type[R]) -> R | None:
        """The record if `prefetch` read it, without going to the peer (nor refusing the key)."""
        return self._find(key, model) if key in self._values else None

    def _load(self, key: Key, model: type[R]) -> R:
        record = self._find(key, model)
        if record is None:
            raise BudgetError(ErrorCode.NOT_FOUND, f"{key[0]} {'/'.join(key[1:])} does not exist")
        return record

    def _insert(self, key: Key, record: BaseModel) -> None:
        require(self._get(key) is None, ErrorCode.ALREADY_EXISTS, f"{key[0]} {'/'.join(key[1:])} already exists")
        self._save(key, record)

    def _save(self, key: Key, record: BaseModel) -> None:
        self._ledger.put(key, _encode(record))

    def _page(self, prefix: Key, page_size: int, bookmark: str) -> tuple[list[bytes], str]:
        require_page_size(page_size)
        return self._ledger.page(prefix, page_size, bookmark)

    def _decoded_page(self, prefix: Key, model: type[R], page_size: int, bookmark: str) -> Page[R]:
        values, next_bookmark = self._page(prefix, page_size, bookmark)
        return Page[model](items=[model.model_validate_json(v) for v in values], bookmark=next_bookmark)


def _encode(record: BaseModel) -> bytes:
    return canonical_json(record.model_dump(mode="json"))


def _at(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S.%f}Z"


def _day(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).date().isoformat()


def _inverted_day(moment: date) -> str:
    day = moment.astimezone(timezone.utc).date() if isinstance(moment, datetime) else moment
    return f"{99_999_999 - int(day.strftime('%Y%m%d')):08d}"


def _inverted_at(moment: datetime) -> str:
    micros = int(moment.timestamp()) * 1_000_000 + moment.microsecond
    return f"{10**17 - micros:017d}"


def _identity_key(identity: str) -> Key:
    # Certificate DNs are long and contain any character; their digest is a tidy, fixed-size key.
    return ("merchant-by-cert", hashlib.sha256(identity.encode()).hexdigest())


def _receivable_key(entry: MerchantEntry) -> Key:
    return ("receivable", entry.merchant_id, entry.scheme_id, _at(entry.at), entry.id)
