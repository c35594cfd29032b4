"""Invocations of the _lifecycle system chaincode (Fabric's chaincode lifecycle).

Install and the installed-package queries target one peer on the empty channel (`admin.query`).
Approve and commit are channel transactions: endorse, assemble, broadcast (`admin.transact`);
the other definition queries run on a channel (`admin.query(..., channel=...)`).
"""
from __future__ import annotations

from dataclasses import dataclass

from fabric_protos.peer import collection_pb2, policy_pb2
from fabric_protos.peer.lifecycle import lifecycle_pb2 as lc

from .invocation import Invocation
from .signature_policy import parse_signature_policy

LIFECYCLE = "_lifecycle"


@dataclass(frozen=True)
class ChaincodeDefinition:
    """What organisations approve and commit. Empty plugins mean Fabric's defaults (escc/vscc);
    `validation_parameter` is a serialized `peer.ApplicationPolicy` (empty: the channel's
    /Channel/Application/Endorsement policy)."""

    name: str
    version: str
    sequence: int
    validation_parameter: bytes = b""
    collections: collection_pb2.CollectionConfigPackage | None = None
    init_required: bool = False
    endorsement_plugin: str = ""
    validation_plugin: str = ""

    def fields(self) -> dict:
        return {"name": self.name, "version": self.version, "sequence": self.sequence,
                "validation_parameter": self.validation_parameter,
                "collections": self.collections, "init_required": self.init_required,
                "endorsement_plugin": self.endorsement_plugin,
                "validation_plugin": self.validation_plugin}


def channel_policy_reference(policy_path: str) -> bytes:
    """A validation parameter naming a channel policy, e.g. /Channel/Application/Endorsement."""
    return policy_pb2.ApplicationPolicy(
        channel_config_policy_reference=policy_path).SerializeToString()


def signature_policy(expression: str) -> bytes:
    """A validation parameter from a signature policy, e.g. "AND('A.member', 'B.member')"
    (what the peer CLI's --signature-policy makes)."""
    return policy_pb2.ApplicationPolicy(
        signature_policy=parse_signature_policy(expression)).SerializeToString()


def collection(name: str, policy: str, required_peer_count: int = 0, max_peer_count: int = 1,
               block_to_live: int = 0, member_only_read: bool = False,
               member_only_write: bool = False,
               endorsement_policy: str | None = None) -> collection_pb2.CollectionConfig:
    """A private data collection, as the peer CLI builds it from a collections JSON file
    (same defaults). `endorsement_policy` is a signature policy expression."""
    endorsement = (policy_pb2.ApplicationPolicy(
        signature_policy=parse_signature_policy(endorsement_policy)) if endorsement_policy else None)
    return collection_pb2.CollectionConfig(
        static_collection_config=collection_pb2.StaticCollectionConfig(
            name=name,
            member_orgs_policy=collection_pb2.CollectionPolicyConfig(
                signature_policy=parse_signature_policy(policy)),
            required_peer_count=required_peer_count,
            maximum_peer_count=max_peer_count,
            block_to_live=block_to_live,
            member_only_read=member_only_read,
            member_only_write=member_only_write,
            endorsement_policy=endorsement,
        ))


def install_chaincode(package: bytes) -> Invocation[lc.InstallChaincodeResult]:
    """Installs a chaincode package (the .tar.gz); the result holds its package id."""
    return Invocation.of(LIFECYCLE, "InstallChaincode",
                         lc.InstallChaincodeArgs(chaincode_install_package=package),
                         result_type=lc.InstallChaincodeResult)


def query_installed_chaincodes() -> Invocation[lc.QueryInstalledChaincodesResult]:
    return Invocation.of(LIFECYCLE, "QueryInstalledChaincodes", lc.QueryInstalledChaincodesArgs(),
                         result_type=lc.QueryInstalledChaincodesResult)


def query_installed_chaincode(package_id: str) -> Invocation[lc.QueryInstalledChaincodeResult]:
    return Invocation.of(LIFECYCLE, "QueryInstalledChaincode",
                         lc.QueryInstalledChaincodeArgs(package_id=package_id),
                         result_type=lc.QueryInstalledChaincodeResult)


def approve_chaincode_definition_for_my_org(
        definition: ChaincodeDefinition,
        package_id: str | None) -> Invocation[lc.ApproveChaincodeDefinitionForMyOrgResult]:
    """Approves a definition for the creator's organisation; `package_id` None approves without
    a local package (the organisation then runs no endorsing chaincode)."""
    source = (lc.ChaincodeSource(local_package=lc.ChaincodeSource.Local(package_id=package_id))
              if package_id else lc.ChaincodeSource(unavailable=lc.ChaincodeSource.Unavailable()))
    args = lc.ApproveChaincodeDefinitionForMyOrgArgs(source=source, **definition.fields())
    return Invocation.of(LIFECYCLE, "ApproveChaincodeDefinitionForMyOrg", args,
                         result_type=lc.ApproveChaincodeDefinitionForMyOrgResult)


def check_commit_readiness(
        definition: ChaincodeDefinition) -> Invocation[lc.CheckCommitReadinessResult]:
    """Which organisations have approved exactly this definition (`approvals`: MSP ID -> bool)."""
    return Invocation.of(LIFECYCLE, "CheckCommitReadiness",
                         lc.CheckCommitReadinessArgs(**definition.fields()),
                         result_type=lc.CheckCommitReadinessResult)


def commit_chaincode_definition(
        definition: ChaincodeDefinition) -> Invocation[lc.CommitChaincodeDefinitionResult]:
    """Commits a definition; needs endorsements satisfying the LifecycleEndorsement policy
    (by default a majority of the channel's organisations)."""
    return Invocation.of(LIFECYCLE, "CommitChaincodeDefinition",
                         lc.CommitChaincodeDefinitionArgs(**definition.fields()),
                         result_type=lc.CommitChaincodeDefinitionResult)


def query_approved_chaincode_definition(
        name: str, sequence: int = 0) -> Invocation[lc.QueryApprovedChaincodeDefinitionResult]:
    """The creator organisation's approved definition (sequence 0: the latest)."""
    return Invocation.of(LIFECYCLE, "QueryApprovedChaincodeDefinition",
                         lc.QueryApprovedChaincodeDefinitionArgs(name=name, sequence=sequence),
                         result_type=lc.QueryApprovedChaincodeDefinitionResult)


def query_chaincode_definition(name: str) -> Invocation[lc.QueryChaincodeDefinitionResult]:
    """The committed definition, with which organisations approved it."""
    return Invocation.of(LIFECYCLE, "QueryChaincodeDefinition",
                         lc.QueryChaincodeDefinitionArgs(name=name),
                         result_type=lc.QueryChaincodeDefinitionResult)


def query_chaincode_definitions() -> Invocation[lc.QueryChaincodeDefinitionsResult]:
    return Invocation.of(LIFECYCLE, "QueryChaincodeDefinitions", lc.QueryChaincodeDefinitionsArgs(),
                         result_type=lc.QueryChaincodeDefinitionsResult)
