"""Contract `Encumbrances`: mortgages, attachments, the municipal pre-emption right and limited rights."""

from __future__ import annotations

from grootboek.chaincode.contractapi import transaction

from ..domain.encumbrances import (
    Attachment,
    AttachmentTerms,
    LimitedRight,
    LimitedRightTerms,
    Mortgage,
    MortgageTerms,
    PreemptionRight,
    PreemptionTerms,
)
from ..domain.statements import PartySignature
from ..services.attachments import Attachments
from ..services.limited_rights import LimitedRights
from ..services.mortgages import Mortgages
from ..services.preemption import Preemption
from .base import RegistryContext, RegistryContract


class Encumbrances(RegistryContract):
    description = "Mortgages, attachments, pre-emption rights and limited rights on parcels"

    @transaction
    def register_mortgage(
        self, ctx: RegistryContext, parcel_id: str, terms: MortgageTerms, signature: PartySignature
    ) -> Mortgage:
        return Mortgages(ctx.records, ctx.tx).register(parcel_id, terms, signature)

    @transaction
    def cancel_mortgage(
        self, ctx: RegistryContext, parcel_id: str, mortgage_id: str, signature: PartySignature
    ) -> None:
        Mortgages(ctx.records, ctx.tx).cancel(parcel_id, mortgage_id, signature)

    @transaction
    def register_attachment(self, ctx: RegistryContext, parcel_id: str, terms: AttachmentTerms) -> Attachment:
        return Attachments(ctx.records, ctx.tx).register(parcel_id, terms)

    @transaction
    def lift_attachment(self, ctx: RegistryContext, parcel_id: str, attachment_id: str) -> None:
        Attachments(ctx.records, ctx.tx).lift(parcel_id, attachment_id)

    @transaction
    def register_preemption(
        self, ctx: RegistryContext, parcel_id: str, terms: PreemptionTerms
    ) -> PreemptionRight:
        return Preemption(ctx.records, ctx.tx).register(parcel_id, terms)

    @transaction
    def withdraw_preemption(self, ctx: RegistryContext, parcel_id: str) -> None:
        Preemption(ctx.records, ctx.tx).withdraw(parcel_id)

    @transaction
    def grant_limited_right(
        self, ctx: RegistryContext, parcel_id: str, terms: LimitedRightTerms, signatures: list[PartySignature]
    ) -> LimitedRight:
        return LimitedRights(ctx.records, ctx.tx).grant(parcel_id, terms, signatures)

    @transaction
    def release_limited_right(
        self, ctx: RegistryContext, parcel_id: str, right_id: str, signature: PartySignature
    ) -> None:
        LimitedRights(ctx.records, ctx.tx).release(parcel_id, right_id, signature)
