"""The transfer workflow: sellers consent, buyers accept, the municipality waives its pre-emption
right where it holds one, and the registry records the transfer (overdracht)."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.errors import ErrorCode, RegistryError
from ..domain.ids import derive_id
from ..domain.parcel_file import ParcelFile
from ..domain.roles import require_officer, require_registrar, require_statement_submitter
from ..domain.statements import PartySignature, StatementType
from ..domain.transfer import Transfer, TransferStatus, TransferTerms
from .lookups import require_party, require_transfer
from .parcel_files import load_active_file, load_file, save_ownership
from .service import Service
from .signatures import spend_nonces, verify_signatures


class Transfers(Service):
    def open(self, terms: TransferTerms, consents: Sequence[PartySignature]) -> Transfer:
        """Opens a transfer on every seller's consent and locks the parcel against other transfers."""
        require_statement_submitter(self.tx.caller)
        file = load_active_file(self.records, terms.parcel_id)
        file.encumbrances.require_no_pending_transfer()
        file.encumbrances.require_unattached()
        file.ownership.require_transferable(terms.sellers, terms.buyers)
        for buyer in terms.buyer_ids:
            require_party(self.records, buyer, "buyer")
        verify_signatures(
            self.records,
            StatementType.TRANSFER_CONSENT,
            terms.model_dump(mode="json"),
            consents,
            terms.sellers,
        )
        transfer = Transfer(
            id=derive_id("tr", self.tx.id),
            terms=terms,
            status=TransferStatus.AWAITING_ACCEPTANCE,
            opened_at=self.tx.now,
        )
        self.records.transfers.put(transfer.id, transfer)
        self.records.encumbrances.put(
            file.parcel.id, file.encumbrances.model_copy(update={"pending_transfer": transfer.id})
        )
        spend_nonces(self.records, consents, self.tx.id)
        return transfer

    def accept(self, transfer_id: str, acceptances: Sequence[PartySignature]) -> Transfer:
        """Records every buyer's acceptance of the opened transfer."""
        require_statement_submitter(self.tx.caller)
        transfer = require_transfer(self.records, transfer_id)
        accepted = transfer.accepted(self.tx.now)
        verify_signatures(
            self.records,
            StatementType.TRANSFER_ACCEPTANCE,
            {"transfer_id": transfer.id, "parcel_id": transfer.terms.parcel_id},
            acceptances,
            transfer.terms.buyer_ids,
        )
        self.records.transfers.put(accepted.id, accepted)
        spend_nonces(self.records, acceptances, self.tx.id)
        return accepted

    def waive_preemption(self, transfer_id: str) -> Transfer:
        """The municipality declines to buy this time; its pre-emption right itself remains."""
        require_officer(self.tx.caller)
        transfer = require_transfer(self.records, transfer_id)
        file = load_file(self.records, transfer.terms.parcel_id)
        if file.encumbrances.preemption_in_force(self.tx.now) is None:
            raise RegistryError(
                ErrorCode.INVALID_STATE, f"parcel {file.parcel.id} has no pre-emption right in force to waive"
            )
        waived = transfer.preemption_waived(self.tx.now)
        self.records.transfers.put(waived.id, waived)
        return waived

    def record(self, transfer_id: str) -> ParcelFile:
        """Records an accepted transfer (inschrijving): ownership passes to the buyers."""
        require_registrar(self.tx.caller)
        transfer = require_transfer(self.records, transfer_id)
        recorded = transfer.recorded(self.tx.now)
        file = load_active_file(self.records, transfer.terms.parcel_id)
        file.encumbrances.require_unattached()
        if file.encumbrances.preemption_in_force(self.tx.now) and transfer.preemption_waived_at is None:
            raise RegistryError(
                ErrorCode.PREEMPTION_NOT_WAIVED,
                f"parcel {file.parcel.id} carries a municipal pre-emption right not waived for transfer {transfer.id}",
            )
        terms = transfer.terms
        ownership = file.ownership.after_transfer(terms.sellers, terms.buyers, self.tx.now, transfer.id)
        encumbrances = file.encumbrances.model_copy(update={"pending_transfer": None})
        save_ownership(self.records, file.ownership, ownership)
        self.records.encumbrances.put(file.parcel.id, encumbrances)
        self.records.transfers.put(recorded.id, recorded)
        return ParcelFile(parcel=file.parcel, ownership=ownership, encumbrances=encumbrances)

    def cancel(self, transfer_id: str) -> Transfer:
        """Abandons an unrecorded transfer (the deal fell through) and unlocks the parcel."""
        require_registrar(self.tx.caller)
        transfer = require_transfer(self.records, transfer_id)
        cancelled = transfer.cancelled(self.tx.now)
        file = load_file(self.records, transfer.terms.parcel_id)
        self.records.encumbrances.put(
            file.parcel.id, file.encumbrances.model_copy(update={"pending_transfer": None})
        )
        self.records.transfers.put(cancelled.id, cancelled)
        return cancelled
