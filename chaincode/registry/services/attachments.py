"""Attachments (beslag): while one is registered, the parcel cannot be transferred."""

from __future__ import annotations

from ..domain.encumbrances import Attachment, AttachmentTerms, find_entry
from ..domain.errors import ErrorCode, RegistryError
from ..domain.ids import derive_id
from ..domain.roles import is_registrar, require_statement_submitter
from .parcel_files import load_active_file
from .service import Service


class Attachments(Service):
    def register(self, parcel_id: str, terms: AttachmentTerms) -> Attachment:
        """Laid through the registry (for a bailiff) or by the municipality (for its own claims)."""
        require_statement_submitter(self.tx.caller)
        encumbrances = load_active_file(self.records, parcel_id).encumbrances
        attachment = Attachment(
            **dict(terms),
            id=derive_id("att", self.tx.id),
            registered_by=self.tx.caller.msp_id,
            registered_at=self.tx.now,
        )
        attachments = (*encumbrances.attachments, attachment)
        self.records.encumbrances.put(parcel_id, encumbrances.model_copy(update={"attachments": attachments}))
        return attachment

    def lift(self, parcel_id: str, attachment_id: str) -> None:
        """The registry may lift any attachment; the municipality only those it laid."""
        require_statement_submitter(self.tx.caller)
        encumbrances = load_active_file(self.records, parcel_id).encumbrances
        attachment = find_entry(encumbrances.attachments, attachment_id, parcel_id)
        if not is_registrar(self.tx.caller) and attachment.registered_by != self.tx.caller.msp_id:
            raise RegistryError(
                ErrorCode.FORBIDDEN, f"attachment {attachment_id} was laid by {attachment.registered_by}"
            )
        self.records.encumbrances.put(parcel_id, encumbrances.without("attachments", attachment_id))
