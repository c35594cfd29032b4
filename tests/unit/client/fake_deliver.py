"""Fake Deliver services (peer: full, filtered, with private data; orderer: full)."""
from __future__ import annotations

from typing import Callable, Iterator

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import events_pb2, events_pb2_grpc

from .fake_failures import Failures
from .fake_ledger import FakeLedger, chaincode_events_of
from .fake_peer import SignatureRejected, verify_signature


def start_block(position: ab_pb2.SeekPosition, ledger: FakeLedger) -> int:
    kind = position.WhichOneof("Type")
    if kind == "specified":
        return position.specified.number
    if kind == "oldest":
        return 0
    if kind == "newest":
        return ledger.height - 1
    return ledger.height  # next_commit


class DeliverRequest:
    """A verified seek request: which channel, from where to where."""

    def __init__(self, envelope: common_pb2.Envelope) -> None:
        payload = common_pb2.Payload.FromString(envelope.payload)
        self.channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
        signature_header = common_pb2.SignatureHeader.FromString(payload.header.signature_header)
        verify_signature(signature_header.creator, envelope.payload, envelope.signature)
        self.seek_info = ab_pb2.SeekInfo.FromString(payload.data)


def serve_blocks(ledger: FakeLedger, requests: Iterator[common_pb2.Envelope],
                 context: grpc.ServicerContext, wrap: Callable[[common_pb2.Block], object],
                 status: Callable[[int], object], seen: list[DeliverRequest]) -> Iterator[object]:
    try:
        request = DeliverRequest(next(requests))
    except SignatureRejected:
        yield status(common_pb2.FORBIDDEN)
        return
    seen.append(request)
    if request.channel_header.channel_id != ledger.channel:
        yield status(common_pb2.NOT_FOUND)
        return
    cancelled = ledger.watch(context)
    number = start_block(request.seek_info.start, ledger)
    stop = start_block(request.seek_info.stop, ledger)
    while number <= stop:
        block = ledger.wait_for_block(number, cancelled)
        if block is None:
            return
        yield wrap(block)
        number += 1
    yield status(common_pb2.SUCCESS)


def filtered(block: common_pb2.Block, ledger: FakeLedger) -> events_pb2.FilteredBlock:
    codes = block.metadata.metadata[common_pb2.TRANSACTIONS_FILTER]
    transactions = []
    for index, envelope_bytes in enumerate(block.data.data):
        payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(envelope_bytes).payload)
        header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
        transactions.append(events_pb2.FilteredTransaction(
            txid=header.tx_id, type=header.type, tx_validation_code=codes[index]))
    if transactions and chaincode_events_of(block):
        actions = [events_pb2.FilteredChaincodeAction(chaincode_event=event)
                   for event in chaincode_events_of(block)]
        transactions[0].transaction_actions.chaincode_actions.extend(actions)
    return events_pb2.FilteredBlock(channel_id=ledger.channel, number=block.header.number,
                                    filtered_transactions=transactions)


class FakePeerDeliver(events_pb2_grpc.DeliverServicer):
    def __init__(self, ledger: FakeLedger, failures: Failures) -> None:
        self.ledger = ledger
        self.failures = failures
        self.requests: list[DeliverRequest] = []

    def _serve(self, method, requests, context, wrap):
        self.failures.check(method, context)
        return serve_blocks(self.ledger, requests, context, wrap,
                            lambda code: events_pb2.DeliverResponse(status=code), self.requests)

    def Deliver(self, request_iterator, context):
        yield from self._serve("Deliver", request_iterator, context,
                               lambda block: events_pb2.DeliverResponse(block=block))

    def DeliverFiltered(self, request_iterator, context):
        yield from self._serve("DeliverFiltered", request_iterator, context,
                               lambda block: events_pb2.DeliverResponse(
                                   filtered_block=filtered(block, self.ledger)))

    def DeliverWithPrivateData(self, request_iterator, context):
        def with_private(block):
            private = self.ledger.private_data.get(block.header.number)
            return events_pb2.DeliverResponse(block_and_private_data=events_pb2.BlockAndPrivateData(
                block=block, private_data_map={0: private} if private else {}))

        yield from self._serve("DeliverWithPrivateData", request_iterator, context, with_private)
