"""Payments by merchants with the holder's code, a till's check of a code before paying, the
cancellation of a code whose payment had no outcome (the gateway's fence), refunds."""
from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Tx

from ..domain.holder_codes import PaymentAuthorisation, SealedCode
from ..domain.payment import CodeCancellation, Payment, PaymentChange, PaymentCheck
from ..storage.records import Records


def pay(records: Records, tx: Tx, budget_id: str, amount: int, category: str, code: str) -> Payment:
    change = _take(records, tx, budget_id, amount, category, code)
    records.use_code(budget_id, change.payment.nonce, change.payment.id)
    return _store(records, change)


def check(records: Records, tx: Tx, budget_id: str, amount: int, category: str, code: str) -> PaymentCheck:
    """Every check of `pay`, nothing written: the same refusals, or "it fits" (never the balance)."""
    _take(records, tx, budget_id, amount, category, code)
    return PaymentCheck(budget_id=budget_id, amount=amount, category=category, fits=True)


def _take(records: Records, tx: Tx, budget_id: str, amount: int, category: str, code: str) -> PaymentChange:
    sealed = SealedCode(code, PaymentAuthorisation)
    records.prefetch_payment(tx.caller, budget_id, None if sealed.claimed is None else sealed.claimed.nonce)
    merchant = records.merchant_acting_as(tx.caller)
    budget = records.budget(budget_id)
    authorisation = sealed.open(budget.id, budget.signing_key(), tx.now)
    scheme = records.scheme(budget.scheme_id)
    return Payment.take(tx=tx, merchant=merchant, budget=budget, scheme=scheme, code=authorisation,
                        code_use=records.code_use(budget.id, authorisation.nonce),
                        admitted=records.is_admitted(scheme.id, merchant.id), amount=amount, category=category)


def cancel_code(records: Records, tx: Tx, budget_id: str, code: str) -> CodeCancellation:
    """Marks an unused code cancelled, so a payment signed with it can never commit (it read the
    mark unused: MVCC_READ_CONFLICT) nor be made again (CODE_REPLAYED). Expired codes too: a
    payment endorsed before its code expired can still commit after."""
    sealed = SealedCode(code, PaymentAuthorisation)
    records.prefetch_cancellation(tx.caller, budget_id, None if sealed.claimed is None else sealed.claimed.nonce)
    merchant = records.merchant_acting_as(tx.caller)
    budget = records.budget(budget_id)
    authorisation = sealed.verified(budget.id, budget.signing_key())
    use = records.code_use(budget.id, authorisation.nonce)
    cancellation = CodeCancellation.of(tx, merchant, authorisation, use)
    if use is None:
        records.cancel_code(budget.id, authorisation.nonce)
    return cancellation


def refund(records: Records, tx: Tx, payment_id: str, amount: int) -> Payment:
    records.prefetch_refund(tx.caller, payment_id)
    merchant = records.merchant_acting_as(tx.caller)
    payment = records.payment(payment_id)
    return _store(records, payment.refund(merchant, records.budget(payment.budget_id), amount, tx))


def get(records: Records, tx: Tx, payment_id: str) -> Payment:
    """For the merchant that took it and the scheme's municipality."""
    payment = records.payment(payment_id)
    records.merchant(payment.merchant_id).require_readable(tx.caller, records.scheme(payment.scheme_id).owner)
    return payment


def _store(records: Records, change: PaymentChange) -> Payment:
    records.save_payment(change.payment)
    records.save_budget(change.budget)
    records.add_budget_entry(change.budget_entry)
    records.add_merchant_entry(change.merchant_entry)
    return change.payment
