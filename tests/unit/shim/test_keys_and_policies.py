"""Composite keys and key-level endorsement policies, byte-exact with Fabric's encodings."""
from __future__ import annotations

import pytest
from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2

from grootboek.chaincode.shim import KeyEndorsementPolicy, Role, ShimError
from grootboek.chaincode.shim import composite


def test_composite_keys_round_trip_in_fabrics_encoding():
    key = composite.create_composite_key("parcel", ["Haren", "A", "1234"])
    assert key == "\x00parcel\x00Haren\x00A\x001234\x00"
    assert composite.split_composite_key(key) == ("parcel", ["Haren", "A", "1234"])
    assert composite.split_composite_key(composite.create_composite_key("t", [])) == ("t", [])


def test_partial_key_range_covers_exactly_the_extensions():
    start, end = composite.partial_key_range("parcel", ["Haren"])
    inside = composite.create_composite_key("parcel", ["Haren", "B"])
    outside = composite.create_composite_key("parcel", ["Harenermolen"])
    assert start <= inside < end
    assert not start <= outside < end


@pytest.mark.parametrize("bad", ["a\x00b", "z\U0010ffff"])
def test_reserved_characters_are_refused(bad):
    with pytest.raises(ShimError):
        composite.create_composite_key("t", [bad])


def test_simple_ranges_refuse_the_composite_namespace_and_substitute_empty_start():
    assert composite.simple_key_range("", "") == ("\x01", "")
    with pytest.raises(ShimError):
        composite.simple_key_range("\x00x", "")


def test_policy_is_an_and_of_sorted_role_principals():
    policy = KeyEndorsementPolicy()
    policy.add_orgs("peer", "RegistryMSP", "MunicipalityMSP")
    policy.add_orgs(Role.ADMIN, "MerchantsMSP")
    envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policy.policy())
    principals = [msp_principal_pb2.MSPRole.FromString(i.principal) for i in envelope.identities]
    assert [(p.msp_identifier, p.role) for p in principals] == [
        ("MerchantsMSP", msp_principal_pb2.MSPRole.ADMIN),
        ("MunicipalityMSP", msp_principal_pb2.MSPRole.PEER),
        ("RegistryMSP", msp_principal_pb2.MSPRole.PEER),
    ]
    assert envelope.rule.n_out_of.n == 3
    assert [r.signed_by for r in envelope.rule.n_out_of.rules] == [0, 1, 2]


def test_policy_round_trips_and_edits():
    policy = KeyEndorsementPolicy()
    policy.add_orgs("member", "B", "A")
    loaded = KeyEndorsementPolicy(policy.policy())
    assert loaded.list_orgs() == ["A", "B"] and loaded.role_of("A") is Role.MEMBER
    loaded.del_orgs("A")
    assert KeyEndorsementPolicy(loaded.policy()).list_orgs() == ["B"]
    with pytest.raises(ShimError, match="unknown role"):
        loaded.add_orgs("owner", "C")
