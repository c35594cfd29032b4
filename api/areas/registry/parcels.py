"""Parcels: registration, split, merge, and every question about them and their ownership."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from grootboek.chaincode.registry.domain.ownership import OwnershipEntry, OwnershipHistoryPage
from grootboek.chaincode.registry.domain.parcel import ParcelRegistration
from grootboek.chaincode.registry.domain.parcel_file import ParcelFile, ParcelFilePage

from ...auth.roles import Role
from ...auth.user import User
from ...fabric.calls import Chaincode, ChaincodeCall
from ...routing import Routes
from ..common import ANYONE, READ_ERRORS, WRITE_ERRORS, PageQuery
from .models import Merge, Split



class MomentQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", use_attribute_docstrings=True)

    at: Annotated[str, StringConstraints(min_length=10, max_length=40)]
    """A date (2024-05-01: the end of that day, UTC) or a datetime with offset."""


class AddressQuery(PageQuery):
    address: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    """A postcode with house number ("9801 AA 1a"), or (part of) a street, with house number and
    town ("Hoofdstraat 1 Zuidhorn", "Hoofdstr")."""


def add(routes: Routes, registry: Chaincode) -> None:
    registrar = {Role.REGISTRAR}

    @routes.post("/parcels", body=ParcelRegistration, response=ParcelFile, status=201, roles=registrar,
                 responses=WRITE_ERRORS, summary="Register a parcel with its first owners")
    def register_parcel(user: User, body: ParcelRegistration) -> ChaincodeCall:
        return registry.write("Parcels:register_parcel", body)

    @routes.get("/parcels", query=PageQuery, response=ParcelFilePage, roles=ANYONE, responses=(503,),
                summary="List parcels, a page at a time")
    def list_parcels(user: User, query: PageQuery) -> ChaincodeCall:
        return registry.read("Parcels:list_parcels", query.page_size, query.bookmark)

    @routes.get("/parcels/by-address", query=AddressQuery, response=ParcelFilePage, roles=ANYONE,
                responses=(503,), summary="Active parcels found by postcode and house number, or by street and town")
    def parcels_at_address(user: User, query: AddressQuery) -> ChaincodeCall:
        return registry.read("Parcels:get_parcels_by_address", query.address, query.page_size, query.bookmark)

    @routes.get("/parcels/<parcel_id>", response=ParcelFile, roles=ANYONE, responses=READ_ERRORS,
                summary="A parcel with its ownership and encumbrances")
    def get_parcel(user: User, parcel_id: str) -> ChaincodeCall:
        return registry.read("Parcels:get_parcel", parcel_id)

    @routes.post("/parcels/<parcel_id>/split", body=Split, response=list[ParcelFile], status=201,
                 roles=registrar, responses=WRITE_ERRORS, summary="Split a parcel into new parcels")
    def split_parcel(user: User, parcel_id: str, body: Split) -> ChaincodeCall:
        return registry.write("Parcels:split_parcel", parcel_id, body.parts)

    @routes.post("/parcels/merge", body=Merge, response=ParcelFile, status=201, roles=registrar,
                 responses=WRITE_ERRORS, summary="Merge parcels with identical rights into a new parcel")
    def merge_parcels(user: User, body: Merge) -> ChaincodeCall:
        return registry.write("Parcels:merge_parcels", body.parcel_ids, body.result)

    @routes.get("/parcels/<parcel_id>/history", query=PageQuery, response=OwnershipHistoryPage,
                roles=ANYONE, responses=READ_ERRORS, summary="The parcel's ownership history, oldest first")
    def ownership_history(user: User, parcel_id: str, query: PageQuery) -> ChaincodeCall:
        return registry.read("Parcels:get_ownership_history", parcel_id, query.page_size, query.bookmark)

    @routes.get("/parcels/<parcel_id>/ownership", query=MomentQuery, response=OwnershipEntry,
                roles=ANYONE, responses=READ_ERRORS, summary="Who owned the parcel at a moment")
    def ownership_at(user: User, parcel_id: str, query: MomentQuery) -> ChaincodeCall:
        return registry.read("Parcels:get_ownership_at", parcel_id, query.at)

    @routes.get("/parties/<party_id>/parcels", query=PageQuery, response=ParcelFilePage, roles=ANYONE,
                responses=READ_ERRORS, summary="The parcels a party owns a share of")
    def parcels_of_owner(user: User, party_id: str, query: PageQuery) -> ChaincodeCall:
        return registry.read("Parcels:get_parcels_by_owner", party_id, query.page_size, query.bookmark)
