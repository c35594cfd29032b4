import pytest
from fabric_protos.msp import msp_principal_pb2
from fabric_protos.peer import policy_pb2

from grootboek.client.admin import lifecycle
from grootboek.client.admin.signature_policy import PolicyError, parse_signature_policy

ROLE = msp_principal_pb2.MSPRole


def principals(envelope):
    return [(r.msp_identifier, ROLE.MSPRoleType.Name(r.role)) for r in
            (ROLE.FromString(i.principal) for i in envelope.identities)]


def shape(rule):
    """A rule as nested tuples: (n, [children]) for gates, the identity index for signed_by."""
    if rule.WhichOneof("Type") == "signed_by":
        return rule.signed_by
    return (rule.n_out_of.n, [shape(r) for r in rule.n_out_of.rules])


def test_or_and_and_gates():
    envelope = parse_signature_policy("OR('Org1MSP.member', 'Org2MSP.peer')")
    assert envelope.version == 0
    assert principals(envelope) == [("Org1MSP", "MEMBER"), ("Org2MSP", "PEER")]
    assert shape(envelope.rule) == (1, [0, 1])
    assert shape(parse_signature_policy('and("A.admin","B.client","C.orderer")').rule) == (3, [0, 1, 2])


def test_nested_gates_number_their_principals_first_like_policydsl():
    envelope = parse_signature_policy("AND('A.member', OR('B.peer', 'C.admin'), 'D.client')")
    assert principals(envelope) == [("B", "PEER"), ("C", "ADMIN"), ("A", "MEMBER"), ("D", "CLIENT")]
    assert shape(envelope.rule) == (3, [2, (1, [0, 1]), 3])


def test_repeated_principals_are_not_deduplicated():
    envelope = parse_signature_policy("OutOf(2, 'A.member', 'A.member', 'B.member')")
    assert shape(envelope.rule) == (2, [0, 1, 2])
    assert len(envelope.identities) == 3


# Generated with Fabric's own policydsl.FromString (the Fabric module our build pins) and
# proto.Marshal: approvals only match if the bytes are identical.
POLICYDSL_VECTORS = {
    "OR('A.member','B.member')":
        "120c120a080112020800120208011a0512030a01411a0512030a0142",
    "AND('A.member', OR('B.peer', 'C.admin'), 'D.client')":
        "121a1218080312020802120c120a08011202080012020801120208031a0712050a014210031a0712050a01"
        "4310011a0512030a01411a0712050a01441002",
    "OutOf(2, 'A.member', 'A.member', 'B.orderer')":
        "1210120e08021202080012020801120208021a0512030a01411a0512030a01411a0712050a01421004",
    "OR('MunicipalityMSP.member', 'MerchantsMSP.member')":
        "120c120a080112020800120208011a1312110a0f4d756e69636970616c6974794d53501a10120e0a0c4d"
        "65726368616e74734d5350",
}


@pytest.mark.parametrize("expression", POLICYDSL_VECTORS)
def test_bytes_match_fabrics_policydsl(expression):
    assert parse_signature_policy(expression).SerializeToString().hex() == POLICYDSL_VECTORS[expression]


@pytest.mark.parametrize("bad", [
    "", "'A.member'", "OR()", "OR('A.member'", "OR('A.member',)", "XOR('A.member')",
    "OR('A.boss')", "OutOf('A.member', 'B.member')", "OutOf(4, 'A.member', 'B.member')",
    "OR(1, 'A.member')", "OR('A.member') extra",
])
def test_malformed_policies_are_refused(bad):
    with pytest.raises(PolicyError):
        parse_signature_policy(bad)


def test_lifecycle_validation_parameter_and_collections():
    parameter = policy_pb2.ApplicationPolicy.FromString(
        lifecycle.signature_policy("AND('A.member', 'B.member')"))
    assert shape(parameter.signature_policy.rule) == (2, [0, 1])
    reference = policy_pb2.ApplicationPolicy.FromString(
        lifecycle.channel_policy_reference("/Channel/Application/Endorsement"))
    assert reference.channel_config_policy_reference == "/Channel/Application/Endorsement"

    config = lifecycle.collection("private", "OR('A.member', 'B.member')", max_peer_count=2,
                                  member_only_read=True, endorsement_policy="AND('A.member')")
    static = config.static_collection_config
    assert (static.name, static.maximum_peer_count, static.required_peer_count) == ("private", 2, 0)
    assert static.member_only_read and not static.member_only_write
    assert shape(static.member_orgs_policy.signature_policy.rule) == (1, [0, 1])
    assert shape(static.endorsement_policy.signature_policy.rule) == (1, [0])
    assert not lifecycle.collection("c", "OR('A.member')").static_collection_config.HasField(
        "endorsement_policy")
