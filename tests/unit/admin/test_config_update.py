"""Config update computation: read and write sets, versions bumped exactly where Fabric expects."""
from __future__ import annotations

import pytest
from fabric_protos.common import configtx_pb2

from grootboek.network.config.config_update import NoChanges, compute_update

from .channel_configs import config, copy, organization


def test_an_unchanged_config_is_refused():
    with pytest.raises(NoChanges, match="kindpakket"):
        compute_update("kindpakket", config(), config())


def test_a_changed_value_is_written_at_its_next_version_and_its_groups_keep_theirs():
    original = config()
    updated = copy(original)
    updated.channel_group.groups["Orderer"].values["BatchSize"].value = b"changed"

    update = compute_update("ch", original, updated)

    assert update.channel_id == "ch"
    write, read = update.write_set, update.read_set
    assert (write.version, read.version) == (2, 2)
    assert list(write.groups) == ["Orderer"] and list(read.groups) == ["Orderer"]
    orderer_write, orderer_read = write.groups["Orderer"], read.groups["Orderer"]
    assert (orderer_write.version, orderer_read.version) == (1, 1)
    assert orderer_write.mod_policy == ""  # not bumped: its own mod_policy is not part of the update
    assert dict(orderer_write.values) == {"BatchSize": configtx_pb2.ConfigValue(
        version=5, mod_policy="Admins", value=b"changed")}
    assert not orderer_read.values and not orderer_write.policies and not orderer_write.groups


def test_a_changed_mod_policy_alone_is_a_change():
    original = config()
    updated = copy(original)
    updated.channel_group.groups["Orderer"].values["BatchSize"].mod_policy = "/Channel/Admins"
    written = compute_update("ch", original, updated).write_set.groups["Orderer"].values["BatchSize"]
    assert (written.version, written.mod_policy) == (5, "/Channel/Admins")
    assert written.value == original.channel_group.groups["Orderer"].values["BatchSize"].value


def test_a_new_organisation_bumps_its_parent_and_pins_every_sibling():
    original = config()
    updated = copy(original)
    new = organization("Org4", version=9)
    new.values["MSP"].version = 6  # whatever the source says, a new element starts at 0
    updated.channel_group.groups["Application"].groups["Org4"].CopyFrom(new)

    update = compute_update("ch", original, updated)

    application_write = update.write_set.groups["Application"]
    application_read = update.read_set.groups["Application"]
    assert (application_write.version, application_read.version) == (4, 3)
    assert application_write.mod_policy == "Admins"
    assert sorted(application_write.groups) == ["Org1", "Org2", "Org3", "Org4"]
    assert sorted(application_read.groups) == ["Org1", "Org2", "Org3"]
    for name, version in (("Org1", 0), ("Org2", 1), ("Org3", 2)):
        pinned = configtx_pb2.ConfigGroup(version=version)  # version only: unchanged
        assert application_write.groups[name] == pinned and application_read.groups[name] == pinned
    # The group's own policies and values are pinned too, by version.
    assert application_write.policies["Admins"] == configtx_pb2.ConfigPolicy(version=0)
    written = application_write.groups["Org4"]
    assert (written.version, written.mod_policy) == (0, "Admins")
    assert {v.version for v in written.values.values()} | {p.version for p in written.policies.values()} == {0}
    assert written.values["MSP"].value == new.values["MSP"].value
    assert written.policies["Admins"].policy == new.policies["Admins"].policy


def test_a_removed_organisation_is_absent_from_the_bumped_parent():
    original = config()
    updated = copy(original)
    del updated.channel_group.groups["Application"].groups["Org2"]

    update = compute_update("ch", original, updated)

    application_write = update.write_set.groups["Application"]
    assert application_write.version == 4
    assert sorted(application_write.groups) == ["Org1", "Org3"]
    assert sorted(update.read_set.groups["Application"].groups) == ["Org1", "Org3"]
    assert "Orderer" not in update.write_set.groups


def test_a_change_deep_inside_one_organisation_passes_through_unbumped_groups():
    original = config()
    updated = copy(original)
    updated.channel_group.groups["Application"].groups["Org3"].values["AnchorPeers"].value = b"changed"

    update = compute_update("ch", original, updated)

    org3 = update.write_set.groups["Application"].groups["Org3"]
    assert update.write_set.groups["Application"].version == 3
    assert list(update.write_set.groups["Application"].groups) == ["Org3"]
    assert org3.version == 2 and list(org3.values) == ["AnchorPeers"]
    assert org3.values["AnchorPeers"].version == 3  # the organisation was built at version 2


def test_a_changed_group_mod_policy_bumps_the_group():
    original = config()
    updated = copy(original)
    updated.channel_group.groups["Orderer"].mod_policy = "/Channel/Admins"
    orderer = compute_update("ch", original, updated).write_set.groups["Orderer"]
    assert (orderer.version, orderer.mod_policy) == (2, "/Channel/Admins")
    assert set(orderer.values) == {"BatchSize", "BatchTimeout", "ConsensusType"}  # pinned by version
    assert orderer.values["BatchSize"] == configtx_pb2.ConfigValue(version=4)
