"""Registering parties, and keeping their personal data apart from the shared ledger."""

from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Tx
from grootboek.chaincode.signing import SignatureError, load_public_key

from ..domain.errors import ErrorCode, RegistryError
from ..domain.ids import derive_id
from ..domain.party import Party, PartyDetails
from ..domain.roles import require_registrar
from .lookups import require_party
from .records import PersonalData, Records
from .service import Service


class Parties(Service):
    def __init__(self, records: Records, personal: PersonalData, tx: Tx) -> None:
        super().__init__(records, tx)
        self.personal = personal

    def register(self, public_key_pem: str) -> Party:
        """Registers a party by its ECDSA P-256 public key; its id derives from the transaction."""
        require_registrar(self.tx.caller)
        try:
            load_public_key(public_key_pem)
        except SignatureError as exc:
            raise RegistryError(ErrorCode.INVALID_ARGUMENT, str(exc)) from None
        party = Party(
            id=derive_id("pty", self.tx.id), public_key=public_key_pem, registered_at=self.tx.now
        )
        self.records.parties.put(party.id, party)
        return party

    def set_details(self, party_id: str, details: PartyDetails) -> None:
        """Stores personal data privately; the transaction writes nothing public and returns nothing,
        since a submitted transaction's response is kept on the shared ledger."""
        require_registrar(self.tx.caller)
        require_party(self.records, party_id)
        self.personal.put(party_id, details)

    def details(self, party_id: str) -> PartyDetails:
        require_registrar(self.tx.caller)
        details = self.personal.get(party_id)
        if details is None:
            raise RegistryError(ErrorCode.NOT_FOUND, f"no personal data for party {party_id}")
        return details

    def purge_details(self, party_id: str) -> None:
        """Erases the personal data from the collection and its history; the party stays registered."""
        self.details(party_id)
        self.personal.purge(party_id)
