"""Encumbrances on a parcel: mortgages, attachments, the pre-emption right, limited rights."""
from __future__ import annotations

from grootboek.chaincode.registry.domain.encumbrances import (
    Attachment,
    AttachmentTerms,
    LimitedRight,
    Mortgage,
    PreemptionRight,
    PreemptionTerms,
)

from ...auth.roles import Role
from ...auth.user import User
from ...fabric.calls import Chaincode, ChaincodeCall
from ...routing import Routes
from ..common import WRITE_ERRORS
from .models import LimitedRightGrant, MortgageRegistration, Signed

PARCEL = "/parcels/<parcel_id>"


def add(routes: Routes, registry: Chaincode) -> None:
    registrar, officer = {Role.REGISTRAR}, {Role.OFFICER}
    either = registrar | officer

    @routes.post(PARCEL + "/mortgages", body=MortgageRegistration, response=Mortgage, status=201,
                 roles=either, responses=WRITE_ERRORS, summary="Register a mortgage signed by its lender")
    def register_mortgage(user: User, parcel_id: str, body: MortgageRegistration) -> ChaincodeCall:
        return registry.write("Encumbrances:register_mortgage", parcel_id, body.terms, body.signature)

    @routes.post(PARCEL + "/mortgages/<mortgage_id>/cancel", body=Signed, roles=either,
                 responses=WRITE_ERRORS, summary="Cancel a mortgage with its lender's signature")
    def cancel_mortgage(user: User, parcel_id: str, mortgage_id: str, body: Signed) -> ChaincodeCall:
        return registry.write("Encumbrances:cancel_mortgage", parcel_id, mortgage_id, body.signature)

    @routes.post(PARCEL + "/attachments", body=AttachmentTerms, response=Attachment, status=201,
                 roles=either, responses=WRITE_ERRORS, summary="Lay an attachment (beslag) on a parcel")
    def register_attachment(user: User, parcel_id: str, body: AttachmentTerms) -> ChaincodeCall:
        return registry.write("Encumbrances:register_attachment", parcel_id, body)

    @routes.delete(PARCEL + "/attachments/<attachment_id>", roles=either, responses=WRITE_ERRORS,
                   summary="Lift an attachment")
    def lift_attachment(user: User, parcel_id: str, attachment_id: str) -> ChaincodeCall:
        return registry.write("Encumbrances:lift_attachment", parcel_id, attachment_id)

    @routes.put(PARCEL + "/preemption", body=PreemptionTerms, response=PreemptionRight, status=201,
                roles=officer, responses=WRITE_ERRORS, summary="Register the municipal pre-emption right")
    def register_preemption(user: User, parcel_id: str, body: PreemptionTerms) -> ChaincodeCall:
        return registry.write("Encumbrances:register_preemption", parcel_id, body)

    @routes.delete(PARCEL + "/preemption", roles=officer, responses=WRITE_ERRORS,
                   summary="Withdraw the municipal pre-emption right")
    def withdraw_preemption(user: User, parcel_id: str) -> ChaincodeCall:
        return registry.write("Encumbrances:withdraw_preemption", parcel_id)

    @routes.post(PARCEL + "/limited-rights", body=LimitedRightGrant, response=LimitedRight, status=201,
                 roles=registrar, responses=WRITE_ERRORS,
                 summary="Grant a limited right (leasehold, building right) signed by owners and holder")
    def grant_limited_right(user: User, parcel_id: str, body: LimitedRightGrant) -> ChaincodeCall:
        return registry.write("Encumbrances:grant_limited_right", parcel_id, body.terms, body.signatures)

    @routes.post(PARCEL + "/limited-rights/<right_id>/release", body=Signed, roles=registrar,
                 responses=WRITE_ERRORS, summary="Release a limited right with its holder's signature")
    def release_limited_right(user: User, parcel_id: str, right_id: str, body: Signed) -> ChaincodeCall:
        return registry.write("Encumbrances:release_limited_right", parcel_id, right_id, body.signature)
