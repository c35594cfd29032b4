"""Administrative calls on one peer as its organisation's admin: channel membership and the
chaincode lifecycle, spoken directly over gRPC with our client (no `peer` CLI processes).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.peer import collection_pb2

from grootboek.client import admin
from grootboek.client.admin import lifecycle, system_chaincodes
from grootboek.client.admin.commit_waiter import CommitWaiter
from grootboek.client.admin.endorser import Endorser
from grootboek.client.admin.orderer import Orderer
from grootboek.client.endpoint import Endpoint
from grootboek.client.errors import GatewayError
from grootboek.client.identity import PrivateKeySigner, SigningIdentity, X509Identity
from grootboek.client.protocol.deliver import PeerDeliver
from grootboek.network.config.consortium import Chaincode, Collection
from grootboek.network.config.layout import Layout, Peer

ENDORSEMENT_POLICY = "/Channel/Application/Endorsement"


class PeerAdminError(RuntimeError):
    pass


@dataclass(frozen=True)
class Definition:
    """A chaincode definition as the consortium file states it."""

    name: str
    version: str
    sequence: int
    endorsement_policy: str | None
    collections: tuple[Collection, ...]
    init_required: bool

    @classmethod
    def of(cls, chaincode: Chaincode) -> "Definition":
        return cls(chaincode.name, chaincode.version, chaincode.sequence, chaincode.endorsement_policy,
                   tuple(chaincode.collections), chaincode.init_required)

    def to_lifecycle(self) -> lifecycle.ChaincodeDefinition:
        validation = (lifecycle.signature_policy(self.endorsement_policy) if self.endorsement_policy
                      else lifecycle.channel_policy_reference(ENDORSEMENT_POLICY))
        collections = collection_pb2.CollectionConfigPackage(config=[
            lifecycle.collection(c.name, c.policy, c.required_peer_count, c.max_peer_count, c.block_to_live,
                                 c.member_only_read, c.member_only_write, c.endorsement_policy)
            for c in self.collections
        ]) if self.collections else None
        return lifecycle.ChaincodeDefinition(
            name=self.name, version=self.version, sequence=self.sequence,
            validation_parameter=validation, collections=collections, init_required=self.init_required)


def _retrying_unavailable(call, attempts: int = 5, backoff: float = 0.2, leaderless_seconds: float = 90.0):
    """Repeats a call that failed before the peer or orderer did anything, so trying again is
    safe: the connection failed (UNAVAILABLE, often a TLS handshake on a busy machine; `attempts`
    times) or the orderer refused for want of a Raft leader (SERVICE_UNAVAILABLE; for up to
    `leaderless_seconds`, as when members start their consenters one after another)."""
    deadline = time.monotonic() + leaderless_seconds
    attempt = 0
    while True:
        attempt += 1
        try:
            return call()
        except GatewayError as exc:
            leaderless = getattr(exc, "status", "") == "SERVICE_UNAVAILABLE" and time.monotonic() < deadline
            unavailable = exc.code == grpc.StatusCode.UNAVAILABLE and attempt < attempts
            if not (leaderless or unavailable):
                raise
        time.sleep(min(backoff * attempt, 2.0))


class PeerAdmin:
    """One peer, addressed as its organisation's admin, or as the admin of `as_org` (a member
    asking another member's peer, e.g. to endorse a chaincode definition's commit). Close it (or
    use `with`) when done."""

    def __init__(self, layout: Layout, peer: Peer, as_org: str | None = None):
        self.layout = layout
        self.peer = peer
        signer = layout.consortium.organization(as_org) if as_org else peer.org
        msp = layout.crypto(signer.name).user_dir("admin") / "msp"
        self.signing = SigningIdentity(X509Identity.from_msp_directory(signer.msp_id, msp),
                                       PrivateKeySigner.from_msp_directory(msp))
        self.tls_ca = layout.crypto(peer.org.name).root / "tlsca" / "cert.pem"
        self.connection = Endpoint(peer.address, tls_root_certs=self.tls_ca.read_bytes()).open_channel()
        self.endorser = Endorser(self.connection)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> "PeerAdmin":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def query(self, invocation, channel: str = "", timeout: float = 30.0):
        try:
            return _retrying_unavailable(lambda: admin.query(self.endorser, self.signing, invocation, channel, timeout))
        except (GatewayError, grpc.RpcError) as exc:
            raise PeerAdminError(f"{invocation.args[0].decode()} on {self.peer.id}: {exc}") from None

    # -- channels -----------------------------------------------------------------------------

    def join(self, block: bytes) -> None:
        self.query(system_chaincodes.join_chain(common_pb2.Block.FromString(block)))

    def channels(self) -> list[str]:
        return [c.channel_id for c in self.query(system_chaincodes.get_channels()).channels]

    def height(self, channel: str) -> int:
        return int(self.query(system_chaincodes.get_chain_info(channel)).height)

    # -- chaincode lifecycle ------------------------------------------------------------------

    def install(self, package: bytes) -> str:
        return self.query(lifecycle.install_chaincode(package), timeout=300).package_id

    def installed(self) -> dict[str, str]:
        """Installed packages: package id -> label."""
        result = self.query(lifecycle.query_installed_chaincodes())
        return {c.package_id: c.label for c in result.installed_chaincodes}

    def commit_readiness(self, channel: str, definition: Definition) -> dict[str, bool]:
        """Which organisations have approved this definition: MSP ID -> approved."""
        result = self.query(lifecycle.check_commit_readiness(definition.to_lifecycle()), channel)
        return dict(result.approvals)

    def committed(self, channel: str) -> dict[str, dict]:
        """Committed chaincode definitions on a channel: name -> {version, sequence}."""
        result = self.query(lifecycle.query_chaincode_definitions(), channel)
        return {d.name: {"version": d.version, "sequence": d.sequence} for d in result.chaincode_definitions}

    def committed_approvals(self, channel: str, name: str) -> dict[str, bool]:
        """Which organisations approved the committed definition of a chaincode."""
        return dict(self.query(lifecycle.query_chaincode_definition(name), channel).approvals)

    def approve(self, channel: str, definition: Definition, package_id: str,
                orderer_address: str, orderer_ca: Path) -> None:
        invocation = lifecycle.approve_chaincode_definition_for_my_org(definition.to_lifecycle(), package_id)
        self._transact(channel, invocation, [self], orderer_address, orderer_ca)

    def commit(self, channel: str, definition: Definition, endorsers: list["PeerAdmin"],
               orderer_address: str, orderer_ca: Path) -> None:
        invocation = lifecycle.commit_chaincode_definition(definition.to_lifecycle())
        self._transact(channel, invocation, endorsers, orderer_address, orderer_ca)

    def _transact(self, channel: str, invocation, endorsers: list["PeerAdmin"],
                  orderer_address: str, orderer_ca: Path) -> None:
        """Endorse on `endorsers`, order, and wait until this peer has committed it as valid."""
        what = f"{invocation.args[0].decode()} on {channel}"
        orderer_channel = Endpoint(orderer_address, tls_root_certs=orderer_ca.read_bytes()).open_channel()
        try:
            with CommitWaiter(PeerDeliver(self.connection), self.signing, channel) as waiter:
                tx_id = _retrying_unavailable(lambda: admin.transact(
                    [e.endorser for e in endorsers], Orderer(orderer_channel), self.signing, invocation, channel))
                status = waiter.wait(tx_id)
        except (GatewayError, grpc.RpcError) as exc:
            raise PeerAdminError(f"{what}: {exc}") from None
        finally:
            orderer_channel.close()
        if not status.successful:
            raise PeerAdminError(f"{what}: transaction {tx_id} invalid ({status.code_name})")
