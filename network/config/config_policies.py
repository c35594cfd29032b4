"""A channel's policies evaluated the way Fabric's orderers evaluate them, so we know before we
submit which organisations' admins must sign a config update, and can say who is missing.

Signature policies follow Fabric's rules: each signer counts once per evaluation, and a gate that
succeeds keeps the signers it used. An ImplicitMeta policy (ANY, ALL or MAJORITY of a sub-policy)
counts the child groups whose sub-policy is satisfied; with no child groups it is satisfied.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Sequence

from cryptography import x509
from cryptography.x509.oid import NameOID
from fabric_protos.common import configtx_pb2, policies_pb2
from fabric_protos.msp import identities_pb2, msp_principal_pb2

from grootboek.network.config.config_elements import guarding_policies

ROLES = {msp_principal_pb2.MSPRole.MEMBER: "member", msp_principal_pb2.MSPRole.ADMIN: "admin",
         msp_principal_pb2.MSPRole.CLIENT: "client", msp_principal_pb2.MSPRole.PEER: "peer",
         msp_principal_pb2.MSPRole.ORDERER: "orderer"}
NODE_OUS = ("admin", "client", "peer", "orderer")
_META = policies_pb2.ImplicitMetaPolicy


@dataclass(frozen=True)
class Signer:
    """A signature as policies see it: the signer's MSP and its certificate's NodeOU role."""

    msp_id: str
    role: str

    @classmethod
    def from_creator(cls, creator: bytes) -> Signer:
        identity = identities_pb2.SerializedIdentity.FromString(creator)
        cert = x509.load_pem_x509_certificate(identity.id_bytes)
        ous = {a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)}
        return cls(identity.mspid, next((role for role in NODE_OUS if role in ous), "member"))

    def satisfies(self, msp_id: str, role: str) -> bool:
        return self.msp_id == msp_id and role in ("member", self.role)

    def __str__(self) -> str:
        return f"{self.msp_id}.{self.role}"


def _principal(principal: msp_principal_pb2.MSPPrincipal) -> tuple[str, str] | None:
    """(MSP id, role) of a role principal; None for kinds we never configure (nobody matches)."""
    if principal.principal_classification != msp_principal_pb2.MSPPrincipal.ROLE:
        return None
    role = msp_principal_pb2.MSPRole.FromString(principal.principal)
    return role.msp_identifier, ROLES[role.role]


def signature_policy_text(envelope: policies_pb2.SignaturePolicyEnvelope) -> str:
    """The policy in Fabric's policy language, e.g. OR('MunicipalityMSP.admin')."""
    principals = [_principal(p) for p in envelope.identities]

    def text(rule: policies_pb2.SignaturePolicy) -> str:
        if rule.WhichOneof("Type") == "signed_by":
            found = principals[rule.signed_by]
            return f"'{found[0]}.{found[1]}'" if found else "'<unsupported principal>'"
        rules = [text(r) for r in rule.n_out_of.rules]
        n = rule.n_out_of.n
        if n == len(rules) and n > 1:
            return f"AND({', '.join(rules)})"
        if n == 1:
            return f"OR({', '.join(rules)})"
        return f"OutOf({n}, {', '.join(rules)})"

    return text(envelope.rule)


def policy_text(policy: policies_pb2.Policy) -> str:
    if policy.type == policies_pb2.Policy.SIGNATURE:
        return signature_policy_text(policies_pb2.SignaturePolicyEnvelope.FromString(policy.value))
    if policy.type == policies_pb2.Policy.IMPLICIT_META:
        meta = _META.FromString(policy.value)
        return f"{_META.Rule.Name(meta.rule)} {meta.sub_policy}"
    return f"<{policies_pb2.Policy.PolicyType.Name(policy.type)} policy>"


class PolicyEvaluator:
    def __init__(self, config: configtx_pb2.Config) -> None:
        self.root = config.channel_group

    def _group(self, path: Sequence[str]) -> configtx_pb2.ConfigGroup | None:
        if not path or path[0] != "Channel":
            return None
        group = self.root
        for name in path[1:]:
            if name not in group.groups:
                return None
            group = group.groups[name]
        return group

    def describe(self, policy_path: str) -> str:
        """The path with its rule, e.g. /Channel/Application/Admins (MAJORITY Admins of A, B, C)."""
        *group_path, name = policy_path.strip("/").split("/")
        group = self._group(group_path)
        if group is None or name not in group.policies:
            return f"{policy_path} (no such policy)"
        policy = group.policies[name].policy
        over = f" of {', '.join(sorted(group.groups))}" if policy.type == policies_pb2.Policy.IMPLICIT_META else ""
        return f"{policy_path} ({policy_text(policy)}{over})"

    def satisfied(self, policy_path: str, signers: Sequence[Signer]) -> bool:
        *group_path, name = policy_path.strip("/").split("/")
        group = self._group(group_path)
        if group is None or name not in group.policies:
            return False
        return self._evaluate(group, group.policies[name].policy, list(dict.fromkeys(signers)))

    def _evaluate(self, group: configtx_pb2.ConfigGroup, policy: policies_pb2.Policy,
                  signers: list[Signer]) -> bool:
        if policy.type == policies_pb2.Policy.SIGNATURE:
            envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policy.value)
            principals = [_principal(p) for p in envelope.identities]
            return _signed(envelope.rule, principals, signers, [False] * len(signers))
        if policy.type == policies_pb2.Policy.IMPLICIT_META:
            meta = _META.FromString(policy.value)
            children = list(group.groups.values())
            met = sum(1 for child in children if meta.sub_policy in child.policies
                      and self._evaluate(child, child.policies[meta.sub_policy].policy, signers))
            needed = {_META.ANY: 1, _META.ALL: len(children), _META.MAJORITY: len(children) // 2 + 1}[meta.rule]
            return met >= (needed if children else 0)
        return False


def _signed(rule: policies_pb2.SignaturePolicy, principals: list[tuple[str, str] | None],
            signers: list[Signer], used: list[bool]) -> bool:
    if rule.WhichOneof("Type") == "signed_by":
        principal = principals[rule.signed_by]
        for i, signer in enumerate(signers):
            if not used[i] and principal is not None and signer.satisfies(*principal):
                used[i] = True
                return True
        return False
    met = 0
    for sub in rule.n_out_of.rules:
        trial = list(used)
        if _signed(sub, principals, signers, trial):
            met += 1
            used[:] = trial
    return met >= rule.n_out_of.n


def unsatisfied(config: configtx_pb2.Config, update: configtx_pb2.ConfigUpdate,
                signers: Sequence[Signer]) -> list[str]:
    """Descriptions of the policies guarding the update's changes that `signers` do not satisfy."""
    evaluator = PolicyEvaluator(config)
    return [evaluator.describe(path) for path in sorted(guarding_policies(config, update))
            if not evaluator.satisfied(path, signers)]


def choose_signers(config: configtx_pb2.Config, update: configtx_pb2.ConfigUpdate,
                   candidates: Sequence[Signer]) -> list[Signer] | None:
    """The smallest set of `candidates` (in their order) that satisfies every policy guarding the
    update, or None if even all of them together do not."""
    evaluator = PolicyEvaluator(config)
    paths = sorted(guarding_policies(config, update))
    for size in range(0, len(candidates) + 1):
        for chosen in combinations(candidates, size):
            if all(evaluator.satisfied(path, chosen) for path in paths):
                return list(chosen)
    return None
