"""Which policies guard an update, who satisfies them, and whether a new config carries an update."""
from __future__ import annotations

from fabric_protos.common import configtx_pb2

from grootboek.client.admin.signature_policy import parse_signature_policy
from grootboek.network.config.config_elements import differences, guarding_policies
from grootboek.network.config.config_policies import (
    PolicyEvaluator,
    Signer,
    choose_signers,
    policy_text,
    signature_policy_text,
    unsatisfied,
)
from grootboek.network.config.config_update import compute_update

from .channel_configs import admin, admins, config, copy, organization, signature


def batch_change() -> tuple[configtx_pb2.Config, configtx_pb2.ConfigUpdate]:
    original = config()
    updated = copy(original)
    updated.channel_group.groups["Orderer"].values["BatchSize"].value = b"10"
    return original, compute_update("ch", original, updated)


def new_organisation() -> tuple[configtx_pb2.Config, configtx_pb2.Config, configtx_pb2.ConfigUpdate]:
    original = config()
    updated = copy(original)
    updated.channel_group.groups["Application"].groups["Org4"].CopyFrom(organization("Org4"))
    return original, updated, compute_update("ch", original, updated)


def test_a_value_change_is_guarded_by_its_groups_admins():
    original, update = batch_change()
    assert guarding_policies(original, update) == {"/Channel/Orderer/Admins": ["value /Channel/Orderer/BatchSize"]}


def test_an_absolute_mod_policy_is_taken_as_it_is():
    original = config()
    updated = copy(original)
    updated.channel_group.groups["Orderer"].values["BatchTimeout"].value = b"1s"
    assert list(guarding_policies(original, compute_update("ch", original, updated))) == ["/Channel/Orderer/Admins"]


def test_a_change_inside_an_organisation_needs_only_that_organisations_admins():
    original = config()
    updated = copy(original)
    updated.channel_group.groups["Application"].groups["Org2"].values["AnchorPeers"].value = b"x"
    update = compute_update("ch", original, updated)
    assert list(guarding_policies(original, update)) == ["/Channel/Application/Org2/Admins"]
    assert choose_signers(original, update, admins("OrdererOrg", "Org1", "Org2", "Org3")) == admins("Org2")


def test_a_new_organisation_needs_the_application_admins_and_nothing_of_its_own():
    original, _, update = new_organisation()
    assert guarding_policies(original, update) == {"/Channel/Application/Admins": ["group /Channel/Application"]}


def test_majority_of_three_organisations_needs_two_admins():
    evaluator = PolicyEvaluator(config())
    path = "/Channel/Application/Admins"
    assert not evaluator.satisfied(path, admins("Org1"))
    assert evaluator.satisfied(path, admins("Org1", "Org3"))
    assert not evaluator.satisfied(path, [Signer("Org1MSP", "admin"), Signer("Org2MSP", "client")])
    assert not evaluator.satisfied(path, admins("Org1", "Org1"))  # one signer counts once
    assert not evaluator.satisfied("/Channel/Application/Nope", admins("Org1", "Org2", "Org3"))


def test_channel_admins_need_a_majority_of_both_application_and_orderer():
    evaluator = PolicyEvaluator(config())
    assert not evaluator.satisfied("/Channel/Admins", admins("Org1", "Org2", "Org3"))
    assert evaluator.satisfied("/Channel/Admins", admins("Org1", "Org2", "OrdererOrg"))


def test_a_signer_satisfies_one_principal_per_evaluation():
    original = config()
    group = original.channel_group.groups["Application"].groups["Org1"]
    group.policies["Twice"].policy.CopyFrom(signature("AND('Org1MSP.admin', 'Org1MSP.member')"))
    evaluator = PolicyEvaluator(original)
    assert not evaluator.satisfied("/Channel/Application/Org1/Twice", admins("Org1"))
    assert evaluator.satisfied("/Channel/Application/Org1/Twice",
                               [Signer("Org1MSP", "admin"), Signer("Org1MSP", "client")])


def test_choose_signers_picks_the_fewest_in_the_given_order_or_none():
    original, update = batch_change()
    candidates = admins("Org1", "Org2", "OrdererOrg")
    assert choose_signers(original, update, candidates) == admins("OrdererOrg")
    _, _, add = new_organisation()
    assert choose_signers(original, add, candidates) == admins("Org1", "Org2")
    assert choose_signers(original, add, admins("Org1", "OrdererOrg")) is None


def test_unsatisfied_names_each_policy_with_its_rule():
    original, _, update = new_organisation()
    assert unsatisfied(original, update, admins("Org1")) == [
        "/Channel/Application/Admins (MAJORITY Admins of Org1, Org2, Org3)"]
    assert unsatisfied(original, update, admins("Org1", "Org2")) == []


def test_a_signers_role_is_its_certificates_node_ou():
    assert Signer.from_creator(admin("Org1").creator) == Signer("Org1MSP", "admin")
    assert Signer.from_creator(admin("Org2", "client").creator) == Signer("Org2MSP", "client")


def test_policies_read_back_in_the_policy_language():
    for text in ("OR('A.admin')", "AND('A.peer', 'B.peer')", "OutOf(2, 'A.peer', 'B.peer', 'C.member')",
                 "OR('A.member', AND('B.client', 'C.orderer'))"):
        assert signature_policy_text(parse_signature_policy(text)) == text
    assert policy_text(config().channel_group.policies["Admins"].policy) == "MAJORITY Admins"


def test_differences_show_whether_a_config_carries_an_update():
    original, updated, update = new_organisation()
    applied = copy(updated)
    applied.channel_group.groups["Application"].version += 1
    assert differences(update, applied) == []
    problems = differences(update, original)
    assert problems[0] == "group /Channel/Application is at version 3, not 4"
    assert {"group /Channel/Application/Org4 is missing", "value /Channel/Application/Org4/MSP is missing",
            "policy /Channel/Application/Org4/Admins is missing"} <= set(problems[1:])
    tampered = copy(applied)
    tampered.channel_group.groups["Application"].groups["Org4"].values["MSP"].value = b"other"
    assert differences(update, tampered) == ["value /Channel/Application/Org4/MSP differs from the update"]
    removed_too = copy(applied)
    del removed_too.channel_group.groups["Application"].groups["Org1"]
    assert differences(update, removed_too) == ["group /Channel/Application differs from the update"]
