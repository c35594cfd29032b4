"""A channel configuration summarised for people: organisations, orderers, batch settings,
capabilities and every policy in the policy language (`grootboek channel show`)."""
from __future__ import annotations

from cryptography import x509
from fabric_protos.common import configtx_pb2, configuration_pb2 as common_config
from fabric_protos.orderer import configuration_pb2 as orderer_config
from fabric_protos.peer import configuration_pb2 as peer_config

from grootboek.network.config.config_edits import APPLICATION, ORDERER, consenters, msp_config, read_value
from grootboek.network.config.config_policies import policy_text
from grootboek.network.config.crypto import fingerprint


def _capabilities(group: configtx_pb2.ConfigGroup) -> list[str]:
    if "Capabilities" not in group.values:
        return []
    return sorted(read_value(group, "Capabilities", common_config.Capabilities).capabilities)


def _revoked(group: configtx_pb2.ConfigGroup) -> int:
    return sum(len(x509.load_pem_x509_crl(crl)) for crl in msp_config(group).revocation_list)


def _fingerprints(pems) -> list[str]:
    return [fingerprint(x509.load_pem_x509_certificate(pem)) for pem in pems]


def _certificates(group: configtx_pb2.ConfigGroup) -> dict[str, list[str]]:
    """What a member compares with what the organisation told it: its root CAs' fingerprints."""
    msp = msp_config(group)
    return {"ca": _fingerprints(msp.root_certs), "tls_ca": _fingerprints(msp.tls_root_certs)}


def _policies(group: configtx_pb2.ConfigGroup, path: str = "/Channel") -> dict[str, str]:
    found = {f"{path}/{name}": policy_text(p.policy) for name, p in sorted(group.policies.items())}
    for name, sub in sorted(group.groups.items()):
        found.update(_policies(sub, f"{path}/{name}"))
    return found


def describe(config: configtx_pb2.Config) -> dict:
    root = config.channel_group
    application, orderer = root.groups[APPLICATION], root.groups[ORDERER]
    organizations = []
    for name, group in sorted(application.groups.items()):
        anchors = (read_value(group, "AnchorPeers", peer_config.AnchorPeers).anchor_peers
                   if "AnchorPeers" in group.values else [])
        organizations.append({"name": name, "msp_id": msp_config(group).name,
                              "anchor_peers": [f"{a.host}:{a.port}" for a in anchors],
                              "certificates": _certificates(group),
                              "revoked_certificates": _revoked(group)})
    orderer_organizations = [
        {"name": name, "msp_id": msp_config(group).name,
         "endpoints": list(read_value(group, "Endpoints", common_config.OrdererAddresses).addresses)
         if "Endpoints" in group.values else [],
         "certificates": _certificates(group)}
        for name, group in sorted(orderer.groups.items())]
    consensus = read_value(orderer, "ConsensusType", orderer_config.ConsensusType)
    size = read_value(orderer, "BatchSize", orderer_config.BatchSize)
    return {
        "config_sequence": config.sequence,
        "organizations": organizations,
        "orderer_organizations": orderer_organizations,
        "consensus": {"type": consensus.type, "state": orderer_config.ConsensusType.State.Name(consensus.state),
                      "consenters": [f"{c.host}:{c.port}" for c in consenters(config)],
                      "consenter_tls": {f"{c.host}:{c.port}": _fingerprints([c.server_tls_cert])[0]
                                        for c in consenters(config)}},
        "batch": {"timeout": read_value(orderer, "BatchTimeout", orderer_config.BatchTimeout).timeout,
                  "max_message_count": size.max_message_count,
                  "absolute_max_bytes": size.absolute_max_bytes,
                  "preferred_max_bytes": size.preferred_max_bytes},
        "capabilities": {"channel": _capabilities(root), "orderer": _capabilities(orderer),
                         "application": _capabilities(application)},
        "policies": _policies(root),
    }
