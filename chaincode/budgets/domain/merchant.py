"""A merchant (winkelier): a shop registered by the merchants' organisation, bound to its own
certificate identity, that takes payments in the categories it registered."""
from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field

from grootboek.chaincode.contractapi.tx import Caller, Tx

from .errors import ErrorCode
from .fields import Category, Identifier, Record, Timestamp, require
from .roles import MERCHANTS_MSP, is_officer_of, require_merchant_registrar


class MerchantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


def _iban_check_digits(iban: str) -> str:
    """ISO 13616: moved behind the rest and with letters read as 10 to 35, country code and check
    digits make the whole number 1 modulo 97."""
    if int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 != 1:
        raise ValueError("not a valid IBAN (its check digits do not match)")
    return iban


Iban = Annotated[str, Field(pattern=r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"), AfterValidator(_iban_check_digits)]


class MerchantRegistration(Record):
    """What the merchants' registrar declares about a shop."""

    kvk: Annotated[str, Field(pattern=r"^[0-9]{8}$")]  # Kamer van Koophandel number
    name: Annotated[str, Field(min_length=1, max_length=200)]
    categories: Annotated[list[Category], Field(min_length=1, max_length=64)]
    # The shop's client certificate identity in Fabric's form x509::<subject DN>::<issuer DN>.
    identity: Annotated[str, Field(pattern=r"^x509::.+::.+$", max_length=2048)]
    iban: Iban | None = None  # where the municipality pays the shop's settlements (capitals, no spaces)


class Merchant(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "voorbeeldwinkel", "status": "active", "registration": {
         "kvk": "12345678", "name": "Voorbeeldwinkel De Ketting", "categories": ["bicycles"],
         "identity": "x509::CN=voorbeeldwinkel,OU=client+OU=merchants::CN=ca.winkeliers.grootboek.nl,O=winkeliers.grootboek.nl,C=NL",
         "iban": "NL91ABNA0417164300"},
         "registered_at": "2026-01-06T09:00:00Z", "updated_at": "2026-01-06T09:00:00Z"}]})

    id: Identifier
    registration: MerchantRegistration
    status: MerchantStatus
    registered_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def register(cls, merchant_id: str, registration: MerchantRegistration, tx: Tx) -> "Merchant":
        require_merchant_registrar(tx.caller)
        return cls.build(id=merchant_id, registration=registration, status=MerchantStatus.ACTIVE,
                   registered_at=tx.now, updated_at=tx.now)

    def suspended(self, tx: Tx) -> "Merchant":
        return self._with_status(MerchantStatus.SUSPENDED, tx)

    def reinstated(self, tx: Tx) -> "Merchant":
        return self._with_status(MerchantStatus.ACTIVE, tx)

    def _with_status(self, status: MerchantStatus, tx: Tx) -> "Merchant":
        require_merchant_registrar(tx.caller)
        require(self.status is not status, ErrorCode.INVALID_STATE, f"merchant {self.id} is already {status}")
        return self.model_copy(update={"status": status, "updated_at": tx.now})

    def is_acting(self, caller: Caller) -> bool:
        return caller.msp_id == MERCHANTS_MSP and caller.id == self.registration.identity

    def require_acting(self, caller: Caller) -> None:
        """A merchant acts only through its own certificate."""
        require(self.is_acting(caller), ErrorCode.FORBIDDEN, f"only merchant {self.id} itself may do this")

    def require_readable(self, caller: Caller, municipality: str | None = None) -> None:
        """A merchant's money matters are for the merchant and for the municipality that pays it
        (`municipality` None: any municipality's officer)."""
        if is_officer_of(caller, municipality or caller.msp_id):
            return
        self.require_acting(caller)

    def require_active(self) -> None:
        require(self.status is MerchantStatus.ACTIVE, ErrorCode.MERCHANT_SUSPENDED,
                f"merchant {self.id} is suspended")

    def require_sells(self, category: str) -> None:
        require(category in self.registration.categories, ErrorCode.CATEGORY_NOT_ALLOWED,
                f"merchant {self.id} is not registered for category {category!r}")
