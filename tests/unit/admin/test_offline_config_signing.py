"""Config updates signed by several admins in turn, through files (as on separate machines), then
wrapped for submission."""
from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fabric_protos.common import common_pb2, configtx_pb2
from fabric_protos.msp import identities_pb2

from grootboek.client.protocol.transaction_context import TransactionContext, channel_header
from grootboek.network.config.config_policies import Signer, unsatisfied
from grootboek.network.config.config_transaction import ConfigTransaction, ConfigTransactionError
from grootboek.network.config.config_update import compute_update

from .channel_configs import admin, config, copy, organization


@pytest.fixture(scope="module")
def signers():
    return {name: admin(name) for name in ("Org1", "Org2", "OrdererOrg")}


def add_org4() -> tuple[configtx_pb2.Config, configtx_pb2.ConfigUpdate]:
    original = config()
    updated = copy(original)
    updated.channel_group.groups["Application"].groups["Org4"].CopyFrom(organization("Org4"))
    return original, compute_update("kindpakket", original, updated)


def test_signatures_collected_through_files_satisfy_the_policy(tmp_path, signers):
    original, update = add_org4()
    path = tmp_path / "update.pb"
    ConfigTransaction.new(update).save(path)

    first = ConfigTransaction.load(path)              # machine of Org1's admin
    assert first.sign(signers["Org1"])
    first.save(path)
    assert unsatisfied(original, update, first.signers()) == [
        "/Channel/Application/Admins (MAJORITY Admins of Org1, Org2, Org3)"]

    second = ConfigTransaction.load(path)             # machine of Org2's admin
    assert second.sign(signers["Org2"])
    second.save(path)

    final = ConfigTransaction.load(path)
    assert final.channel == "kindpakket"
    assert final.update == update
    assert final.signers() == [Signer("Org1MSP", "admin"), Signer("Org2MSP", "admin")]
    final.verify_signatures()
    assert unsatisfied(original, update, final.signers()) == []


def test_each_signature_covers_its_header_and_the_update(signers):
    _, update = add_org4()
    transaction = ConfigTransaction.new(update)
    transaction.sign(signers["Org1"])
    signature = transaction.envelope.signatures[0]
    creator = common_pb2.SignatureHeader.FromString(signature.signature_header).creator
    cert = x509.load_pem_x509_certificate(identities_pb2.SerializedIdentity.FromString(creator).id_bytes)
    cert.public_key().verify(signature.signature, signature.signature_header + update.SerializeToString(),
                             ec.ECDSA(hashes.SHA256()))


def test_signing_twice_adds_nothing(signers):
    transaction = ConfigTransaction.new(add_org4()[1])
    assert transaction.sign(signers["Org1"])
    assert not transaction.sign(signers["Org1"])
    assert len(transaction.envelope.signatures) == 1


def test_an_update_changed_after_signing_is_detected(signers):
    transaction = ConfigTransaction.new(add_org4()[1])
    transaction.sign(signers["Org1"])
    tampered = configtx_pb2.ConfigUpdate.FromString(transaction.envelope.config_update)
    tampered.write_set.groups["Application"].version = 99
    transaction.envelope.config_update = tampered.SerializeToString()
    with pytest.raises(ConfigTransactionError, match="Org1MSP.admin does not verify"):
        transaction.verify_signatures()


def test_the_submission_is_a_config_update_envelope_signed_by_the_submitter(signers):
    transaction = ConfigTransaction.new(add_org4()[1])
    transaction.sign(signers["Org1"])
    envelope = transaction.submission(signers["OrdererOrg"])

    payload = common_pb2.Payload.FromString(envelope.payload)
    header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    assert (header.type, header.channel_id) == (common_pb2.CONFIG_UPDATE, "kindpakket")
    creator = common_pb2.SignatureHeader.FromString(payload.header.signature_header).creator
    assert creator == signers["OrdererOrg"].creator
    signers["OrdererOrg"].identity.x509_certificate.public_key().verify(
        envelope.signature, envelope.payload, ec.ECDSA(hashes.SHA256()))
    assert configtx_pb2.ConfigUpdateEnvelope.FromString(payload.data) == transaction.envelope


def test_files_that_are_not_config_updates_are_refused(tmp_path):
    with pytest.raises(ConfigTransactionError, match="not a config update envelope"):
        ConfigTransaction.from_bytes(b"\xff\xffgarbage")
    creator = admin("Org1").creator
    endorser_tx = common_pb2.Envelope(payload=common_pb2.Payload(header=common_pb2.Header(
        channel_header=channel_header(common_pb2.ENDORSER_TRANSACTION, "kindpakket"),
        signature_header=TransactionContext.new(creator).signature_header())).SerializeToString())
    with pytest.raises(ConfigTransactionError, match="header type 3"):
        ConfigTransaction.from_bytes(endorser_tx.SerializeToString())
    with pytest.raises(ConfigTransactionError, match="cannot read"):
        ConfigTransaction.load(tmp_path / "missing.pb")
