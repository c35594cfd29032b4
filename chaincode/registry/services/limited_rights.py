"""Limited rights (beperkte rechten): leasehold (erfpacht) and building rights (opstal), granted by
all owners together with the holder, and released by the holder."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.encumbrances import LimitedRight, LimitedRightTerms, find_entry
from ..domain.ids import derive_id
from ..domain.roles import require_registrar
from ..domain.statements import PartySignature, StatementType
from .parcel_files import load_active_file
from .signed_encumbrances import SignedEncumbrances


class LimitedRights(SignedEncumbrances):
    def grant(
        self, parcel_id: str, terms: LimitedRightTerms, signatures: Sequence[PartySignature]
    ) -> LimitedRight:
        require_registrar(self.tx.caller)
        file = load_active_file(self.records, parcel_id)
        right = LimitedRight(**dict(terms), id=derive_id("lr", self.tx.id), granted_at=self.tx.now)
        rights = (*file.encumbrances.limited_rights, right)
        self._signed_change(
            parcel_id,
            StatementType.LIMITED_RIGHT_GRANT,
            terms.model_dump(mode="json"),
            signatures,
            file.ownership.parties | {terms.holder},
            file.encumbrances.model_copy(update={"limited_rights": rights}),
        )
        return right

    def release(self, parcel_id: str, right_id: str, signature: PartySignature) -> None:
        """The holder gives the right up (afstand) before its term ends."""
        require_registrar(self.tx.caller)
        encumbrances = load_active_file(self.records, parcel_id).encumbrances
        right = find_entry(encumbrances.limited_rights, right_id, parcel_id)
        self._signed_change(
            parcel_id,
            StatementType.LIMITED_RIGHT_RELEASE,
            {"right_id": right_id},
            [signature],
            [right.holder],
            encumbrances.without("limited_rights", right_id),
        )
