import json

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.network.config.crypto import ATTRIBUTES_OID, OrgCrypto


def test_org_crypto_issues_chained_identities_with_node_ous_and_attributes(tmp_path):
    crypto = OrgCrypto(tmp_path / "Municipality", "gemeente.grootboek.nl")
    crypto.create()
    user = crypto.add_user("officer", attributes={"role": "officer"})
    node = crypto.add_node("peer0.gemeente.grootboek.nl", "peer", ["127.0.0.1"])

    ca = x509.load_pem_x509_certificate((tmp_path / "Municipality/ca/cert.pem").read_bytes())
    cert = x509.load_pem_x509_certificate((user / "msp/signcerts/cert.pem").read_bytes())
    cert.verify_directly_issued_by(ca)
    ou = cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value
    assert ou == "client"
    attrs = json.loads(cert.extensions.get_extension_for_oid(ATTRIBUTES_OID).value.value)
    assert attrs == {"attrs": {"role": "officer"}}
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)

    tlsca = x509.load_pem_x509_certificate((tmp_path / "Municipality/tlsca/cert.pem").read_bytes())
    server = x509.load_pem_x509_certificate((node / "tls/server.crt").read_bytes())
    server.verify_directly_issued_by(tlsca)
    sans = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "peer0.gemeente.grootboek.nl" in sans.get_values_for_type(x509.DNSName)
    assert [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert "OrganizationalUnitIdentifier: peer" in (node / "msp/config.yaml").read_text()
    assert (node / "msp/keystore/priv_sk").stat().st_mode & 0o077 == 0


def test_a_renewed_certificate_keeps_subject_names_attributes_and_lifetime_with_a_new_key(tmp_path):
    crypto = OrgCrypto(tmp_path / "Municipality", "gemeente.grootboek.nl")
    crypto.create()
    node = crypto.add_node("peer0.gemeente.grootboek.nl", "peer", "127.0.0.1")
    user = crypto.add_user("officer", attributes={"role": "officer"})
    for authority, path in ((crypto.tlsca, node / "tls/server.crt"), (crypto.ca, user / "msp/signcerts/cert.pem")):
        old = x509.load_pem_x509_certificate(path.read_bytes())
        new, key = authority.renew(old)
        new.verify_directly_issued_by(authority.cert)
        assert new.public_key() == key.public_key() != old.public_key()
        assert new.subject == old.subject and new.serial_number != old.serial_number
        assert new.not_valid_before_utc >= old.not_valid_before_utc
        assert new.not_valid_after_utc - new.not_valid_before_utc == old.not_valid_after_utc - old.not_valid_before_utc
        kept = {e.oid: e for e in old.extensions if not isinstance(
            e.value, (x509.SubjectKeyIdentifier, x509.AuthorityKeyIdentifier))}
        assert {e.oid: e for e in new.extensions if e.oid in kept} == kept
        ski = new.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        assert ski == x509.SubjectKeyIdentifier.from_public_key(key.public_key())
