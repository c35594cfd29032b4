"""Channel administration on a running network, as its organisations' admins: read a channel's
configuration, and change it with config updates that are computed from the current config,
signed by enough admins for the policies that guard the change, submitted to an orderer, and
verified in the config block that comes back.

    admin = ChannelAdmin(network)
    admin.update("kindpakket", partial(config_edits.set_batch, timeout="1s"), "batch timeout 1s on kindpakket")

Offline: `prepare` an update, `save` it, have other organisations `sign` their copy elsewhere
(`grootboek channel update sign`), then `submit` the file.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Collection, Iterator, Sequence

from fabric_protos.common import common_pb2, configtx_pb2

from grootboek.client.admin.orderer import Orderer
from grootboek.client.endpoint import Endpoint
from grootboek.client.errors import BroadcastError, DeliverError
from grootboek.client.identity import PrivateKeySigner, SigningIdentity, X509Identity
from grootboek.client.protocol import seek
from grootboek.client.protocol.deliver import fetch_block, fetch_config_block
from grootboek.network.admin.participation import ParticipationError
from grootboek.network.config.config_elements import differences
from grootboek.network.config.config_policies import Signer, choose_signers, unsatisfied
from grootboek.network.config.config_transaction import ConfigTransaction
from grootboek.network.config.config_update import NoChanges, compute_update
from grootboek.network.config.consortium import OrdererNode
from grootboek.network.config.layout import Layout
from grootboek.network.nodes.network import Network
from grootboek.network.nodes.readiness import port_open, wait_for

Edit = Callable[[configtx_pb2.Config], None]
CONFIG_BLOCK_TIMEOUT = 60.0


class ChannelAdminError(RuntimeError):
    """An operator-facing failure: says what is wrong and what to do next."""


def admin_signing(layout: Layout, org_name: str) -> SigningIdentity:
    """The signing identity of an organisation's admin (the orderer organisation's too)."""
    try:
        msp_id = layout.consortium.member(org_name).msp_id
    except KeyError as exc:
        raise ChannelAdminError(exc.args[0]) from None
    msp = layout.admin_dir(org_name) / "msp"
    return SigningIdentity(X509Identity.from_msp_directory(msp_id, msp), PrivateKeySigner.from_msp_directory(msp))


def config_of(block: common_pb2.Block) -> configtx_pb2.Config:
    """The configuration a config block carries."""
    envelope = common_pb2.Envelope.FromString(block.data.data[0])
    payload = common_pb2.Payload.FromString(envelope.payload)
    return configtx_pb2.ConfigEnvelope.FromString(payload.data).config


def is_config_block(block: common_pb2.Block) -> bool:
    envelope = common_pb2.Envelope.FromString(block.data.data[0])
    header = common_pb2.Payload.FromString(envelope.payload).header
    return common_pb2.ChannelHeader.FromString(header.channel_header).type == common_pb2.CONFIG


class ChannelAdmin:
    def __init__(self, network: Network) -> None:
        self.network = network
        self.layout = network.layout
        self.consortium = network.consortium
        self.progress = network.progress
        self._signing: dict[str, SigningIdentity] = {}

    def signing(self, org_name: str) -> SigningIdentity:
        if org_name not in self._signing:
            self._signing[org_name] = admin_signing(self.layout, org_name)
        return self._signing[org_name]

    @property
    def orderer_admin(self) -> SigningIdentity:
        """Who reads the channel from the orderers and submits to them: the orderer
        organisation's admin, or a member's own (it holds no other admin's key)."""
        return self.signing(self.network.member or self.consortium.ordering_organizations[0].name)

    def _admin_orgs(self) -> list[str]:
        """Every organisation whose admin credentials this state directory holds."""
        return [name for name in self.consortium.member_names
                if (self.layout.admin_dir(name) / "msp" / "signcerts").is_dir()]

    # -- reading ------------------------------------------------------------------------------

    def serving_orderer(self, channel: str, exclude: Collection[str] = ()) -> OrdererNode:
        """An orderer that serves `channel` as an active Raft member (not one of `exclude`). Of
        another member's orderers (whose participation API answers only that member's admin), the
        first that listens."""
        for node in self.consortium.channel_orderers(self.consortium.channel(channel)):
            if node.name in exclude:
                continue
            if not self.network.runs(self.consortium.orderer_owner(node.name).name):
                if port_open(self.layout.address(node.port)):
                    return node
                continue
            try:
                info = self.network.participation(node).info(channel)
            except ParticipationError:
                continue  # stopped or unreachable: try the next
            if info and info.status == "active" and info.consensus_relation == "consenter":
                return node
        raise ChannelAdminError(f"no orderer serves channel {channel} as an active Raft member; "
                                "check `grootboek status` and the orderers' logs")

    def orderer_tls_ca(self, node: OrdererNode) -> Path:
        return self.layout.orderer_crypto(node.name).root / "tlsca" / "cert.pem"

    @contextmanager
    def orderer(self, channel: str, exclude: Collection[str] = ()) -> Iterator[Orderer]:
        node = self.serving_orderer(channel, exclude)
        endpoint = Endpoint(self.layout.address(node.port), tls_root_certs=self.orderer_tls_ca(node).read_bytes())
        with endpoint.open_channel() as grpc_channel:
            yield Orderer(grpc_channel)

    def config_block(self, channel: str) -> common_pb2.Block:
        with self.orderer(channel) as orderer:
            try:
                return fetch_config_block(orderer, self.orderer_admin, channel)
            except DeliverError as exc:
                raise ChannelAdminError(f"reading the config of channel {channel}: {exc}") from None

    def config(self, channel: str) -> configtx_pb2.Config:
        return config_of(self.config_block(channel))

    # -- updating -----------------------------------------------------------------------------

    def prepare(self, channel: str, edit: Edit) -> ConfigTransaction:
        """The unsigned update that applies `edit` to the current config (NoChanges if it is
        already so)."""
        original = self.config(channel)
        updated = configtx_pb2.Config()
        updated.CopyFrom(original)
        edit(updated)
        return ConfigTransaction.new(compute_update(channel, original, updated))

    def sign(self, transaction: ConfigTransaction, orgs: Sequence[str] | None = None) -> list[str]:
        """Signs as the admins of `orgs`, or by default of the fewest local organisations whose
        signatures satisfy the policies guarding the change. Returns who signed."""
        if orgs is None:
            candidates = self._admin_orgs()
            config = self.config(transaction.channel)
            signers = [Signer(self.signing(name).identity.msp_id, "admin") for name in candidates]
            chosen = choose_signers(config, transaction.update, signers)
            if chosen is None:
                missing = "; ".join(unsatisfied(config, transaction.update, signers))
                raise ChannelAdminError(f"the admins held here ({', '.join(candidates)}) cannot satisfy {missing}: "
                                        "save the update with --output and collect the other signatures")
            orgs = [candidates[signers.index(signer)] for signer in chosen]
        for name in orgs:
            transaction.sign(self.signing(name))
        return list(orgs)

    def submit(self, transaction: ConfigTransaction, exclude_orderers: Collection[str] = ()) -> common_pb2.Block:
        """Submits a signed update and returns the config block that carries it."""
        channel = transaction.channel
        transaction.verify_signatures()
        missing = unsatisfied(self.config(channel), transaction.update, transaction.signers())
        if missing:
            have = ", ".join(str(s) for s in transaction.signers()) or "none"
            raise ChannelAdminError(
                f"the update is not signed by enough admins for {'; '.join(missing)} (signed by: {have}); "
                "sign it with `grootboek channel update sign FILE --org ORG` and submit it again")
        with self.orderer(channel, exclude_orderers) as orderer:
            newest = fetch_block(orderer, self.orderer_admin, channel, seek.newest()).header.number
            try:
                orderer.broadcast(transaction.submission(self.orderer_admin))
            except BroadcastError as exc:
                raise ChannelAdminError(f"the orderer refused the update of channel {channel}: {exc}") from None
        # Raft may change leaders while it applies the update (a removed leader steps down), and
        # orderers answer SERVICE_UNAVAILABLE meanwhile: ask again, through whichever serves.
        block = wait_for(lambda: self._config_block_from(channel, newest + 1, exclude_orderers),
                         f"the config block carrying the update of channel {channel}", timeout=CONFIG_BLOCK_TIMEOUT)
        problems = differences(transaction.update, config_of(block))
        if problems:
            raise ChannelAdminError(f"config block {block.header.number} of channel {channel} does not carry the "
                                    f"update: {'; '.join(problems)}")
        return block

    def _config_block_from(self, channel: str, start: int, exclude: Collection[str]) -> common_pb2.Block | None:
        """The first config block numbered `start` or later; raises (for `wait_for` to retry) if
        none arrives within a few seconds or the orderer is between leaders."""
        envelope = seek.seek_envelope(self.orderer_admin, channel, seek.specified(start))
        with self.orderer(channel, exclude) as orderer, orderer.blocks(envelope, timeout=5.0) as blocks:
            return next((block for block in blocks if is_config_block(block)), None)

    def update(self, channel: str, edit: Edit, what: str, signers: Sequence[str] | None = None,
               exclude_orderers: Collection[str] = ()) -> common_pb2.Block | None:
        """Prepares, signs and submits in one go (`what` names the change in progress lines);
        None if the channel already is as asked."""
        with self.progress.step(what):
            try:
                transaction = self.prepare(channel, edit)
            except NoChanges:
                self.progress.info("already so: nothing to change")
                return None
            signed_by = self.sign(transaction, signers)
            self.progress.info(f"signed by the admins of {', '.join(signed_by)}")
            block = self.submit(transaction, exclude_orderers)
            self.progress.info(f"config block {block.header.number} carries the change")
            return block
