"""Small channel configurations shaped like the ones configtxgen makes (Channel, Application with
organisation groups, Orderer), and admins of their organisations, for config update tests."""
from __future__ import annotations

import functools

from cryptography.hazmat.primitives import serialization
from fabric_protos.common import configtx_pb2, configuration_pb2 as common_config, policies_pb2
from fabric_protos.msp import msp_config_pb2
from fabric_protos.orderer import configuration_pb2 as orderer_config
from fabric_protos.orderer.etcdraft import configuration_pb2 as etcdraft
from fabric_protos.peer import configuration_pb2 as peer_config
from google.protobuf.message import Message

from grootboek.client.admin.signature_policy import parse_signature_policy
from grootboek.client.identity import PrivateKeySigner, SigningIdentity, X509Identity
from grootboek.network.config.config_policies import Signer
from grootboek.network.config.crypto import Authority, subject

APPLICATION_ORGS = ("Org1", "Org2", "Org3")


def signature(text: str) -> policies_pb2.Policy:
    return policies_pb2.Policy(type=policies_pb2.Policy.SIGNATURE,
                               value=parse_signature_policy(text).SerializeToString())


def implicit(rule: str, sub_policy: str) -> policies_pb2.Policy:
    meta = policies_pb2.ImplicitMetaPolicy(rule=policies_pb2.ImplicitMetaPolicy.Rule.Value(rule),
                                           sub_policy=sub_policy)
    return policies_pb2.Policy(type=policies_pb2.Policy.IMPLICIT_META, value=meta.SerializeToString())


def _policies(group: configtx_pb2.ConfigGroup, policies: dict[str, policies_pb2.Policy], version: int = 0) -> None:
    for name, rule in policies.items():
        group.policies[name].CopyFrom(configtx_pb2.ConfigPolicy(version=version, mod_policy="Admins", policy=rule))


def _value(group: configtx_pb2.ConfigGroup, name: str, message: Message, version: int = 0,
           mod_policy: str = "Admins") -> None:
    group.values[name].CopyFrom(configtx_pb2.ConfigValue(version=version, mod_policy=mod_policy,
                                                         value=message.SerializeToString()))


def msp_value(msp_id: str) -> msp_config_pb2.MSPConfig:
    return msp_config_pb2.MSPConfig(type=0, config=msp_config_pb2.FabricMSPConfig(name=msp_id).SerializeToString())


def organization(name: str, version: int = 0, port: int = 7051) -> configtx_pb2.ConfigGroup:
    msp = f"{name}MSP"
    group = configtx_pb2.ConfigGroup(version=version, mod_policy="Admins")
    _policies(group, {"Admins": signature(f"OR('{msp}.admin')"),
                      "Readers": signature(f"OR('{msp}.member')"),
                      "Writers": signature(f"OR('{msp}.admin', '{msp}.client')"),
                      "Endorsement": signature(f"OR('{msp}.peer')")})
    _value(group, "MSP", msp_value(msp), version)
    _value(group, "AnchorPeers", peer_config.AnchorPeers(anchor_peers=[peer_config.AnchorPeer(host="127.0.0.1",
                                                                                              port=port)]), version)
    return group


@functools.cache
def tls_certificate(name: str = "orderer") -> bytes:
    """A real TLS certificate: `channel show` prints each consenter's fingerprint."""
    authority = Authority.create("tlsca.orderer.example", "orderer.example")
    cert, _ = authority.issue(subject(name, "orderer.example", "orderer"))
    return cert.public_bytes(serialization.Encoding.PEM)


def consenter(port: int) -> etcdraft.Consenter:
    tls = tls_certificate()
    return etcdraft.Consenter(host="127.0.0.1", port=port, client_tls_cert=tls, server_tls_cert=tls)


def config() -> configtx_pb2.Config:
    """Versions differ per element so that bumps are visible."""
    channel = configtx_pb2.ConfigGroup(version=2, mod_policy="Admins")
    _policies(channel, {"Admins": implicit("MAJORITY", "Admins"), "Readers": implicit("ANY", "Readers"),
                        "Writers": implicit("ANY", "Writers")})
    _value(channel, "Capabilities", common_config.Capabilities(capabilities={"V3_0": common_config.Capability()}))
    application = channel.groups["Application"]
    application.CopyFrom(configtx_pb2.ConfigGroup(version=3, mod_policy="Admins"))
    _policies(application, {"Admins": implicit("MAJORITY", "Admins"), "Writers": implicit("ANY", "Writers")})
    for i, name in enumerate(APPLICATION_ORGS):
        application.groups[name].CopyFrom(organization(name, version=i, port=7051 + 1000 * i))
    orderer = channel.groups["Orderer"]
    orderer.CopyFrom(configtx_pb2.ConfigGroup(version=1, mod_policy="Admins"))
    _policies(orderer, {"Admins": implicit("MAJORITY", "Admins"), "Writers": implicit("ANY", "Writers")})
    _value(orderer, "BatchSize", orderer_config.BatchSize(max_message_count=100, absolute_max_bytes=10_000_000,
                                                          preferred_max_bytes=2_000_000), version=4)
    _value(orderer, "BatchTimeout", orderer_config.BatchTimeout(timeout="2s"), mod_policy="/Channel/Orderer/Admins")
    raft = etcdraft.ConfigMetadata(consenters=[consenter(p) for p in (7050, 7150, 7250)])
    _value(orderer, "ConsensusType", orderer_config.ConsensusType(type="etcdraft", metadata=raft.SerializeToString()))
    orderer_org = organization("OrdererOrg", version=1)
    del orderer_org.values["AnchorPeers"]
    _value(orderer_org, "Endpoints", common_config.OrdererAddresses(
        addresses=[f"127.0.0.1:{p}" for p in (7050, 7150, 7250)]))
    orderer.groups["OrdererOrg"].CopyFrom(orderer_org)
    return configtx_pb2.Config(sequence=7, channel_group=channel)


def copy(original: configtx_pb2.Config) -> configtx_pb2.Config:
    return configtx_pb2.Config.FromString(original.SerializeToString())


def admin(msp_prefix: str, role: str = "admin") -> SigningIdentity:
    """A signing identity of `<msp_prefix>MSP` whose certificate carries the NodeOU `role`."""
    authority = Authority.create(f"ca.{msp_prefix.lower()}.example", f"{msp_prefix.lower()}.example")
    cert, key = authority.issue(subject(f"{role}@{msp_prefix}", f"{msp_prefix.lower()}.example", role))
    return SigningIdentity(X509Identity(f"{msp_prefix}MSP", cert.public_bytes(serialization.Encoding.PEM)),
                           PrivateKeySigner(key))


def admins(*msp_prefixes: str) -> list[Signer]:
    return [Signer(f"{prefix}MSP", "admin") for prefix in msp_prefixes]
