"""Key-level endorsement policies (state-based endorsement), as Fabric's statebased package builds them.

A policy is "every listed organisation must endorse": an N-out-of-N SignaturePolicyEnvelope over
MSP role principals, organisations sorted by MSP id so that every endorser produces the same bytes.
"""
from __future__ import annotations

from enum import Enum

from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2

from .errors import ShimError

_MSPRole = msp_principal_pb2.MSPRole


class Role(str, Enum):
    MEMBER = "member"
    PEER = "peer"
    ADMIN = "admin"
    CLIENT = "client"


_TO_PROTO = {
    Role.MEMBER: _MSPRole.MEMBER,
    Role.PEER: _MSPRole.PEER,
    Role.ADMIN: _MSPRole.ADMIN,
    Role.CLIENT: _MSPRole.CLIENT,
}
_FROM_PROTO = {proto: role for role, proto in _TO_PROTO.items()}


class KeyEndorsementPolicy:
    """Builds or edits the endorsement policy stored as a key's validation parameter."""

    def __init__(self, policy: bytes | None = None) -> None:
        self._orgs: dict[str, Role] = {}
        if policy:
            self._load(policy)

    def add_orgs(self, role: Role | str, *msp_ids: str) -> None:
        """Requires an endorsement by a `role` identity of each organisation (replaces its role)."""
        try:
            role = Role(role)
        except ValueError:
            raise ShimError(f"unknown role {role!r}; use one of {[r.value for r in Role]}") from None
        for msp_id in msp_ids:
            self._orgs[msp_id] = role

    def del_orgs(self, *msp_ids: str) -> None:
        for msp_id in msp_ids:
            self._orgs.pop(msp_id, None)

    def list_orgs(self) -> list[str]:
        return sorted(self._orgs)

    def role_of(self, msp_id: str) -> Role | None:
        return self._orgs.get(msp_id)

    def policy(self) -> bytes:
        """The serialized SignaturePolicyEnvelope."""
        msp_ids = self.list_orgs()
        envelope = policies_pb2.SignaturePolicyEnvelope(version=0)
        envelope.rule.n_out_of.n = len(msp_ids)
        for index, msp_id in enumerate(msp_ids):
            principal = _MSPRole(msp_identifier=msp_id, role=_TO_PROTO[self._orgs[msp_id]])
            envelope.identities.add(
                principal_classification=msp_principal_pb2.MSPPrincipal.ROLE,
                principal=principal.SerializeToString(),
            )
            envelope.rule.n_out_of.rules.add(signed_by=index)
        return envelope.SerializeToString()

    def _load(self, policy: bytes) -> None:
        try:
            envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policy)
            for identity in envelope.identities:
                if identity.principal_classification == msp_principal_pb2.MSPPrincipal.ROLE:
                    principal = _MSPRole.FromString(identity.principal)
                    self._orgs[principal.msp_identifier] = _FROM_PROTO[principal.role]
        except Exception as exc:
            raise ShimError(f"not a key-level endorsement policy: {exc}") from None
