import re

import pytest
from fabric_protos.msp import msp_principal_pb2

from grootboek.network.policy import PolicyError, parse


def principals(envelope):
    out = []
    for identity in envelope.identities:
        role = msp_principal_pb2.MSPRole.FromString(identity.principal)
        out.append((role.msp_identifier, msp_principal_pb2.MSPRole.MSPRoleType.Name(role.role)))
    return out


def test_and_or_and_out_of():
    envelope = parse("AND('MunicipalityMSP.peer', \"MerchantsMSP.peer\")")
    assert principals(envelope) == [("MunicipalityMSP", "PEER"), ("MerchantsMSP", "PEER")]
    assert envelope.rule.n_out_of.n == 2
    assert [r.signed_by for r in envelope.rule.n_out_of.rules] == [0, 1]

    envelope = parse("OR('RegistryMSP.member')")
    assert envelope.rule.n_out_of.n == 1 and principals(envelope) == [("RegistryMSP", "MEMBER")]

    envelope = parse("OutOf(2, 'A.peer', OR('B.admin', 'A.peer'), 'C.client')")
    assert envelope.rule.n_out_of.n == 2
    assert principals(envelope) == [("A", "PEER"), ("B", "ADMIN"), ("C", "CLIENT")]  # deduplicated
    assert envelope.rule.n_out_of.rules[1].n_out_of.rules[1].signed_by == 0


@pytest.mark.parametrize("text, message", [
    ("AND('A.peer'", "expected 'close'"),
    ("AND('A.boss')", "not 'MSPID.role'"),
    ("OutOf(3, 'A.peer', 'B.peer')", "OutOf(3) over 2 rules"),
    ("OR('A.peer') 'B.peer'", "after the policy"),
    ("XOR('A.peer')", "cannot read"),
    ("", "ends too early"),
])
def test_errors_say_what_is_wrong(text, message):
    with pytest.raises(PolicyError, match=re.escape(message)):
        parse(text)
