"""A call to a chaincode described as data: which chaincode, which arguments, which header type,
and how to decode the result. System chaincode helpers (`system_chaincodes`, `lifecycle`) return
these; `admin.query` and `admin.transact` send them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from fabric_protos.common import common_pb2
from google.protobuf.message import Message

from ..protocol.proposal_builder import BuiltProposal, as_bytes, build_proposal

M = TypeVar("M", bound=Message)


@dataclass(frozen=True)
class Invocation(Generic[M]):
    chaincode: str
    args: tuple[bytes, ...]
    result_type: type[M] | None = None
    header_type: int = common_pb2.ENDORSER_TRANSACTION

    @classmethod
    def of(cls, chaincode: str, function: str, *args: bytes | str | Message,
           result_type: type[M] | None = None,
           header_type: int = common_pb2.ENDORSER_TRANSACTION) -> Invocation[M]:
        """Arguments may be protobuf messages (serialized), bytes or text."""
        encoded = tuple(a.SerializeToString() if isinstance(a, Message) else as_bytes(a)
                        for a in (function, *args))
        return cls(chaincode, encoded, result_type, header_type)

    def proposal(self, creator: bytes, channel: str = "") -> BuiltProposal:
        return build_proposal(creator, channel, self.chaincode, self.args,
                              header_type=self.header_type)

    def decode(self, payload: bytes) -> M | bytes:
        """The response payload as `result_type`, or raw bytes if there is none."""
        return self.result_type.FromString(payload) if self.result_type else payload
