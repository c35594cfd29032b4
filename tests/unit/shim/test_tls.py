"""TLS and mutual TLS on the chaincode server: peers without a valid client certificate are refused."""
from __future__ import annotations

import socket
import ssl
import tempfile
from pathlib import Path

import grpc
import pytest
from cryptography.x509.oid import ExtendedKeyUsageOID

from grootboek.chaincode.conformance import chaincode
from grootboek.chaincode.shim import TlsConfig, http2
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


PEER = "peer0.gemeente.example"


def test_with_peer_names_a_user_of_the_organisation_is_refused_and_a_peer_admitted(serve_chaincode, ca):
    cert, key = ca.server()
    tls = TlsConfig(cert, key, client_ca=ca.cert_pem, peer_names=frozenset({PEER}))
    server = serve_chaincode(chaincode, tls=tls)
    # A user's TLS certificate, from the same CA as the peers'.
    context = ssl.create_default_context(cadata=ca.cert_pem.decode())
    context.set_alpn_protocols(["h2"])
    client_cert, client_key = ca.issue("officer@gemeente.example", ExtendedKeyUsageOID.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as directory:
        Path(directory, "c").write_bytes(client_cert + client_key)
        context.load_cert_chain(Path(directory, "c"))
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as sock:
            received = b""
            while chunk := sock.recv(4096):  # until the server closes
                received += chunk
    # Our SETTINGS and WINDOW_UPDATE, then the GOAWAY saying why.
    goaway = received[9 + 18 + 9 + 4 :]
    assert goaway[3] == http2.GOAWAY
    assert int.from_bytes(goaway[13:17], "big") == http2.INADEQUATE_SECURITY
    assert goaway[17:] == b"client certificate officer@gemeente.example is not one of the peers"
    with dial(server, ClientTls(ca.cert_pem, *ca.issue(PEER, ExtendedKeyUsageOID.CLIENT_AUTH))) as peer:
        assert peer.response(peer.invoke("State:get", "k")).status == 200
