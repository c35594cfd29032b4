"""TLS and mutual TLS on the chaincode server: peers without a valid client certificate are refused."""
from __future__ import annotations

import grpc
import pytest

from grootboek.chaincode.conformance import chaincode
from grootboek.chaincode.shim import TlsConfig
from grootboek.chaincode.shimtest.fakepeer import ClientTls, FakePeer

from .certificates import CertificateAuthority


@pytest.fixture(scope="module")
def ca() -> CertificateAuthority:
    return CertificateAuthority("tls-ca")


def dial(server, tls: ClientTls) -> FakePeer:
    return FakePeer(f"127.0.0.1:{server.port}", tls=tls).connect()


def test_tls_without_client_authentication(serve_chaincode, ca):
    cert, key = ca.server()
    server = serve_chaincode(chaincode, tls=TlsConfig(cert, key))
    with dial(server, ClientTls(ca.cert_pem)) as peer:
        assert peer.response(peer.invoke("State:get", "k")).status == 200


def test_mutual_tls_accepts_a_peer_with_a_certificate_from_the_client_ca(serve_chaincode, ca):
    cert, key = ca.server()
    server = serve_chaincode(chaincode, tls=TlsConfig(cert, key, client_ca=ca.cert_pem))
    client_cert, client_key = ca.client()
    with dial(server, ClientTls(ca.cert_pem, client_cert, client_key)) as peer:
        assert peer.chaincode_id == "conformance:0123"
        assert peer.response(peer.invoke("State:put", "k", "v")).status == 200


@pytest.mark.parametrize("client", ["none", "other CA"])
def test_mutual_tls_refuses_a_peer_without_a_valid_client_certificate(serve_chaincode, ca, client):
    cert, key = ca.server()
    server = serve_chaincode(chaincode, tls=TlsConfig(cert, key, client_ca=ca.cert_pem))
    if client == "none":
        tls = ClientTls(ca.cert_pem)
    else:
        tls = ClientTls(ca.cert_pem, *CertificateAuthority("intruder").client())
    peer = FakePeer(f"127.0.0.1:{server.port}", tls=tls)
    with pytest.raises(grpc.RpcError) as refused:
        peer.connect()
    peer.close()
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_a_plaintext_client_cannot_talk_to_a_tls_server(serve_chaincode, ca):
    cert, key = ca.server()
    server = serve_chaincode(chaincode, tls=TlsConfig(cert, key))
    peer = FakePeer(f"127.0.0.1:{server.port}")
    with pytest.raises(grpc.RpcError):
        peer.connect()
    peer.close()
