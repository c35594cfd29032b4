"""What mortgages and limited rights share: they are registered and ended only on parties' signed
statements over the parcel, each statement counting once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..domain.encumbrances import Encumbrances
from ..domain.statements import PartySignature, StatementType
from .service import Service
from .signatures import spend_nonces, verify_signatures


class SignedEncumbrances(Service):
    def _signed_change(
        self,
        parcel_id: str,
        kind: StatementType,
        terms: dict[str, Any],
        signatures: Sequence[PartySignature],
        signers: Iterable[str],
        changed: Encumbrances,
    ) -> None:
        """Writes `changed` as the parcel's encumbrances once exactly `signers` signed the statement
        of `kind` over the parcel and `terms`; their statements cannot be used again."""
        verify_signatures(self.records, kind, {"parcel_id": parcel_id, **terms}, signatures, signers)
        self.records.encumbrances.put(parcel_id, changed)
        spend_nonces(self.records, signatures, self.tx.id)
