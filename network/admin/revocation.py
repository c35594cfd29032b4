"""Revoking a user on the running network: the organisation's CA revokes the user's certificates
and issues a new CRL, and a config update (signed by the organisation's own admins) puts that CRL
into the organisation's MSP on each of its channels, where peers and orderers check it: from the
config block on, the user's proposals and transactions are refused."""
from __future__ import annotations

from functools import partial

from grootboek.network.admin.channel_admin import ChannelAdmin
from grootboek.network.admin.identities import Identities
from grootboek.network.config import config_edits
from grootboek.network.nodes.network import Network


def publish_crl(network: Network, org_name: str, crl: bytes) -> list[str]:
    """Makes `crl` the organisation's revocation list on each of its channels; returns them."""
    org = network.consortium.organization(org_name)
    admin = ChannelAdmin(network)
    channels = [c.name for c in network.consortium.channels_of(org)]
    for channel in channels:
        admin.update(channel, partial(config_edits.set_revocation_list, group_path=(config_edits.APPLICATION, org.name),
                                      crls=[crl]),
                     f"publishing the revocation list of {org.name} on channel {channel}", signers=[org.name])
    return channels


def revoke_user(network: Network, org_name: str, user: str, reason: str = "") -> list[str]:
    """Revokes `user` at the organisation's CA and publishes the CRL; returns the channels
    where the user is now refused."""
    with network.progress.step(f"revoking {user} at the CA of {org_name}"):
        crl = Identities(network.layout, org_name).revoke(user, reason)
    return publish_crl(network, org_name, crl)
