"""Why a peer refused a user's Fabric identity. The peer answers only "access denied: channel [c]
creator org [M]" (it tells a caller nothing about its certificate); the gateway holds the
certificate, so it finds the reason in the channel's configuration: the organisation's revocation
lists and CAs. Asked only after a refusal, so it costs nothing on the way of a healthy request.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from fabric_protos.common import common_pb2, configtx_pb2
from fabric_protos.msp import msp_config_pb2

from grootboek.client import GatewayError

from ..auth.user import User
from ..errors import ApiError, Disposition
from .connections import Connections

CSCC = "cscc"  # the peer's configuration system chaincode
APPLICATION = "Application"
MAX_READERS = 3
"""Other identities tried for reading the channel's configuration."""


def application_msps(config_block: common_pb2.Block) -> dict[str, msp_config_pb2.FabricMSPConfig]:
    """The channel's application organisations' MSPs by MSP id, from its config block."""
    envelope = common_pb2.Envelope.FromString(config_block.data.data[0])
    payload = common_pb2.Payload.FromString(envelope.payload)
    config = configtx_pb2.ConfigEnvelope.FromString(payload.data).config
    found = {}
    for group in config.channel_group.groups[APPLICATION].groups.values():
        msp = msp_config_pb2.FabricMSPConfig.FromString(
            msp_config_pb2.MSPConfig.FromString(group.values["MSP"].value).config)
        found[msp.name] = msp
    return found


def reason(certificate_pem: bytes, msp: msp_config_pb2.FabricMSPConfig | None,
           now: datetime | None = None) -> tuple[str, str]:
    """(code, message): what is wrong with the certificate for the channel's MSP `msp` (None: its
    organisation is not on the channel)."""
    certificate = x509.load_pem_x509_certificate(certificate_pem)
    who = f"certificate {certificate.subject.rfc4514_string()} (serial {certificate.serial_number:x})"
    if msp is None:
        return "CERTIFICATE_UNKNOWN", f"{who}: its organisation is not a member of the channel"
    for crl_pem in msp.revocation_list:
        crl = x509.load_pem_x509_crl(crl_pem)
        if crl.issuer == certificate.issuer and \
                crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None:
            return "CERTIFICATE_REVOKED", f"{who} is revoked by {msp.name}'s revocation list"
    if certificate.not_valid_after_utc < (now or datetime.now(timezone.utc)):
        return "CERTIFICATE_EXPIRED", f"{who} expired at {certificate.not_valid_after_utc.isoformat()}"
    issuers = [x509.load_pem_x509_certificate(pem)
               for pem in [*msp.root_certs, *msp.intermediate_certs]]
    if not any(_issued_by(certificate, issuer) for issuer in issuers):
        return "CERTIFICATE_UNKNOWN", f"{who} is not issued by a CA of {msp.name}"
    return "IDENTITY_REFUSED", f"{who} looks valid for {msp.name}; the peer's log says why it refused it"


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
        return True
    except (ValueError, TypeError, InvalidSignature):
        return False


class Refusals:
    def __init__(self, connections: Connections) -> None:
        self._connections = connections

    def explain(self, user: User, channel: str, refused: ApiError) -> ApiError:
        """`refused` (IDENTITY_REFUSED) with the reason found; as it was if none can be found."""
        block = self._config_block(channel, user.name)
        if block is None:
            return refused
        code, message = reason(self._connections.wallet_entry(user.name).certificate,
                               application_msps(block).get(user.msp_id))
        return ApiError(403, code, f"the peer refused this user's Fabric identity on channel {channel}: "
                        f"{message}", transaction_id=refused.transaction_id,
                        disposition=Disposition.RETRY)

    def _config_block(self, channel: str, refused: str) -> common_pb2.Block | None:
        """Read as another identity of the wallet (the peer refuses the refused one that too)."""
        others = [label for label in self._connections.wallet_labels() if label != refused]
        for label in others[:MAX_READERS]:
            certificate = self._connections.wallet_entry(label).certificate
            try:
                gateway = self._connections.gateway(label, hashlib.sha256(certificate).hexdigest())
                return common_pb2.Block.FromString(
                    gateway.network(channel).contract(CSCC).evaluate("GetConfigBlock", [channel]))
            except GatewayError:
                continue
        return None
