"""Admission: the municipality's decision that a merchant may take payments in one of its schemes."""
from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Tx

from .errors import ErrorCode
from .fields import Identifier, Record, Timestamp, require
from .merchant import Merchant
from .roles import require_officer_of
from .scheme import Scheme, SchemeStatus


class Admission(Record):
    scheme_id: Identifier
    merchant_id: Identifier
    admitted_at: Timestamp

    @classmethod
    def grant(cls, scheme: Scheme, merchant: Merchant, tx: Tx) -> "Admission":
        require_officer_of(tx.caller, scheme.owner)
        require(scheme.status is not SchemeStatus.CLOSED, ErrorCode.SCHEME_CLOSED, f"scheme {scheme.id} is closed")
        merchant.require_active()
        # The liquor store (slijter) is refused here already when the scheme allows none of its trade.
        shared = set(scheme.terms.categories) & set(merchant.registration.categories)
        require(bool(shared), ErrorCode.CATEGORY_NOT_ALLOWED,
                f"merchant {merchant.id} sells none of scheme {scheme.id}'s categories")
        return cls(scheme_id=scheme.id, merchant_id=merchant.id, admitted_at=tx.now)
