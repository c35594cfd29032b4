"""A fake orderer: Broadcast checks the submitter's signature and commits one block per envelope
to the shared fake ledger; Deliver serves that ledger's blocks."""
from __future__ import annotations

from fabric_protos.common import common_pb2
from fabric_protos.orderer import ab_pb2, ab_pb2_grpc

from .fake_deliver import DeliverRequest, serve_blocks
from .fake_failures import Failures
from .fake_ledger import FakeLedger
from .fake_peer import SignatureRejected, verify_signature


class FakeOrderer(ab_pb2_grpc.AtomicBroadcastServicer):
    def __init__(self, ledger: FakeLedger, failures: Failures) -> None:
        self.ledger = ledger
        self.failures = failures
        self.broadcasts: list[common_pb2.Envelope] = []
        self.deliveries: list[DeliverRequest] = []
        # Statuses to answer the next broadcasts with (default SUCCESS), e.g. BAD_REQUEST.
        self.next_statuses: list[int] = []

    def Broadcast(self, request_iterator, context):
        self.failures.check("Broadcast", context)
        for envelope in request_iterator:
            self.broadcasts.append(envelope)
            payload = common_pb2.Payload.FromString(envelope.payload)
            header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
            creator = common_pb2.SignatureHeader.FromString(payload.header.signature_header).creator
            try:
                verify_signature(creator, envelope.payload, envelope.signature)
            except SignatureRejected as rejected:
                yield ab_pb2.BroadcastResponse(status=common_pb2.FORBIDDEN, info=str(rejected))
                continue
            status = self.next_statuses.pop(0) if self.next_statuses else common_pb2.SUCCESS
            if status == common_pb2.SUCCESS:
                self.ledger.commit(envelope, header.tx_id)
            yield ab_pb2.BroadcastResponse(status=status, info="" if status == common_pb2.SUCCESS
                                           else "rejected by the fake orderer")

    def Deliver(self, request_iterator, context):
        self.failures.check("OrdererDeliver", context)
        yield from serve_blocks(self.ledger, request_iterator, context,
                                lambda block: ab_pb2.DeliverResponse(block=block),
                                lambda code: ab_pb2.DeliverResponse(status=code), self.deliveries)
