"""Client identity: Fabric's id string (Go's DN format), MSP id, certificate, CA attributes."""
from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from fabric_protos.msp import identities_pb2

from grootboek.chaincode.shim import ClientIdentity, ShimError
from grootboek.chaincode.shim.identity import format_dn
from grootboek.chaincode.shimtest import make_identity


def test_id_is_x509_subject_and_issuer_in_gos_format():
    officer = make_identity("GroningenMSP", "officer", organization="Municipality")
    identity = ClientIdentity(officer.creator)
    assert identity.msp_id == "GroningenMSP"
    assert identity.id == (
        "x509::CN=officer,OU=client,O=Municipality,C=NL::CN=ca.GroningenMSP,O=GroningenMSP,C=NL"
    )
    assert identity.certificate == officer.certificate
    assert identity.certificate_pem.startswith("-----BEGIN CERTIFICATE-----")
    assert identity.has_ou_value("client") and not identity.has_ou_value("admin")


def test_dn_orders_groups_and_escapes_like_go():
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Jansen, Piet"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "client"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "groningen"),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, "piet@example.nl"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, " Haren"),
        ]
    )
    assert format_dn(name) == "CN=Jansen\\, Piet,OU=client+OU=groningen,L=\\ Haren,C=NL"


def test_attributes_from_the_fabric_ca_extension():
    identity = make_identity("Org1MSP", "clerk", attributes={"role": "clerk", "hf.EnrollmentID": "clerk"})
    client = ClientIdentity(identity.creator)
    assert client.get_attribute_value("role") == "clerk"
    assert client.get_attribute_value("missing") is None
    assert client.attributes == {"role": "clerk", "hf.EnrollmentID": "clerk"}


def test_an_identity_without_attributes_has_none():
    assert ClientIdentity(make_identity("Org1MSP", "plain").creator).attributes == {}


def test_a_non_certificate_identity_has_only_its_msp():
    creator = identities_pb2.SerializedIdentity(mspid="IdemixMSP", id_bytes=b"\x01\x02").SerializeToString()
    identity = ClientIdentity(creator)
    assert (identity.msp_id, identity.id, identity.certificate) == ("IdemixMSP", "", None)


def test_garbage_is_reported_not_misread():
    with pytest.raises(ShimError):
        ClientIdentity(b"\xff\xff").msp_id
    bad_pem = identities_pb2.SerializedIdentity(mspid="M", id_bytes=b"-----BEGIN CERTIFICATE-----\nxx").SerializeToString()
    with pytest.raises(ShimError, match="cannot be parsed"):
        ClientIdentity(bad_pem).id
