"""A config update on its way to the orderer: signed by one organisation's admin after another,
possibly on other machines, then wrapped in an envelope the submitter signs.

On disk it is a serialized `common.Envelope` of type CONFIG_UPDATE around a ConfigUpdateEnvelope,
the format `peer channel signconfigtx -f` and `peer channel update -f` read and write, so files move
freely between our CLI and Fabric's.
"""
from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fabric_protos.common import common_pb2, configtx_pb2
from fabric_protos.msp import identities_pb2
from google.protobuf.message import DecodeError

from grootboek.client.atomic_file import write_atomically
from grootboek.client.identity import SigningIdentity
from grootboek.client.protocol.transaction_context import TransactionContext, channel_header
from grootboek.network.config.config_policies import Signer


class ConfigTransactionError(ValueError):
    """The file or message is not a config update envelope, or a signature does not verify."""


class ConfigTransaction:
    def __init__(self, envelope: configtx_pb2.ConfigUpdateEnvelope) -> None:
        self.envelope = envelope
        self.update = configtx_pb2.ConfigUpdate.FromString(envelope.config_update)

    @classmethod
    def new(cls, update: configtx_pb2.ConfigUpdate) -> ConfigTransaction:
        return cls(configtx_pb2.ConfigUpdateEnvelope(config_update=update.SerializeToString()))

    @property
    def channel(self) -> str:
        return self.update.channel_id

    # -- signatures ---------------------------------------------------------------------------

    def _creators(self) -> list[bytes]:
        return [common_pb2.SignatureHeader.FromString(s.signature_header).creator
                for s in self.envelope.signatures]

    def signers(self) -> list[Signer]:
        return [Signer.from_creator(creator) for creator in self._creators()]

    def sign(self, signing: SigningIdentity) -> bool:
        """Adds `signing`'s signature; False (and nothing added) if it already signed."""
        if signing.creator in self._creators():
            return False
        header = TransactionContext.new(signing.creator).signature_header()
        self.envelope.signatures.add(signature_header=header,
                                     signature=signing.sign(header + self.envelope.config_update))
        return True

    def verify_signatures(self) -> None:
        """Raises ConfigTransactionError for a signature that does not verify (ECDSA certificates)."""
        for signature in self.envelope.signatures:
            creator = common_pb2.SignatureHeader.FromString(signature.signature_header).creator
            identity = identities_pb2.SerializedIdentity.FromString(creator)
            key = x509.load_pem_x509_certificate(identity.id_bytes).public_key()
            if not isinstance(key, ec.EllipticCurvePublicKey):
                continue  # Fabric verifies other key types; we only check what our tooling issues
            try:
                key.verify(signature.signature, signature.signature_header + self.envelope.config_update,
                           ec.ECDSA(hashes.SHA256()))
            except InvalidSignature:
                raise ConfigTransactionError(f"the signature of {Signer.from_creator(creator)} does not "
                                             "verify: the update was changed after it was signed") from None

    # -- envelopes ----------------------------------------------------------------------------

    def _payload(self, signature_header: bytes = b"") -> bytes:
        return common_pb2.Payload(
            header=common_pb2.Header(channel_header=channel_header(common_pb2.CONFIG_UPDATE, self.channel),
                                     signature_header=signature_header),
            data=self.envelope.SerializeToString(),
        ).SerializeToString()

    def submission(self, submitter: SigningIdentity) -> common_pb2.Envelope:
        """The envelope to broadcast, signed by `submitter` (who must be a channel writer)."""
        payload = self._payload(TransactionContext.new(submitter.creator).signature_header())
        return common_pb2.Envelope(payload=payload, signature=submitter.sign(payload))

    def to_bytes(self) -> bytes:
        return common_pb2.Envelope(payload=self._payload()).SerializeToString()

    @classmethod
    def from_bytes(cls, data: bytes) -> ConfigTransaction:
        try:
            payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(data).payload)
            header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
            if header.type != common_pb2.CONFIG_UPDATE:
                raise ConfigTransactionError(f"not a config update (header type {header.type})")
            transaction = cls(configtx_pb2.ConfigUpdateEnvelope.FromString(payload.data))
        except DecodeError as exc:
            raise ConfigTransactionError(f"not a config update envelope: {exc}") from None
        if transaction.channel != header.channel_id:
            raise ConfigTransactionError(f"the update is for channel {transaction.channel!r} but its envelope "
                                         f"for {header.channel_id!r}")
        return transaction

    def save(self, path: Path) -> None:
        write_atomically(path, self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> ConfigTransaction:
        try:
            return cls.from_bytes(path.read_bytes())
        except OSError as exc:
            raise ConfigTransactionError(f"cannot read {path}: {exc.strerror}") from None
