import pytest
from fabric_protos.msp import identities_pb2

from grootboek.client.identity import X509Identity, serialized_identity

from .credentials import issue


def test_serialized_identity_carries_msp_and_pem():
    creds = issue("MunicipalityMSP")
    identity = X509Identity.from_pem("MunicipalityMSP", creds.certificate_pem.decode())
    parsed = identities_pb2.SerializedIdentity.FromString(serialized_identity(identity))
    assert parsed.mspid == "MunicipalityMSP"
    assert parsed.id_bytes == creds.certificate_pem
    assert identity.x509_certificate.subject.rfc4514_string() == "CN=user1"


def test_identity_from_msp_directory(tmp_path):
    creds = issue("RegistryMSP")
    msp = creds.write_msp_directory(tmp_path / "msp")
    identity = X509Identity.from_msp_directory("RegistryMSP", msp)
    assert identity.certificate == creds.certificate_pem
    assert identity.credentials == creds.certificate_pem


def test_rejects_a_non_certificate():
    with pytest.raises(ValueError):
        X509Identity("Org1MSP", b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
