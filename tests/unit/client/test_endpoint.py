import hashlib

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
