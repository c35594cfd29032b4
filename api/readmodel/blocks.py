"""What the read model takes from a block: the valid transactions and the budgets chaincode's
writes in them.

It reads the write sets, not the chaincode events: a transaction has at most one event, and one
settlement of all of a scheme's shops writes a statement line per shop; the write sets also carry
each budget's new state, which no event announces. Private data never appears here (only its hashes
do, and those are skipped), so neither does anyone's personal data.
"""
from __future__ import annotations

from dataclasses import dataclass

from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.peer import proposal_pb2, proposal_response_pb2, transaction_pb2

VALID = 0  # peer.TxValidationCode.VALID


@dataclass(frozen=True)
class Write:
    key: str
    value: bytes
    is_delete: bool


@dataclass(frozen=True)
class Transaction:
    index: int
    """Its position in the block."""
    transaction_id: str
    writes: list[Write]
    """Of the chaincode's own namespace, in the order the chaincode made them."""


def valid_transactions(block: common_pb2.Block, chaincode: str) -> list[Transaction]:
    """The block's valid endorser transactions that wrote to `chaincode`'s namespace. An invalid
    transaction (an MVCC conflict, a duplicate transaction id, a failed endorsement policy) changed
    nothing on the ledger, so it counts for nothing here either."""
    codes = block.metadata.metadata[common_pb2.TRANSACTIONS_FILTER]
    found = []
    for index, data in enumerate(block.data.data):
        if index >= len(codes) or codes[index] != VALID:
            continue
        payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(data).payload)
        header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
        if header.type != common_pb2.ENDORSER_TRANSACTION:
            continue
        writes = _writes(transaction_pb2.Transaction.FromString(payload.data), chaincode)
        if writes:
            found.append(Transaction(index, header.tx_id, writes))
    return found


def _writes(transaction: transaction_pb2.Transaction, chaincode: str) -> list[Write]:
    writes = []
    for action in transaction.actions:
        action_payload = transaction_pb2.ChaincodeActionPayload.FromString(action.payload)
        response_payload = proposal_response_pb2.ProposalResponsePayload.FromString(
            action_payload.action.proposal_response_payload)
        chaincode_action = proposal_pb2.ChaincodeAction.FromString(response_payload.extension)
        results = rwset_pb2.TxReadWriteSet.FromString(chaincode_action.results)
        for namespace in results.ns_rwset:
            if namespace.namespace != chaincode:
                continue
            kv = kv_rwset_pb2.KVRWSet.FromString(namespace.rwset)
            writes.extend(Write(w.key, w.value, w.is_delete) for w in kv.writes)
    return writes
