"""A scheme (regeling): what a municipality grants per beneficiary and where it may be spent."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from grootboek.chaincode.contractapi.tx import Tx

from .errors import ErrorCode
from .fields import Amount, Category, Identifier, Record, Timestamp, require
from .roles import require_municipality_officer, require_officer_of
from .units import EURO_CENT, Unit


class SchemeStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class SchemeTerms(Record):
    """The rules of a scheme, as the municipality sets them (changeable while it is a draft).

    `category_caps` limit what one budget may spend per category (e.g. at most 5000 cents on
    clothing); `max_per_payment` limits a single payment. The period is [starts_at, ends_at).
    """

    # The example of the OpenAPI document (and of the bodies that hold terms).
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Kindpakket 2026", "starts_at": "2026-01-01T00:00:00Z", "ends_at": "2027-01-01T00:00:00Z",
        "amount_per_beneficiary": 25000, "categories": ["bicycles", "clothing", "sports"],
        "category_caps": {"clothing": 10000}, "max_per_payment": 15000}]})

    name: Annotated[str, Field(min_length=1, max_length=200)]
    starts_at: Timestamp
    ends_at: Timestamp
    amount_per_beneficiary: Amount
    unit: Unit = EURO_CENT
    categories: Annotated[list[Category], Field(min_length=1, max_length=64)]
    category_caps: dict[Category, Amount] = {}
    max_per_payment: Amount | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "SchemeTerms":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if len(set(self.categories)) != len(self.categories):
            raise ValueError("categories must not repeat")
        uncapped = sorted(set(self.category_caps) - set(self.categories))
        if uncapped:
            raise ValueError(f"caps for categories the scheme does not allow: {', '.join(uncapped)}")
        return self


class Scheme(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "voorbeeldregeling", "owner": "x509::CN=officer,OU=client::CN=ca.gemeente.grootboek.nl,O=gemeente.grootboek.nl,C=NL", "status": "open",
         "terms": SchemeTerms.model_config["json_schema_extra"]["examples"][0],
         "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-05T09:05:00Z"}]})

    id: Identifier
    owner: str  # the municipality's MSP id
    status: SchemeStatus
    terms: SchemeTerms
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def create(cls, scheme_id: str, terms: SchemeTerms, tx: Tx) -> "Scheme":
        owner = require_municipality_officer(tx.caller)
        return cls.build(id=scheme_id, owner=owner, status=SchemeStatus.DRAFT, terms=terms,
                   created_at=tx.now, updated_at=tx.now)

    def amended(self, terms: SchemeTerms, tx: Tx) -> "Scheme":
        require_officer_of(tx.caller, self.owner)
        require(self.status is SchemeStatus.DRAFT, ErrorCode.INVALID_STATE,
                f"scheme {self.id} is {self.status}: only a draft can be amended")
        return self.model_copy(update={"terms": terms, "updated_at": tx.now})

    def opened(self, tx: Tx) -> "Scheme":
        require_officer_of(tx.caller, self.owner)
        require(self.status is SchemeStatus.DRAFT, ErrorCode.INVALID_STATE,
                f"scheme {self.id} is {self.status}: only a draft can be opened")
        require(tx.now < self.terms.ends_at, ErrorCode.OUTSIDE_PERIOD,
                f"scheme {self.id}'s period ended at {self.terms.ends_at.isoformat()}")
        return self.model_copy(update={"status": SchemeStatus.OPEN, "updated_at": tx.now})

    def closed(self, tx: Tx) -> "Scheme":
        require_officer_of(tx.caller, self.owner)
        require(self.status is not SchemeStatus.CLOSED, ErrorCode.INVALID_STATE,
                f"scheme {self.id} is already closed")
        return self.model_copy(update={"status": SchemeStatus.CLOSED, "updated_at": tx.now})

    def require_grants_open(self, now: datetime) -> None:
        """Budgets may be issued or topped up until the period ends, also while still a draft."""
        require(self.status is not SchemeStatus.CLOSED, ErrorCode.SCHEME_CLOSED,
                f"scheme {self.id} is closed")
        require(now < self.terms.ends_at, ErrorCode.OUTSIDE_PERIOD,
                f"scheme {self.id}'s period ended at {self.terms.ends_at.isoformat()}")

    def require_payable(self, now: datetime) -> None:
        require(self.status is not SchemeStatus.DRAFT, ErrorCode.SCHEME_NOT_OPEN,
                f"scheme {self.id} is not open yet")
        require(self.status is not SchemeStatus.CLOSED, ErrorCode.SCHEME_CLOSED,
                f"scheme {self.id} is closed")
        require(now >= self.terms.starts_at, ErrorCode.OUTSIDE_PERIOD,
                f"scheme {self.id} starts at {self.terms.starts_at.isoformat()}")
        require(now < self.terms.ends_at, ErrorCode.BUDGET_EXPIRED,
                f"scheme {self.id} ended at {self.terms.ends_at.isoformat()}: its budgets have expired")

    def require_payment_terms(self, category: str, amount: int) -> None:
        require(category in self.terms.categories, ErrorCode.CATEGORY_NOT_ALLOWED,
                f"scheme {self.id} does not allow category {category!r}")
        limit = self.terms.max_per_payment
        require(limit is None or amount <= limit, ErrorCode.AMOUNT_ABOVE_MAXIMUM,
                f"scheme {self.id} allows at most {limit} per payment")

    def require_expirable(self, now: datetime) -> None:
        """Remaining balances return to the municipality once the scheme is over."""
        require(self.status is SchemeStatus.CLOSED or now >= self.terms.ends_at, ErrorCode.INVALID_STATE,
                f"scheme {self.id} is still running until {self.terms.ends_at.isoformat()}")
