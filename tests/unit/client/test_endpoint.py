import hashlib
import socket
import threading

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from grootboek.client.endpoint import Endpoint
from grootboek.client.errors import EvaluateError
from grootboek.client.gateway import connect
from grootboek.client.identity import PrivateKeySigner, X509Identity

from .conftest import budget_chaincode
from .credentials import issue
from .fake_fabric import FakeFabric

HOST = "peer0.org1.example.com"


def test_urls():
    assert Endpoint.from_url("grpc://127.0.0.1:7051") == Endpoint("127.0.0.1:7051")
    assert Endpoint.from_url("127.0.0.1:7051") == Endpoint("127.0.0.1:7051")
    assert Endpoint.from_url("grpcs://127.0.0.1:7051", b"CA", HOST) == Endpoint(
        "127.0.0.1:7051", b"CA", HOST)
    for bad in ("http://127.0.0.1:1", "grpc://127.0.0.1", "grpcs://127.0.0.1:1"):
        with pytest.raises(ValueError):
            Endpoint.from_url(bad)
    with pytest.raises(ValueError):
        Endpoint.from_url("grpc://127.0.0.1:1", tls_root_certs=b"CA")


def test_mutual_tls_needs_both_halves_and_a_root():
    with pytest.raises(ValueError):
        Endpoint("a:1", b"CA", client_cert=b"C")
    with pytest.raises(ValueError):
        Endpoint("a:1", client_cert=b"C", client_key=b"K")


@pytest.fixture
def mutual_tls():
    server, client = issue("Org1MSP", HOST, san=HOST), issue("Org1MSP", "client-tls")
    credentials = grpc.ssl_server_credentials(
        [(server.key_pem, server.certificate_pem)], root_certificates=client.certificate_pem,
        require_client_auth=True)
    fake = FakeFabric({"budgets": budget_chaincode()}, server_credentials=credentials)
    yield fake, server, client
    fake.stop()


def test_mutual_tls_connects_and_binds_deliver_requests_to_the_client_certificate(mutual_tls):
    fabric, server, client = mutual_tls
    endpoint = Endpoint(fabric.address, server.certificate_pem, HOST,
                        client_cert=client.certificate_pem, client_key=client.key_pem)
    der = x509.load_pem_x509_certificate(client.certificate_pem).public_bytes(
        serialization.Encoding.DER)
    assert endpoint.tls_client_certificate_hash == hashlib.sha256(der).digest()

    identity = X509Identity(fabric.user.msp_id, fabric.user.certificate_pem)
    with connect(identity, PrivateKeySigner(fabric.user.key), endpoint=endpoint) as gateway:
        network = gateway.network("mychannel")
        assert network.contract("budgets", "Budget").evaluate("Get", ["alice"]) == b"100"
        with network.block_events(start_block=0) as blocks:
            assert next(blocks).header.number == 0
    header = fabric.deliver.requests[-1].channel_header
    assert header.tls_cert_hash == endpoint.tls_client_certificate_hash


def test_mutual_tls_server_refuses_a_client_without_certificate(mutual_tls):
    fabric, server, _ = mutual_tls
    identity = X509Identity(fabric.user.msp_id, fabric.user.certificate_pem)
    with connect(identity, PrivateKeySigner(fabric.user.key),
                 endpoint=Endpoint(fabric.address, server.certificate_pem, HOST)) as gateway:
        with pytest.raises(EvaluateError) as caught:
            gateway.network("mychannel").contract("budgets").evaluate("Get", ["alice"], timeout=5)
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE


def test_connect_takes_exactly_one_of_endpoint_and_channel(fabric, identity):
    with pytest.raises(ValueError):
        connect(identity)
    with grpc.insecure_channel(fabric.address) as channel:
        with pytest.raises(ValueError):
            connect(identity, endpoint=Endpoint(fabric.address), channel=channel)


class SlowRelay:
    """A TCP relay that holds every connection `delay` seconds before passing bytes on: the
    server's TLS answer comes that late, as from an orderer on a loaded machine."""

    def __init__(self, upstream: str, delay: float):
        self.upstream, self.delay = upstream, delay
        self.accepted = 0
        self.stopping = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed by stop()
            self.accepted += 1
            self.sockets.append(client)
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        if self.stopping.wait(self.delay):  # the slowness under test, cut short by stop()
            return
        host, port = self.upstream.rsplit(":", 1)
        server = socket.create_connection((host, int(port)))
        self.sockets.append(server)
        threading.Thread(target=_pipe, args=(server, client), daemon=True).start()
        _pipe(client, server)

    def stop(self) -> None:
        self.stopping.set()
        for sock in self.sockets:
            sock.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass  # either side closed
    finally:
        sink.close()


def test_a_slow_tls_handshake_is_waited_for_not_cut_short():
    """gRPC core gives a connection attempt at least grpc.min_reconnect_backoff_ms: set to
    100 ms it abandoned every handshake slower than about a second and never connected."""
    server = issue("Org1MSP", HOST, san=HOST)
    fake = FakeFabric({"budgets": budget_chaincode()},
                      server_credentials=grpc.ssl_server_credentials([(server.key_pem, server.certificate_pem)]))
    relay = SlowRelay(fake.address, delay=1.5)
    try:
        identity = X509Identity(fake.user.msp_id, fake.user.certificate_pem)
        with connect(identity, PrivateKeySigner(fake.user.key),
                     endpoint=Endpoint(relay.address, server.certificate_pem, HOST)) as gateway:
            contract = gateway.network("mychannel").contract("budgets", "Budget")
            assert contract.evaluate("Get", ["alice"], timeout=20) == b"100"
        assert relay.accepted == 1  # the first attempt was waited for, none abandoned
    finally:
        relay.stop()
        fake.stop()
