"""Parties: pseudonymous ids with public keys; personal data only in the registry's collection."""
from __future__ import annotations

from grootboek.chaincode.registry.domain.party import Party, PartyDetails

from ...auth.roles import Role
from ...auth.user import User
from ...fabric.calls import Chaincode, ChaincodeCall
from ...routing import Routes
from ..common import ANYONE, READ_ERRORS
from .models import PartyRegistration

DETAILS_FIELD = "details"  # the transient field the chaincode reads (never on the ledger)
REGISTRY_PEERS = ("RegistryMSP",)  # only the registry's peers hold the personal collection


def add(routes: Routes, registry: Chaincode) -> None:
    registrar = {Role.REGISTRAR}

    @routes.post("/parties", body=PartyRegistration, response=Party, status=201, roles=registrar,
                 responses=(409, 503, 504), summary="Register a party (pseudonymous id and public key)")
    def register_party(user: User, body: PartyRegistration) -> ChaincodeCall:
        return registry.write("Parties:register_party", body.public_key_pem)

    @routes.get("/parties/<party_id>", response=Party, roles=ANYONE, responses=READ_ERRORS,
                summary="A party's public record")
    def get_party(user: User, party_id: str) -> ChaincodeCall:
        return registry.read("Parties:get_party", party_id)

    @routes.put("/parties/<party_id>/details", body=PartyDetails, roles=registrar,
                responses=(404, 503, 504), summary="Record a party's personal data (registry peers only)")
    def set_party_details(user: User, party_id: str, body: PartyDetails) -> ChaincodeCall:
        """The data travels as transient input: it reaches the registry's private collection and
        never the shared ledger, nor the gateway's idempotency records."""
        return registry.write("Parties:set_party_details", party_id,
                              transient={DETAILS_FIELD: body.model_dump_json().encode()},
                              endorsing_organizations=REGISTRY_PEERS)

    @routes.get("/parties/<party_id>/details", response=PartyDetails, roles=registrar,
                responses=READ_ERRORS, summary="A party's personal data")
    def get_party_details(user: User, party_id: str) -> ChaincodeCall:
        return registry.read("Parties:get_party_details", party_id,
                             endorsing_organizations=REGISTRY_PEERS)

    @routes.delete("/parties/<party_id>/details", roles=registrar, responses=(404, 503, 504),
                   summary="Purge a party's personal data (its public record stays)")
    def purge_party_details(user: User, party_id: str) -> ChaincodeCall:
        return registry.write("Parties:purge_party_details", party_id,
                              endorsing_organizations=REGISTRY_PEERS)
