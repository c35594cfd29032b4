"""Transfers of ownership: consent (open), acceptance, the municipality's waiver, recording."""
from __future__ import annotations

from grootboek.chaincode.registry.domain.parcel_file import ParcelFile
from grootboek.chaincode.registry.domain.transfer import Transfer, TransferProgress

from ...auth.roles import Role
from ...auth.user import User
from ...fabric.calls import Chaincode, ChaincodeCall
from ...routing import Routes
from ..common import ANYONE, READ_ERRORS, WRITE_ERRORS
from .models import TransferAcceptance, TransferOpening



def add(routes: Routes, registry: Chaincode) -> None:
    statement_submitters = {Role.REGISTRAR, Role.OFFICER}

    @routes.post("/transfers", body=TransferOpening, response=Transfer, status=201,
                 roles=statement_submitters, responses=WRITE_ERRORS,
                 summary="Open a transfer with every seller's consent (locks the parcel)")
    def open_transfer(user: User, body: TransferOpening) -> ChaincodeCall:
        return registry.write("Transfers:open_transfer", body.terms, body.consents)

    @routes.get("/transfers/<transfer_id>", response=Transfer, roles=ANYONE, responses=READ_ERRORS,
                summary="A transfer and the step it is at")
    def get_transfer(user: User, transfer_id: str) -> ChaincodeCall:
        return registry.read("Transfers:get_transfer", transfer_id)

    @routes.get("/transfers/<transfer_id>/progress", response=TransferProgress, roles=ANYONE,
                responses=READ_ERRORS, summary="Which consents a transfer has and which it still lacks")
    def transfer_progress(user: User, transfer_id: str) -> ChaincodeCall:
        return registry.read("Transfers:get_transfer_progress", transfer_id)

    @routes.post("/transfers/<transfer_id>/accept", body=TransferAcceptance, response=Transfer,
                 roles=statement_submitters, responses=WRITE_ERRORS, summary="The buyers accept the transfer")
    def accept_transfer(user: User, transfer_id: str, body: TransferAcceptance) -> ChaincodeCall:
        return registry.write("Transfers:accept_transfer", transfer_id, body.acceptances)

    @routes.post("/transfers/<transfer_id>/waive-preemption", response=Transfer, roles={Role.OFFICER},
                 responses=WRITE_ERRORS,
                 summary="The municipality waives its pre-emption right for this transfer")
    def waive_preemption(user: User, transfer_id: str) -> ChaincodeCall:
        return registry.write("Transfers:waive_preemption", transfer_id)

    @routes.post("/transfers/<transfer_id>/record", response=ParcelFile, roles={Role.REGISTRAR},
                 responses=WRITE_ERRORS, summary="Record the transfer: ownership changes now")
    def record_transfer(user: User, transfer_id: str) -> ChaincodeCall:
        return registry.write("Transfers:record_transfer", transfer_id)

    @routes.post("/transfers/<transfer_id>/cancel", response=Transfer, roles={Role.REGISTRAR},
                 responses=WRITE_ERRORS, summary="Cancel a transfer that is not yet recorded")
    def cancel_transfer(user: User, transfer_id: str) -> ChaincodeCall:
        return registry.write("Transfers:cancel_transfer", transfer_id)
