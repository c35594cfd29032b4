"""One in-process gRPC server on 127.0.0.1 (free port) playing a whole small Fabric network:
Gateway, peer Deliver and Endorser services, and an orderer (AtomicBroadcast), two organisations,
one channel."""
from __future__ import annotations

from concurrent import futures

import grpc
from fabric_protos.gateway import gateway_pb2_grpc
from fabric_protos.orderer import ab_pb2_grpc
from fabric_protos.peer import events_pb2_grpc, peer_pb2_grpc

from .credentials import Credentials, issue
from .fake_deliver import FakePeerDeliver
from .fake_failures import Failures
from .fake_gateway import FakeGateway
from .fake_ledger import FakeLedger
from .fake_orderer import FakeOrderer
from .fake_peer import FakePeer, Function, SignatureRejected


class FakeEndorser(peer_pb2_grpc.EndorserServicer):
    def __init__(self, peer: FakePeer) -> None:
        self.peer = peer

    def ProcessProposal(self, request, context):
        try:
            return self.peer.process(request)
        except SignatureRejected as rejected:
            context.abort(grpc.StatusCode.PERMISSION_DENIED, str(rejected))


class FakeFabric:
    def __init__(self, chaincodes: dict[str, dict[str, Function]] | None = None,
                 channel: str = "mychannel",
                 server_credentials: grpc.ServerCredentials | None = None) -> None:
        self.user: Credentials = issue("Org1MSP", "user1")
        self.failures = Failures()
        self.ledger = FakeLedger(channel)
        self.peers = [FakePeer(issue("Org1MSP", "peer0.org1"), "peer0.org1.example.com:7051"),
                      FakePeer(issue("Org2MSP", "peer0.org2"), "peer0.org2.example.com:9051")]
        shared = chaincodes if chaincodes is not None else {}
        for peer in self.peers:
            peer.chaincodes = shared
        self.gateway = FakeGateway(self.peers, self.ledger, self.failures)
        self.deliver = FakePeerDeliver(self.ledger, self.failures)
        self.orderer = FakeOrderer(self.ledger, self.failures)
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
        gateway_pb2_grpc.add_GatewayServicer_to_server(self.gateway, self.server)
        events_pb2_grpc.add_DeliverServicer_to_server(self.deliver, self.server)
        peer_pb2_grpc.add_EndorserServicer_to_server(FakeEndorser(self.peers[0]), self.server)
        ab_pb2_grpc.add_AtomicBroadcastServicer_to_server(self.orderer, self.server)
        port = (self.server.add_secure_port("127.0.0.1:0", server_credentials) if server_credentials
                else self.server.add_insecure_port("127.0.0.1:0"))
        self.address = f"127.0.0.1:{port}"
        self.server.start()

    @property
    def chaincodes(self) -> dict[str, dict[str, Function]]:
        return self.peers[0].chaincodes

    def stop(self) -> None:
        self.server.stop(grace=None)
