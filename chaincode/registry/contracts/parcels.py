"""Contract `Parcels` (the default): registering, splitting and merging parcels, and every query
about parcels and their ownership."""

from __future__ import annotations

from grootboek.chaincode.contractapi import transaction

from ..domain.ids import Identifier
from ..domain.ownership import OwnershipEntry, OwnershipHistoryPage
from ..domain.page import PageRequest
from ..domain.parcel import ParcelDescription, ParcelRegistration
from ..domain.parcel_file import ParcelFile, ParcelFilePage
from ..services.parcels import Parcels as ParcelService
from ..services.queries import Queries
from .base import RegistryContext, RegistryContract


class Parcels(RegistryContract):
    description = "Parcels (percelen) of the land registry, their lineage and their ownership"

    @transaction
    def register_parcel(self, ctx: RegistryContext, registration: ParcelRegistration) -> ParcelFile:
        return ParcelService(ctx.records, ctx.tx).register(registration)

    @transaction
    def split_parcel(
        self, ctx: RegistryContext, parcel_id: str, parts: list[ParcelDescription]
    ) -> list[ParcelFile]:
        return list(ParcelService(ctx.records, ctx.tx).split(parcel_id, parts))

    @transaction
    def merge_parcels(
        self, ctx: RegistryContext, parcel_ids: list[str], result: ParcelDescription
    ) -> ParcelFile:
        return ParcelService(ctx.records, ctx.tx).merge(parcel_ids, result)

    @transaction
    def index_addresses(self, ctx: RegistryContext, parcel_ids: list[Identifier]) -> int:
        """Writes the address index entries the parcels lack (a ledger from before the index: run it
        over `list_parcels`, a page at a time); the number written."""
        return ParcelService(ctx.records, ctx.tx).index_addresses(parcel_ids)

    @transaction(evaluate=True)
    def get_parcel(self, ctx: RegistryContext, parcel_id: str) -> ParcelFile:
        return Queries(ctx.records, ctx.tx).parcel(parcel_id)

    @transaction(evaluate=True)
    def list_parcels(self, ctx: RegistryContext, page_size: int, bookmark: str = "") -> ParcelFilePage:
        return Queries(ctx.records, ctx.tx).parcels(PageRequest(page_size, bookmark))

    @transaction(evaluate=True)
    def get_parcels_by_owner(
        self, ctx: RegistryContext, party_id: str, page_size: int, bookmark: str = ""
    ) -> ParcelFilePage:
        return Queries(ctx.records, ctx.tx).parcels_of_owner(party_id, PageRequest(page_size, bookmark))

    @transaction(evaluate=True)
    def get_parcels_by_address(
        self, ctx: RegistryContext, address: str, page_size: int, bookmark: str = ""
    ) -> ParcelFilePage:
        """`address`: a postcode with house number ("9801 AA 1a"), or (part of) a street with
        house number and town ("Hoofdstraat 1 Zuidhorn", "Hoofdstr"); active parcels only."""
        return Queries(ctx.records, ctx.tx).parcels_at_address(address, PageRequest(page_size, bookmark))

    @transaction(evaluate=True)
    def get_ownership_history(
        self, ctx: RegistryContext, parcel_id: str, page_size: int, bookmark: str = ""
    ) -> OwnershipHistoryPage:
        return Queries(ctx.records, ctx.tx).ownership_history(parcel_id, PageRequest(page_size, bookmark))

    @transaction(evaluate=True)
    def get_ownership_at(self, ctx: RegistryContext, parcel_id: str, at: str) -> OwnershipEntry:
        """`at`: a date (meaning the end of that day, UTC) or a datetime with offset, ISO 8601."""
        return Queries(ctx.records, ctx.tx).ownership_at(parcel_id, at)
