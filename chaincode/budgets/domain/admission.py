"""Admission: the municipality's decision that a merchant may take payments in one of its schemes,
and what a resident's wallet shows of it: where the budget can be spent."""
from __future__ import annotations

from pydantic import ConfigDict

from grootboek.chaincode.contractapi.tx import Tx

from .errors import ErrorCode
from .fields import Category, Identifier, Record, Timestamp, require
from .merchant import Merchant, MerchantStatus
from .roles import require_officer_of
from .scheme import Scheme, SchemeStatus, SchemeTerms
from .units import Unit


class Admission(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"scheme_id": "voorbeeldregeling", "merchant_id": "voorbeeldwinkel",
         "admitted_at": "2026-01-06T09:00:00Z"}]})

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


class Place(Record):
    """An admitted shop as residents see it: its name and the scheme's categories it sells (not
    its KvK number or certificate)."""

    merchant_id: Identifier
    name: str
    categories: list[Category]


class SpendingPlaces(Record):
    """Where a scheme's budgets can be spent: its categories and limits, and its active shops."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"scheme_id": "voorbeeldregeling", "name": "Kindpakket 2026", "unit": {"name": "eur-cent", "tariff_cents": 1},
         "categories": ["bicycles", "clothing", "sports"], "category_caps": {"clothing": 10000}, "max_per_payment": 15000,
         "places": [{"merchant_id": "voorbeeldwinkel", "name": "Voorbeeldwinkel De Ketting", "categories": ["bicycles"]}]}]})

    scheme_id: Identifier
    name: str
    unit: Unit
    categories: list[Category]
    category_caps: dict[Category, int]
    max_per_payment: int | None
    places: list[Place]

    @classmethod
    def of(cls, scheme: Scheme, admitted: list[Merchant]) -> "SpendingPlaces":
        terms: SchemeTerms = scheme.terms
        places = [Place(merchant_id=merchant.id, name=merchant.registration.name,
                        categories=[c for c in merchant.registration.categories if c in terms.categories])
                  for merchant in admitted if merchant.status is MerchantStatus.ACTIVE]
        return cls(scheme_id=scheme.id, name=terms.name, unit=terms.unit, categories=terms.categories,
                   category_caps=terms.category_caps, max_per_payment=terms.max_per_payment, places=places)
