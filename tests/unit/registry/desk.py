"""A registry desk for tests: runs services as transactions on memory records.

`desk.transfers(REGISTRAR).record(tid)` is one transaction: a fresh tx id and timestamp, writes
committed on success; a refusal must come before the first write (asserted) and commits nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode import signing
from grootboek.chaincode.contractapi import Caller, Tx
from grootboek.chaincode.registry.domain.designation import Designation
from grootboek.chaincode.registry.domain.errors import ErrorCode, RegistryError
from grootboek.chaincode.registry.domain.parcel import ParcelDescription, ParcelRegistration
from grootboek.chaincode.registry.domain.parcel_file import ParcelFile
from grootboek.chaincode.registry.domain.shares import Share
from grootboek.chaincode.registry.domain.statements import PartySignature, StatementType, statement
from grootboek.chaincode.registry.domain.transfer import Transfer, TransferTerms
from grootboek.chaincode.registry.services.attachments import Attachments
from grootboek.chaincode.registry.services.limited_rights import LimitedRights
from grootboek.chaincode.registry.services.mortgages import Mortgages
from grootboek.chaincode.registry.services.parcels import Parcels
from grootboek.chaincode.registry.services.parties import Parties
from grootboek.chaincode.registry.services.preemption import Preemption
from grootboek.chaincode.registry.services.queries import Queries
from grootboek.chaincode.registry.services.transfers import Transfers

from .memory_records import MemoryPersonalData, MemoryRecords

REGISTRAR = Caller("RegistryMSP", "x509::CN=registrar,O=Registry::CN=ca.registry", "registrar")
OFFICER = Caller("MunicipalityMSP", "x509::CN=officer,O=Municipality::CN=ca.municipality", "officer")
REGISTRY_CLERK = Caller("RegistryMSP", "x509::CN=clerk,O=Registry::CN=ca.registry")
MERCHANT = Caller("MerchantsMSP", "x509::CN=registrar,O=Merchants::CN=ca.merchants", "registrar")
START = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def refused(code: ErrorCode) -> Any:
    """Asserts a RegistryError with exactly this code."""
    return pytest.raises(RegistryError, match=f"^{code}: ")


def designation(number: int, section: str = "K") -> Designation:
    return Designation(municipality="GNG00", section=section, number=number)


def description(number: int, area_m2: int) -> ParcelDescription:
    return ParcelDescription(designation=designation(number), area_m2=area_m2)


@dataclass
class Holder:
    """A party outside Fabric: its registered id and the key its app signs with."""

    id: str
    key: ec.EllipticCurvePrivateKey
    nonces: itertools.count = field(default_factory=itertools.count)

    def sign(self, kind: StatementType, terms: dict[str, Any]) -> PartySignature:
        return self.sign_as(self.id, kind, terms)

    def sign_as(self, party_id: str, kind: StatementType, terms: dict[str, Any]) -> PartySignature:
        """A forgery when `party_id` is someone else's: signed with this holder's key."""
        nonce = f"{self.id[-6:]}-{next(self.nonces)}"
        return PartySignature(
            party=party_id,
            nonce=nonce,
            signature=signing.sign(self.key, statement(kind, terms, party_id, nonce)),
        )

    def share(self, fraction: str) -> Share:
        return Share(party=self.id, share=fraction)


class _Transaction:
    def __init__(self, desk: Desk, service: Any, tx: Tx) -> None:
        self._desk, self._service, self._tx = desk, service, tx

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._service, name)
        return lambda *args, **kwargs: self._desk.execute(self._tx, method, *args, **kwargs)


class Desk:
    def __init__(self) -> None:
        self.records = MemoryRecords()
        self.personal = MemoryPersonalData()
        self.now = START
        self._tx_numbers = itertools.count(1)

    def execute(self, tx: Tx, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            result = method(*args, **kwargs)
        except Exception as exc:
            wrote = bool(self.records.staged or self.personal.staged)
            self.records.discard()
            self.personal.discard()
            assert not (wrote and isinstance(exc, RegistryError)), "refused after writing"
            raise
        self.records.commit(tx.id, tx.now)
        self.personal.commit(tx.id, tx.now)
        return result

    def _tx(self, caller: Caller) -> Tx:
        tx = Tx(id=f"{next(self._tx_numbers):064x}", now=self.now, caller=caller)
        self.now += timedelta(hours=1)
        return tx

    def _run(self, service: type, caller: Caller) -> Any:
        tx = self._tx(caller)
        return _Transaction(self, service(self.records, tx), tx)

    def parties(self, caller: Caller = REGISTRAR) -> Any:
        tx = self._tx(caller)
        return _Transaction(self, Parties(self.records, self.personal, tx), tx)

    def parcels(self, caller: Caller = REGISTRAR) -> Any:
        return self._run(Parcels, caller)

    def transfers(self, caller: Caller = REGISTRAR) -> Any:
        return self._run(Transfers, caller)

    def mortgages(self, caller: Caller = REGISTRAR) -> Any:
        return self._run(Mortgages, caller)

    def attachments(self, caller: Caller = REGISTRAR) -> Any:
        return self._run(Attachments, caller)

    def preemption(self, caller: Caller = OFFICER) -> Any:
        return self._run(Preemption, caller)

    def limited_rights(self, caller: Caller = REGISTRAR) -> Any:
        return self._run(LimitedRights, caller)

    def queries(self, caller: Caller = REGISTRAR) -> Any:
        return self._run(Queries, caller)

    # Scenario steps.

    def new_party(self) -> Holder:
        key = ec.generate_private_key(ec.SECP256R1())
        party = self.parties().register(signing.public_key_pem(key))
        return Holder(party.id, key)

    def new_parcel(self, owners: list[Share], number: int = 1, area_m2: int = 1000) -> ParcelFile:
        registration = ParcelRegistration(
            designation=designation(number), area_m2=area_m2, owners=tuple(owners)
        )
        return self.parcels().register(registration)

    def open_transfer(self, parcel_id: str, sellers: list[Holder], buyers: list[Share]) -> Transfer:
        terms = TransferTerms(parcel_id=parcel_id, sellers=tuple(s.id for s in sellers), buyers=tuple(buyers))
        consents = [s.sign(StatementType.TRANSFER_CONSENT, terms.model_dump(mode="json")) for s in sellers]
        return self.transfers().open(terms, consents)

    def accept(self, transfer: Transfer, buyers: list[Holder]) -> Transfer:
        terms = {"transfer_id": transfer.id, "parcel_id": transfer.terms.parcel_id}
        return self.transfers().accept(
            transfer.id, [b.sign(StatementType.TRANSFER_ACCEPTANCE, terms) for b in buyers]
        )

    def sell(self, parcel_id: str, sellers: list[Holder], buyers: list[tuple[Holder, str]]) -> ParcelFile:
        """A whole transfer: consent, acceptance and recording."""
        transfer = self.open_transfer(
            parcel_id, sellers, [holder.share(fraction) for holder, fraction in buyers]
        )
        self.accept(transfer, [holder for holder, _ in buyers])
        return self.transfers().record(transfer.id)
