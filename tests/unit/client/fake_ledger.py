"""An in-memory channel ledger for fake peers: one block per submitted transaction."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.peer import (
    chaincode_event_pb2,
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
)


@dataclass
class Committed:
    block_number: int
    validation_code: int


@dataclass
class FakeLedger:
    channel: str = "mychannel"
    blocks: list[common_pb2.Block] = field(default_factory=list)
    private_data: dict[int, rwset_pb2.TxPvtReadWriteSet] = field(default_factory=dict)
    statuses: dict[str, Committed] = field(default_factory=dict)
    # Validation codes to give the next transactions (default VALID), e.g. MVCC_READ_CONFLICT.
    next_codes: list[int] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self._append(_config_envelope(self.channel), transaction_pb2.VALID)

    @property
    def height(self) -> int:
        return len(self.blocks)

    def commit(self, envelope: common_pb2.Envelope, tx_id: str,
               private: rwset_pb2.TxPvtReadWriteSet | None = None) -> Committed:
        with self.changed:
            if tx_id in self.statuses:  # as Fabric: the copy is invalid, the first one stands
                self._append(envelope.SerializeToString(), transaction_pb2.DUPLICATE_TXID)
                self.changed.notify_all()
                return self.statuses[tx_id]
            code = self.next_codes.pop(0) if self.next_codes else transaction_pb2.VALID
            number = self._append(envelope.SerializeToString(), code)
            if private is not None:
                self.private_data[number] = private
            self.statuses[tx_id] = Committed(number, code)
            self.changed.notify_all()
        return self.statuses[tx_id]

    def _append(self, envelope_bytes: bytes, code: int) -> int:
        number = len(self.blocks)
        metadata = [b""] * 5
        metadata[common_pb2.SIGNATURES] = common_pb2.Metadata(
            value=common_pb2.OrdererBlockMetadata(
                last_config=common_pb2.LastConfig(index=0)).SerializeToString()
        ).SerializeToString()
        metadata[common_pb2.TRANSACTIONS_FILTER] = bytes([code])
        self.blocks.append(common_pb2.Block(
            header=common_pb2.BlockHeader(number=number),
            data=common_pb2.BlockData(data=[envelope_bytes]),
            metadata=common_pb2.BlockMetadata(metadata=metadata),
        ))
        return number

    def wait_for_block(self, number: int, cancelled: threading.Event) -> common_pb2.Block | None:
        """Block `number` once it exists; None once `cancelled` is set (see `cancel`)."""
        with self.changed:
            while number >= len(self.blocks) and not cancelled.is_set():
                self.changed.wait()
            return None if cancelled.is_set() else self.blocks[number]

    def cancel(self, cancelled: threading.Event) -> None:
        """Wakes the waiters of a stream that ended."""
        with self.changed:
            cancelled.set()
            self.changed.notify_all()

    def watch(self, context: grpc.ServicerContext) -> threading.Event:
        """An event set when the RPC ends, waking whoever waits on this ledger for it."""
        ended = threading.Event()
        if not context.add_callback(lambda: self.cancel(ended)):
            ended.set()  # it ended before we could register: never wait for it
        return ended


def _config_envelope(channel: str) -> bytes:
    header = common_pb2.ChannelHeader(type=common_pb2.CONFIG, channel_id=channel)
    payload = common_pb2.Payload(header=common_pb2.Header(
        channel_header=header.SerializeToString()))
    return common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString()


def chaincode_events_of(block: common_pb2.Block) -> list[chaincode_event_pb2.ChaincodeEvent]:
    """Events of the valid transactions in a block (as a peer's gateway reports them)."""
    events = []
    codes = block.metadata.metadata[common_pb2.TRANSACTIONS_FILTER]
    for index, envelope_bytes in enumerate(block.data.data):
        payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(envelope_bytes).payload)
        header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
        if header.type != common_pb2.ENDORSER_TRANSACTION or codes[index] != transaction_pb2.VALID:
            continue
        action = chaincode_action_of(payload)
        if action.events:
            events.append(chaincode_event_pb2.ChaincodeEvent.FromString(action.events))
    return events


def chaincode_action_of(payload: common_pb2.Payload) -> proposal_pb2.ChaincodeAction:
    transaction = transaction_pb2.Transaction.FromString(payload.data)
    action_payload = transaction_pb2.ChaincodeActionPayload.FromString(transaction.actions[0].payload)
    response_payload = proposal_response_pb2.ProposalResponsePayload.FromString(
        action_payload.action.proposal_response_payload)
    return proposal_pb2.ChaincodeAction.FromString(response_payload.extension)
