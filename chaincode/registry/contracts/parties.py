"""Contract `Parties`: registering parties and handling their personal data (registry only)."""

from __future__ import annotations

from grootboek.chaincode.contractapi import transaction

from ..domain.party import Party, PartyDetails
from ..services.parties import Parties as PartyService
from ..services.queries import Queries
from .base import RegistryContext, RegistryContract

DETAILS_FIELD = "details"  # the transient field carrying PartyDetails as JSON


class Parties(RegistryContract):
    description = "Parties: pseudonymous ids and public keys; personal data only in the registry's collection"

    @transaction
    def register_party(self, ctx: RegistryContext, public_key_pem: str) -> Party:
        return self._service(ctx).register(public_key_pem)

    @transaction
    def set_party_details(self, ctx: RegistryContext, party_id: str) -> None:
        """Personal data travels in the transient field `details`, never in the arguments."""
        details = PartyDetails.from_transient(ctx.stub.get_transient().get(DETAILS_FIELD))
        self._service(ctx).set_details(party_id, details)

    @transaction
    def purge_party_details(self, ctx: RegistryContext, party_id: str) -> None:
        self._service(ctx).purge_details(party_id)

    @transaction(evaluate=True)
    def get_party(self, ctx: RegistryContext, party_id: str) -> Party:
        return Queries(ctx.records, ctx.tx).party(party_id)

    @transaction(evaluate=True)
    def get_party_details(self, ctx: RegistryContext, party_id: str) -> PartyDetails:
        return self._service(ctx).details(party_id)

    @staticmethod
    def _service(ctx: RegistryContext) -> PartyService:
        return PartyService(ctx.records, ctx.personal, ctx.tx)
