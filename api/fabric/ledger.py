"""Questions about a channel's ledger, answered by the peer's query system chaincode (qscc)
through the Fabric Gateway: the height, and what became of a transaction."""
from __future__ import annotations

from dataclasses import dataclass

from fabric_protos.common import common_pb2, ledger_pb2

from grootboek.client import EvaluateError
from grootboek.client.commit import validation_code_name
from grootboek.client.protocol.envelope import transaction_info

from ..auth.user import User
from .invoker import Invoker

QSCC = "qscc"
_NOT_FOUND_MARKERS = ("no such transaction ID", "Failed to get block for txID", "entry not found")


@dataclass(frozen=True)
class ChainInfo:
    height: int
    current_block_hash: str


@dataclass(frozen=True)
class TransactionRecord:
    transaction_id: str
    block_number: int
    validation_code: str
    result: bytes

    @property
    def valid(self) -> bool:
        return self.validation_code == "VALID"


class Ledger:
    def __init__(self, invoker: Invoker) -> None:
        self._invoker = invoker

    def chain_info(self, user: User, channel: str) -> ChainInfo:
        contract = self._invoker.contract(user, channel, QSCC)
        info = ledger_pb2.BlockchainInfo.FromString(contract.evaluate("GetChainInfo", [channel]))
        return ChainInfo(info.height, info.currentBlockHash.hex())

    def transaction(self, user: User, channel: str, transaction_id: str) -> TransactionRecord | None:
        """The committed transaction, or None if this peer has not committed it (yet)."""
        contract = self._invoker.contract(user, channel, QSCC)
        try:
            payload = contract.evaluate("GetBlockByTxID", [channel, transaction_id])
        except EvaluateError as error:
            texts = [error.message, *(detail.message for detail in error.details)]
            if any(marker in text for marker in _NOT_FOUND_MARKERS for text in texts):
                return None
            raise
        return _find(common_pb2.Block.FromString(payload), transaction_id)


def _find(block: common_pb2.Block, transaction_id: str) -> TransactionRecord | None:
    codes = block.metadata.metadata[common_pb2.TRANSACTIONS_FILTER]
    for index, data in enumerate(block.data.data):
        envelope = common_pb2.Envelope.FromString(data)
        payload = common_pb2.Payload.FromString(envelope.payload)
        header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
        if header.tx_id == transaction_id:
            code = codes[index] if index < len(codes) else 255
            try:
                result = transaction_info(envelope).result
            except ValueError:
                result = b""
            return TransactionRecord(transaction_id, block.header.number, validation_code_name(code), result)
    return None
