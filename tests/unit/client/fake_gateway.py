"""A fake Fabric Gateway service over fake peers and a fake ledger, close to Fabric's semantics:
endorsement errors carry per-endorser ErrorDetails, commit status waits for the commit, chaincode
events resume after a transaction id."""
from __future__ import annotations

from collections import defaultdict

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2, gateway_pb2_grpc
from fabric_protos.peer import proposal_pb2, transaction_pb2

from .fake_deliver import start_block
from .fake_failures import Failure, Failures, abort
from .fake_ledger import FakeLedger, chaincode_events_of
from .fake_peer import (
    FakePeer,
    ParsedProposal,
    SignatureRejected,
    parse_proposal,
    private_data_of,
    verify_signature,
)


class FakeGateway(gateway_pb2_grpc.GatewayServicer):
    def __init__(self, peers: list[FakePeer], ledger: FakeLedger, failures: Failures) -> None:
        self.peers = peers
        self.ledger = ledger
        self.failures = failures
        self.requests: dict[str, list] = defaultdict(list)
        self.time_remaining: dict[str, list[float | None]] = defaultdict(list)
        self._proposals: dict[str, ParsedProposal] = {}
        # Submits that commit but whose response is lost (the client sees DEADLINE_EXCEEDED).
        self.lose_submit_responses = 0

    def _received(self, method: str, request, context) -> None:
        self.requests[method].append(request)
        self.time_remaining[method].append(context.time_remaining())
        self.failures.check(method, context)

    def _select(self, organizations) -> list[FakePeer]:
        return [p for p in self.peers if not organizations or p.msp_id in organizations]

    def _detail(self, peer: FakePeer, message: str) -> gateway_pb2.ErrorDetail:
        return gateway_pb2.ErrorDetail(address=peer.address, msp_id=peer.msp_id, message=message)

    def _verified(self, context, check) -> None:
        try:
            check()
        except SignatureRejected as rejected:
            abort(context, Failure(grpc.StatusCode.PERMISSION_DENIED, str(rejected)))

    def Evaluate(self, request, context):
        self._received("Evaluate", request, context)
        peer = self._select(request.target_organizations)[0]
        self._verified(context, lambda: parse_proposal(request.proposed_transaction))
        response = peer.process(request.proposed_transaction)
        if response.response.status >= 400:
            message = f"chaincode response {response.response.status}, {response.response.message}"
            abort(context, Failure(grpc.StatusCode.UNKNOWN,
                                   "evaluate call to endorser returned error: " + message,
                                   (self._detail(peer, message),)))
        return gateway_pb2.EvaluateResponse(result=response.response)

    def Endorse(self, request, context):
        self._received("Endorse", request, context)
        self._verified(context, lambda: parse_proposal(request.proposed_transaction))
        proposal = parse_proposal(request.proposed_transaction)
        responses, details = [], []
        for peer in self._select(request.endorsing_organizations):
            response = peer.process(request.proposed_transaction)
            if response.response.status >= 400:
                details.append(self._detail(peer, f"chaincode response {response.response.status}, "
                                                  f"{response.response.message}"))
            responses.append(response)
        if details:
            abort(context, Failure(grpc.StatusCode.ABORTED,
                                   "failed to endorse transaction, see attached details for more info",
                                   tuple(details)))
        self._proposals[proposal.tx_id] = proposal
        return gateway_pb2.EndorseResponse(prepared_transaction=_prepare(proposal, responses))

    def Submit(self, request, context):
        self._received("Submit", request, context)
        envelope = request.prepared_transaction
        payload = common_pb2.Payload.FromString(envelope.payload)
        creator = common_pb2.SignatureHeader.FromString(payload.header.signature_header).creator
        self._verified(context, lambda: verify_signature(creator, envelope.payload, envelope.signature))
        proposal = self._proposals[request.transaction_id]
        self.ledger.commit(envelope, request.transaction_id, private_data_of(proposal))
        if self.lose_submit_responses:
            self.lose_submit_responses -= 1
            abort(context, Failure(grpc.StatusCode.DEADLINE_EXCEEDED,
                                   "submit timeout expired while broadcasting to ordering service"))
        return gateway_pb2.SubmitResponse()

    def CommitStatus(self, request, context):
        self._received("CommitStatus", request, context)
        inner = gateway_pb2.CommitStatusRequest.FromString(request.request)
        self._verified(context, lambda: verify_signature(inner.identity, request.request,
                                                         request.signature))
        cancelled = self.ledger.watch(context)
        with self.ledger.changed:
            while inner.transaction_id not in self.ledger.statuses and not cancelled.is_set():
                self.ledger.changed.wait()
        committed = self.ledger.statuses.get(inner.transaction_id)
        if committed is None:
            return gateway_pb2.CommitStatusResponse()  # the client gave up already
        return gateway_pb2.CommitStatusResponse(result=committed.validation_code,
                                                block_number=committed.block_number)

    def ChaincodeEvents(self, request, context):
        self._received("ChaincodeEvents", request, context)
        inner = gateway_pb2.ChaincodeEventsRequest.FromString(request.request)
        self._verified(context, lambda: verify_signature(inner.identity, request.request,
                                                         request.signature))
        cancelled = self.ledger.watch(context)
        first = number = start_block(inner.start_position, self.ledger)
        skip_until = inner.after_transaction_id
        while True:
            block = self.ledger.wait_for_block(number, cancelled)
            if block is None:
                return
            events = [e for e in chaincode_events_of(block) if e.chaincode_id == inner.chaincode_id]
            if skip_until and number == first:
                ids = [e.tx_id for e in events]
                events = events[ids.index(skip_until) + 1:] if skip_until in ids else events
            if events:
                yield gateway_pb2.ChaincodeEventsResponse(events=events, block_number=number)
            number += 1


def _prepare(proposal: ParsedProposal, responses) -> common_pb2.Envelope:
    """What Fabric's gateway does (prepareTransaction): the endorsed envelope, unsigned."""
    action_payload = transaction_pb2.ChaincodeActionPayload(
        chaincode_proposal_payload=proposal_pb2.ChaincodeProposalPayload(
            input=proposal.input).SerializeToString(),
        action=transaction_pb2.ChaincodeEndorsedAction(
            proposal_response_payload=responses[0].payload,
            endorsements=[r.endorsement for r in responses]),
    )
    header = common_pb2.Header.FromString(proposal.header)
    transaction = transaction_pb2.Transaction(actions=[transaction_pb2.TransactionAction(
        header=header.signature_header, payload=action_payload.SerializeToString())])
    payload = common_pb2.Payload(header=header, data=transaction.SerializeToString())
    return common_pb2.Envelope(payload=payload.SerializeToString())
