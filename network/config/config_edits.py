"""The changes administrators make to a channel configuration, one function each. Every function
edits the Config it is given in place (ChannelAdmin hands it a copy of the current one) and decodes
only the values it touches; versions are left alone (the config update computation bumps them).

Asking for what is already so changes nothing, which `compute_update` reports as NoChanges: that is
what makes the commands built on these safe to re-run.
"""
from __future__ import annotations

import re
from typing import Sequence, TypeVar

from fabric_protos.common import configtx_pb2, configuration_pb2 as common_config
from fabric_protos.msp import msp_config_pb2
from fabric_protos.orderer import configuration_pb2 as orderer_config
from fabric_protos.orderer.etcdraft import configuration_pb2 as etcdraft
from fabric_protos.peer import configuration_pb2 as peer_config
from google.protobuf.message import Message

APPLICATION = "Application"
ORDERER = "Orderer"
# Go's time.ParseDuration, which the orderer applies to BatchTimeout.
_GO_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")

M = TypeVar("M", bound=Message)


class ConfigEditError(ValueError):
    """The requested change cannot apply to this configuration; the message says why."""


def read_value(group: configtx_pb2.ConfigGroup, name: str, message_type: type[M]) -> M:
    return message_type.FromString(group.values[name].value)


def _write_value(group: configtx_pb2.ConfigGroup, name: str, message: Message) -> None:
    group.values[name].value = message.SerializeToString()


def _group(config: configtx_pb2.Config, *path: str) -> configtx_pb2.ConfigGroup:
    group = config.channel_group
    for i, name in enumerate(path):
        if name not in group.groups:
            where = "/".join(("Channel", *path[:i]))
            known = ", ".join(sorted(group.groups)) or "none"
            raise ConfigEditError(f"{where} has no group {name!r} (it has: {known})")
        group = group.groups[name]
    return group


# -- orderer ------------------------------------------------------------------------------------

def set_batch(config: configtx_pb2.Config, *, timeout: str | None = None, max_message_count: int | None = None,
              absolute_max_bytes: int | None = None, preferred_max_bytes: int | None = None) -> None:
    """How the orderers cut blocks: after `timeout`, or at `max_message_count` transactions, or
    when the block would exceed the byte limits."""
    orderer = _group(config, ORDERER)
    if timeout is not None:
        if not _GO_DURATION.match(timeout):
            raise ConfigEditError(f"batch timeout {timeout!r} is not a duration such as 500ms or 2s")
        _write_value(orderer, "BatchTimeout", orderer_config.BatchTimeout(timeout=timeout))
    size = read_value(orderer, "BatchSize", orderer_config.BatchSize)
    for field, value in (("max_message_count", max_message_count), ("absolute_max_bytes", absolute_max_bytes),
                         ("preferred_max_bytes", preferred_max_bytes)):
        if value is not None:
            if value < 1:
                raise ConfigEditError(f"{field} must be at least 1, not {value}")
            setattr(size, field, value)
    if size.preferred_max_bytes > size.absolute_max_bytes:
        raise ConfigEditError(f"preferred_max_bytes ({size.preferred_max_bytes}) exceeds absolute_max_bytes "
                              f"({size.absolute_max_bytes})")
    _write_value(orderer, "BatchSize", size)


def consenters(config: configtx_pb2.Config) -> list[etcdraft.Consenter]:
    consensus = read_value(_group(config, ORDERER), "ConsensusType", orderer_config.ConsensusType)
    if consensus.type != "etcdraft":
        raise ConfigEditError(f"the channel's consensus is {consensus.type!r}; we manage etcdraft clusters only")
    return list(etcdraft.ConfigMetadata.FromString(consensus.metadata).consenters)


def _set_consenters(config: configtx_pb2.Config, members: Sequence[etcdraft.Consenter]) -> None:
    orderer = _group(config, ORDERER)
    consensus = read_value(orderer, "ConsensusType", orderer_config.ConsensusType)
    metadata = etcdraft.ConfigMetadata.FromString(consensus.metadata)
    del metadata.consenters[:]
    metadata.consenters.extend(members)
    consensus.metadata = metadata.SerializeToString()
    _write_value(orderer, "ConsensusType", consensus)


def add_consenter(config: configtx_pb2.Config, host: str, port: int, tls_cert: bytes) -> None:
    """Adds an orderer to the Raft cluster (Raft changes one member per update)."""
    members = consenters(config)
    if not any((c.host, c.port) == (host, port) for c in members):
        members.append(etcdraft.Consenter(host=host, port=port, client_tls_cert=tls_cert, server_tls_cert=tls_cert))
        _set_consenters(config, members)


def replace_consenter_tls(config: configtx_pb2.Config, host: str, port: int, tls_cert: bytes) -> None:
    """Gives a consenter a renewed TLS certificate (its Raft identity): its peers in the cluster
    accept it from the orderer once this update is in the chain."""
    members = consenters(config)
    for member in members:
        if (member.host, member.port) == (host, port):
            member.client_tls_cert = member.server_tls_cert = tls_cert
            _set_consenters(config, members)
            return
    raise ConfigEditError(f"no consenter at {host}:{port} in the channel's Raft cluster")


def remove_consenter(config: configtx_pb2.Config, host: str, port: int) -> None:
    members = consenters(config)
    remaining = [c for c in members if (c.host, c.port) != (host, port)]
    if len(remaining) != len(members):
        if not remaining:
            raise ConfigEditError("cannot remove the last orderer of a channel")
        _set_consenters(config, remaining)


def _endpoints(config: configtx_pb2.Config, orderer_org: str) -> tuple[configtx_pb2.ConfigGroup, list[str]]:
    group = _group(config, ORDERER, orderer_org)
    return group, list(read_value(group, "Endpoints", common_config.OrdererAddresses).addresses)


def add_orderer_endpoint(config: configtx_pb2.Config, orderer_org: str, address: str) -> None:
    """Lists an orderer among its organisation's endpoints, where peers and clients find orderers
    to send transactions to: only once it serves the channel."""
    group, addresses = _endpoints(config, orderer_org)
    if address not in addresses:
        _write_value(group, "Endpoints", common_config.OrdererAddresses(addresses=[*addresses, address]))


def remove_orderer_endpoint(config: configtx_pb2.Config, orderer_org: str, address: str) -> None:
    group, addresses = _endpoints(config, orderer_org)
    if address in addresses:
        _write_value(group, "Endpoints", common_config.OrdererAddresses(
            addresses=[a for a in addresses if a != address]))


# -- organisations ------------------------------------------------------------------------------

def application_organizations(config: configtx_pb2.Config) -> dict[str, str]:
    """Organisation group name -> MSP id, for the channel's application organisations."""
    return {name: msp_config(group).name for name, group in _group(config, APPLICATION).groups.items()}


def msp_config(group: configtx_pb2.ConfigGroup) -> msp_config_pb2.FabricMSPConfig:
    return msp_config_pb2.FabricMSPConfig.FromString(read_value(group, "MSP", msp_config_pb2.MSPConfig).config)


def add_application_organization(config: configtx_pb2.Config, name: str, definition: configtx_pb2.ConfigGroup) -> None:
    """Adds (or replaces) an organisation's group: its MSP, policies and anchor peers."""
    _group(config, APPLICATION).groups[name].CopyFrom(definition)


def remove_application_organization(config: configtx_pb2.Config, name: str) -> None:
    application = _group(config, APPLICATION)
    if name in application.groups:
        if len(application.groups) == 1:
            raise ConfigEditError(f"{name} is the channel's last organisation")
        del application.groups[name]


def set_anchor_peers(config: configtx_pb2.Config, org: str, peers: Sequence[tuple[str, int]]) -> None:
    """The peers other organisations' peers contact for gossip (host, port)."""
    anchors = peer_config.AnchorPeers(anchor_peers=[peer_config.AnchorPeer(host=h, port=p) for h, p in peers])
    _write_value(_group(config, APPLICATION, org), "AnchorPeers", anchors)


def set_revocation_list(config: configtx_pb2.Config, group_path: Sequence[str], crls: Sequence[bytes]) -> None:
    """Replaces the organisation MSP's certificate revocation lists (PEM): certificates they list
    are refused on the channel."""
    group = _group(config, *group_path)
    msp = read_value(group, "MSP", msp_config_pb2.MSPConfig)
    fabric = msp_config_pb2.FabricMSPConfig.FromString(msp.config)
    del fabric.revocation_list[:]
    fabric.revocation_list.extend(crls)
    msp.config = fabric.SerializeToString()
    _write_value(group, "MSP", msp)
