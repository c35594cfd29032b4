"""Schemes and the admission of merchants to them (municipality officers)."""
from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Tx

from ..domain.admission import Admission, SpendingPlaces
from ..domain.scheme import Scheme, SchemeTerms
from ..storage.records import Records

MAX_PLACES = 1000
"""The shops a wallet lists for a scheme (a town's Kindpakket admits a few hundred)."""


def create(records: Records, tx: Tx, scheme_id: str, terms: SchemeTerms) -> Scheme:
    scheme = Scheme.create(scheme_id, terms, tx)
    records.insert_scheme(scheme)
    return scheme


def amend(records: Records, tx: Tx, scheme_id: str, terms: SchemeTerms) -> Scheme:
    scheme = records.scheme(scheme_id).amended(terms, tx)
    records.save_scheme(scheme)
    return scheme


def open_(records: Records, tx: Tx, scheme_id: str) -> Scheme:
    scheme = records.scheme(scheme_id).opened(tx)
    records.save_scheme(scheme)
    return scheme


def close(records: Records, tx: Tx, scheme_id: str) -> Scheme:
    scheme = records.scheme(scheme_id).closed(tx)
    records.save_scheme(scheme)
    return scheme


def admit(records: Records, tx: Tx, scheme_id: str, merchant_id: str) -> Admission:
    admission = Admission.grant(records.scheme(scheme_id), records.merchant(merchant_id), tx)
    records.insert_admission(admission)
    return admission


def get(records: Records, scheme_id: str) -> Scheme:
    """Schemes are public on the channel: merchants need their terms."""
    return records.scheme(scheme_id)


def spending_places(records: Records, scheme_id: str) -> SpendingPlaces:
    """Public like the scheme: residents' wallets show it, and it names no resident."""
    return SpendingPlaces.of(records.scheme(scheme_id), records.admitted_merchants(scheme_id, MAX_PLACES))
