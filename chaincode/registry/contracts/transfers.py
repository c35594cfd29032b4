"""Contract `Transfers`: the transfer workflow from the sellers' consent to the registry's recording."""

from __future__ import annotations

from grootboek.chaincode.contractapi import transaction

from ..domain.parcel_file import ParcelFile
from ..domain.statements import PartySignature
from ..domain.transfer import Transfer, TransferProgress, TransferTerms
from ..services.queries import Queries
from ..services.transfers import Transfers as TransferService
from .base import RegistryContext, RegistryContract


class Transfers(RegistryContract):
    description = "Transfers of ownership (overdrachten): consent, acceptance, waiver, recording"

    @transaction
    def open_transfer(
        self, ctx: RegistryContext, terms: TransferTerms, consents: list[PartySignature]
    ) -> Transfer:
        return TransferService(ctx.records, ctx.tx).open(terms, consents)

    @transaction
    def accept_transfer(
        self, ctx: RegistryContext, transfer_id: str, acceptances: list[PartySignature]
    ) -> Transfer:
        return TransferService(ctx.records, ctx.tx).accept(transfer_id, acceptances)

    @transaction
    def waive_preemption(self, ctx: RegistryContext, transfer_id: str) -> Transfer:
        return TransferService(ctx.records, ctx.tx).waive_preemption(transfer_id)

    @transaction
    def record_transfer(self, ctx: RegistryContext, transfer_id: str) -> ParcelFile:
        return TransferService(ctx.records, ctx.tx).record(transfer_id)

    @transaction
    def cancel_transfer(self, ctx: RegistryContext, transfer_id: str) -> Transfer:
        return TransferService(ctx.records, ctx.tx).cancel(transfer_id)

    @transaction(evaluate=True)
    def get_transfer(self, ctx: RegistryContext, transfer_id: str) -> Transfer:
        return Queries(ctx.records, ctx.tx).transfer(transfer_id)

    @transaction(evaluate=True)
    def get_transfer_progress(self, ctx: RegistryContext, transfer_id: str) -> TransferProgress:
        return Queries(ctx.records, ctx.tx).transfer_progress(transfer_id)
