"""Why a peer refused a user's identity, found in the channel's MSP: revoked, expired, or not
issued by the organisation's CA (the peer itself only says "access denied")."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from fabric_protos.msp import msp_config_pb2

from grootboek.api.errors import to_api_error
from grootboek.api.fabric.refusals import reason
from grootboek.client import CommitStatusError, EndorseError, ErrorDetail, EvaluateError, SubmitError

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, issuer: tuple[str, ec.EllipticCurvePrivateKey] | None = None,
                 serial: int = 1, not_after: datetime = NOW + timedelta(days=30)):
    key = ec.generate_private_key(ec.SECP256R1())
    issuer_name, issuer_key = issuer or (subject, key)
    certificate = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer_name))
                   .public_key(key.public_key()).serial_number(serial)
                   .not_valid_before(NOW - timedelta(days=60)).not_valid_after(not_after)
                   .sign(issuer_key, hashes.SHA256()))
    return certificate, key


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(Encoding.PEM)


def _crl(issuer: str, key, *serials: int) -> bytes:
    builder = (x509.CertificateRevocationListBuilder().issuer_name(_name(issuer))
               .last_update(NOW - timedelta(days=1)).next_update(NOW + timedelta(days=1)))
    for serial in serials:
        builder = builder.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial)
                                                  .revocation_date(NOW - timedelta(hours=1)).build())
    return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.PEM)


def test_the_reason_is_found_in_the_msp():
    ca, ca_key = _certificate("ca.merchants")
    msp = msp_config_pb2.FabricMSPConfig(name="MerchantsMSP", root_certs=[_pem(ca)],
                                         revocation_list=[_crl("ca.merchants", ca_key, 7)])
    revoked, _ = _certificate("shop7", ("ca.merchants", ca_key), serial=7)
    expired, _ = _certificate("old", ("ca.merchants", ca_key), serial=8, not_after=NOW - timedelta(days=1))
    stranger, _ = _certificate("shop9", ("ca.merchants", _certificate("other")[1]), serial=9)
    valid, _ = _certificate("shop10", ("ca.merchants", ca_key), serial=10)
    assert reason(_pem(revoked), msp, NOW)[0] == "CERTIFICATE_REVOKED"
    assert reason(_pem(expired), msp, NOW)[0] == "CERTIFICATE_EXPIRED"
    code, message = reason(_pem(stranger), msp, NOW)
    assert code == "CERTIFICATE_UNKNOWN" and "not issued by a CA of MerchantsMSP" in message
    assert reason(_pem(valid), None, NOW)[0] == "CERTIFICATE_UNKNOWN"  # the org is not on the channel
    assert reason(_pem(valid), msp, NOW)[0] == "IDENTITY_REFUSED"


def test_a_refused_identity_is_403_not_a_bad_gateway():
    denied = "access denied: channel [kindpakket] creator org [MerchantsMSP]"
    for error in (EndorseError("failed to endorse transaction, see attached details for more info",
                               code=grpc.StatusCode.ABORTED, details=[ErrorDetail("p:1", "M", denied)]),
                  EvaluateError("evaluate call to endorser returned error: " + denied,
                                code=grpc.StatusCode.UNKNOWN)):
        mapped = to_api_error(error)
        assert (mapped.status, mapped.code) == (403, "IDENTITY_REFUSED")
        assert "kindpakket" in mapped.message


def test_an_unknown_outcome_says_what_happened():
    lost = to_api_error(CommitStatusError("Socket closed", transaction_id="t1", code=grpc.StatusCode.UNAVAILABLE))
    late = to_api_error(CommitStatusError("Deadline Exceeded", transaction_id="t2",
                                          code=grpc.StatusCode.DEADLINE_EXCEEDED))
    unsent = to_api_error(SubmitError("connection refused", transaction_id="t3", code=grpc.StatusCode.UNAVAILABLE))
    assert "commit status failed (the connection was lost)" in lost.message
    assert "(it timed out)" in late.message
    assert "sending the transaction to the orderers failed (the connection was lost)" in unsent.message
    assert {lost.code, late.code, unsent.code} == {"OUTCOME_UNKNOWN"}
