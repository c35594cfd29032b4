"""Checking parties' signed statements: the right signers, registered keys, fresh nonces."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from grootboek.chaincode.signing import SignatureError, verify

from ..domain.errors import ErrorCode, RegistryError
from ..domain.statements import PartySignature, StatementType, statement
from .lookups import require_party
from .records import Records


def verify_signatures(
    records: Records,
    kind: StatementType,
    terms: dict[str, Any],
    signatures: Sequence[PartySignature],
    signers: Iterable[str],
) -> None:
    """Passes only if exactly `signers` each signed the statement of `kind` over `terms`, once."""
    expected, seen = frozenset(signers), set[str]()
    for signature in signatures:
        if signature.party not in expected:
            raise RegistryError(
                ErrorCode.INVALID_ARGUMENT, f"party {signature.party} is not a signer of this {kind}"
            )
        if signature.party in seen:
            raise RegistryError(ErrorCode.INVALID_ARGUMENT, f"party {signature.party} signed twice")
        seen.add(signature.party)
    if missing := sorted(expected - seen):
        raise RegistryError(ErrorCode.MISSING_SIGNATURE, f"{kind} is not signed by {', '.join(missing)}")
    for signature in signatures:
        party = require_party(records, signature.party)
        if records.nonce_used(signature.party, signature.nonce):
            raise RegistryError(
                ErrorCode.REPLAYED, f"party {signature.party} already used nonce {signature.nonce}"
            )
        signed = statement(kind, terms, signature.party, signature.nonce)
        try:
            verify(party.public_key, signed, signature.signature)
        except SignatureError as exc:
            raise RegistryError(ErrorCode.BAD_SIGNATURE, f"party {signature.party}: {exc}") from None


def spend_nonces(records: Records, signatures: Iterable[PartySignature], tx_id: str) -> None:
    """Marks the statements used, so that none of them can be submitted again."""
    for signature in signatures:
        records.use_nonce(signature.party, signature.nonce, tx_id)
