"""A smart contract in a chaincode on a channel: evaluate (query) and submit transactions."""
from __future__ import annotations

from typing import Mapping, Sequence

from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import proposal_pb2

from .commit import SubmittedTransaction
from .deadlines import Deadlines
from .gateway_client import GatewayClient
from .identity.signing_identity import SigningIdentity
from .proposal import Proposal
from .protocol.proposal_builder import build_proposal

Args = Sequence[bytes | str]
Transient = Mapping[str, bytes | str]


class Contract:
    """With a `contract_name`, transaction names are qualified as "Contract:function" (for
    chaincodes that hold several contracts)."""

    def __init__(self, client: GatewayClient, signing: SigningIdentity, channel: str,
                 chaincode: str, contract_name: str | None = None) -> None:
        self._client = client
        self._signing = signing
        self.channel = channel
        self.chaincode = chaincode
        self.contract_name = contract_name

    @property
    def deadlines(self) -> Deadlines:
        """The gateway's default deadlines."""
        return self._client.deadlines

    def qualified_name(self, name: str) -> str:
        return f"{self.contract_name}:{name}" if self.contract_name else name

    def new_proposal(self, name: str, args: Args = (), transient: Transient | None = None,
                     endorsing_organizations: Sequence[str] = ()) -> Proposal:
        """An unsigned proposal: evaluate() or endorse() it, or export `bytes()`/`digest()` for
        offline signing."""
        if isinstance(args, (str, bytes)):  # would silently become one argument per character
            raise TypeError("args must be a sequence of str or bytes, not a single value")
        built = build_proposal(self._signing.creator, self.channel, self.chaincode,
                               [self.qualified_name(name), *args], transient)
        proposed = gateway_pb2.ProposedTransaction(
            transaction_id=built.transaction_id,
            proposal=proposal_pb2.SignedProposal(proposal_bytes=built.bytes()),
            endorsing_organizations=endorsing_organizations,
        )
        return Proposal(self._client, self._signing, proposed)

    def evaluate(self, name: str, args: Args = (), transient: Transient | None = None,
                 endorsing_organizations: Sequence[str] = (),
                 timeout: float | None = None) -> bytes:
        """Runs a query on one peer and returns its result; nothing is ordered or committed."""
        return self.new_proposal(name, args, transient, endorsing_organizations).evaluate(timeout)

    def submit_async(self, name: str, args: Args = (), transient: Transient | None = None,
                     endorsing_organizations: Sequence[str] = (),
                     deadlines: Deadlines | None = None) -> SubmittedTransaction:
        """Endorses and submits; returns once the orderer accepted the transaction, with its
        result and a handle to wait for the commit."""
        deadlines = deadlines or self._client.deadlines
        proposal = self.new_proposal(name, args, transient, endorsing_organizations)
        return proposal.endorse(deadlines.endorse).submit(deadlines.submit)

    def submit(self, name: str, args: Args = (), transient: Transient | None = None,
               endorsing_organizations: Sequence[str] = (),
               deadlines: Deadlines | None = None) -> bytes:
        """Endorses, submits and waits for a valid commit; returns the chaincode's result.
        Raises CommitError if the transaction committed as invalid."""
        deadlines = deadlines or self._client.deadlines
        submitted = self.submit_async(name, args, transient, endorsing_organizations, deadlines)
        submitted.status(deadlines.commit_status).check()
        return submitted.result
