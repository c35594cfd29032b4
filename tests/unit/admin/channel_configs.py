"""Small channel configurations shaped like the ones configtxgen makes (Channel, Application with
organisation groups, Orderer), and admins of their organisations, for config update tests."""
from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from fabric_protos.common import configtx_pb2, policies_pb2

from grootboek.client.identity import X509Identity
from grootboek.client.signer import PrivateKeySigner
from grootboek.client.signing_identity import SigningIdentity
from grootboek.network import policy
from grootboek.network.config_policies import Signer
from grootboek.network.crypto import Authority, subject

APPLICATION_ORGS = ("Org1", "Org2", "Org3")


def signature(text: str) -> policies_pb2.Policy:
    return policies_pb2.Policy(type=policies_pb2.Policy.SIGNATURE, value=policy.parse(text).SerializeToString())


def implicit(rule: str, sub_policy: str) -> policies_pb2.Policy:
    meta = policies_pb2.ImplicitMetaPolicy(rule=policies_pb2.ImplicitMetaPolicy.Rule.Value(rule),
                                           sub_policy=sub_policy)
    return policies_pb2.Policy(type=policies_pb2.Policy.IMPLICIT_META, value=meta.SerializeToString())


def _policies(group: configtx_pb2.ConfigGroup, policies: dict[str, policies_pb2.Policy], version: int = 0) -> None:
    for name, rule in policies.items():
        group.policies[name].CopyFrom(configtx_pb2.ConfigPolicy(version=version, mod_policy="Admins", policy=rule))


def organization(name: str, version: int = 0) -> configtx_pb2.ConfigGroup:
    msp = f"{name}MSP"
    group = configtx_pb2.ConfigGroup(version=version, mod_policy="Admins")
    _policies(group, {"Admins": signature(f"OR('{msp}.admin')"),
                      "Readers": signature(f"OR('{msp}.member')"),
                      "Writers": signature(f"OR('{msp}.admin', '{msp}.client')"),
                      "Endorsement": signature(f"OR('{msp}.peer')")})
    group.values["MSP"].CopyFrom(configtx_pb2.ConfigValue(version=version, mod_policy="Admins",
                                                          value=f"msp of {name}".encode()))
    group.values["AnchorPeers"].CopyFrom(configtx_pb2.ConfigValue(version=version, mod_policy="Admins",
                                                                  value=f"{name}:7051".encode()))
    return group


def config() -> configtx_pb2.Config:
    """Versions differ per element so that bumps are visible."""
    channel = configtx_pb2.ConfigGroup(version=2, mod_policy="Admins")
    _policies(channel, {"Admins": implicit("MAJORITY", "Admins"), "Readers": implicit("ANY", "Readers"),
                        "Writers": implicit("ANY", "Writers")})
    channel.values["Capabilities"].CopyFrom(configtx_pb2.ConfigValue(mod_policy="Admins", value=b"V3_0"))
    application = channel.groups["Application"]
    application.CopyFrom(configtx_pb2.ConfigGroup(version=3, mod_policy="Admins"))
    _policies(application, {"Admins": implicit("MAJORITY", "Admins"), "Writers": implicit("ANY", "Writers")})
    for i, name in enumerate(APPLICATION_ORGS):
        application.groups[name].CopyFrom(organization(name, version=i))
    orderer = channel.groups["Orderer"]
    orderer.CopyFrom(configtx_pb2.ConfigGroup(version=1, mod_policy="Admins"))
    _policies(orderer, {"Admins": implicit("MAJORITY", "Admins"), "Writers": implicit("ANY", "Writers")})
    orderer.values["BatchSize"].CopyFrom(configtx_pb2.ConfigValue(version=4, mod_policy="Admins", value=b"100"))
    orderer.values["BatchTimeout"].CopyFrom(
        configtx_pb2.ConfigValue(version=0, mod_policy="/Channel/Orderer/Admins", value=b"2s"))
    orderer.groups["OrdererOrg"].CopyFrom(organization("OrdererOrg", version=1))
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
