"""Bad consortium files are rejected before anything starts, naming the field or port."""
import socket

import pytest
import yaml

from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.consortium import ConsortiumError


@pytest.fixture
def data() -> dict:
    return yaml.safe_load(consortium_file.DEFAULT_FILE.read_text())


def error_of(data: dict) -> str:
    with pytest.raises(ConsortiumError) as caught:
        consortium_file.parse(data)
    return str(caught.value)


def test_default_file_is_valid_and_has_the_agreed_topology():
    consortium = consortium_file.load()
    assert [o.name for o in consortium.orderer_organization.orderers] == ["orderer0", "orderer1", "orderer2"]
    assert [o.name for o in consortium.organizations] == ["Municipality", "Registry", "Merchants"]
    assert {c.name: c.organizations for c in consortium.channels} == {
        "kindpakket": ["Municipality", "Merchants"], "kadaster": ["Registry", "Municipality"]}


def test_missing_field_is_named(data):
    del data["organizations"][1]["peers"][0]["operations_port"]
    assert error_of(data) == "consortium: organizations[1].peers[0].operations_port: missing"


def test_unknown_field_is_named(data):
    data["organizations"][0]["peers"][0]["prot"] = 1
    assert "organizations[0].peers[0].prot: unknown field" in error_of(data)


def test_duplicate_port_names_both_fields(data):
    data["organizations"][2]["ca"]["port"] = data["orderer_organization"]["orderers"][1]["admin_port"]
    assert error_of(data) == (
        "consortium: duplicate port 7153: orderer_organization.orderers[1].admin_port and organizations[2].ca.port")


def test_unknown_organisation_in_channel(data):
    data["channels"][1]["organizations"].append("Belastingdienst")
    assert "channels[1].organizations[2]: unknown organisation 'Belastingdienst'" in error_of(data)


def test_unknown_orderer_in_channel(data):
    data["channels"][0]["orderers"] = ["orderer0", "orderer9"]
    assert "channels[0].orderers[1]: unknown orderer 'orderer9'" in error_of(data)


def test_chaincode_needs_a_server_per_channel_organisation(data):
    data["channels"][0]["chaincodes"] = [
        {"name": "budgets", "contract": "grootboek.chaincode.budgets:chaincode", "servers": {"Municipality": 7060}}]
    assert "channels[0].chaincodes[0].servers: no chaincode server port for Merchants" in error_of(data)


def test_out_of_range_port_and_bad_duration(data):
    data["orderer_organization"]["orderers"][0]["port"] = 70000
    data["orderer_organization"]["batch"]["timeout"] = "soon"
    message = error_of(data)
    assert "orderer_organization.orderers[0].port" in message
    assert "orderer_organization.batch.timeout: must be a duration" in message


def test_port_in_use_is_reported_with_its_field():
    consortium = consortium_file.with_free_ports(consortium_file.load())
    where, port = next(consortium.ports())
    with socket.socket() as busy:
        busy.bind((consortium.host, port))
        busy.listen()
        assert consortium.ports_in_use() == [f"port {port} ({where}) is already in use on 127.0.0.1"]


def test_free_port_copy_keeps_everything_but_the_ports():
    original = consortium_file.load()
    copy = consortium_file.with_free_ports(original)
    assert [p for _, p in copy.ports()] != [p for _, p in original.ports()]
    assert len({p for _, p in copy.ports()}) == len(list(copy.ports()))
    assert [o.msp_id for o in copy.organizations] == [o.msp_id for o in original.organizations]


def test_unreadable_and_invalid_yaml(tmp_path):
    with pytest.raises(ConsortiumError, match="cannot read consortium file"):
        consortium_file.load(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed")
    with pytest.raises(ConsortiumError, match="not valid YAML"):
        consortium_file.load(bad)


MEMBERS_ORDER = consortium_file.DEFAULT_FILE.with_name("consortium.ordered-by-members.yaml")


def test_the_members_file_has_each_member_run_one_consenter_and_the_same_channels():
    members, default = consortium_file.load(MEMBERS_ORDER), consortium_file.load()
    assert members.orderer_organization is None
    assert {o.name: members.orderer_owner(o.name).name for o in members.orderers} == {
        "orderer0": "Municipality", "orderer1": "Registry", "orderer2": "Merchants"}
    assert members.member_names == ["Municipality", "Registry", "Merchants"]
    assert members.ordering_batch == default.ordering_batch
    assert members.channels == default.channels
    assert [o.model_dump(exclude={"orderers"}) for o in members.organizations] == \
        [o.model_dump(exclude={"orderers"}) for o in default.organizations]


def test_one_way_of_ordering_is_chosen():
    data = yaml.safe_load(MEMBERS_ORDER.read_text())
    for org in data["organizations"]:
        org["orderers"] = []
    assert "no orderers: give an orderer_organization, or orderers to the organisations that order" in error_of(data)
    both = yaml.safe_load(MEMBERS_ORDER.read_text())
    both["orderer_organization"] = yaml.safe_load(consortium_file.DEFAULT_FILE.read_text())["orderer_organization"]
    both["orderer_organization"]["orderers"] = [{"name": "orderer9", "port": 6050, "admin_port": 6053,
                                                 "operations_port": 6443}]
    del both["batch"]
    assert "organizations Municipality, Registry, Merchants have orderers besides the orderer_organization" \
        in error_of(both)


def test_the_batch_of_an_orderer_organisation_lives_with_it(data):
    data["batch"] = {"timeout": "1s"}
    assert "batch: set it in orderer_organization.batch" in error_of(data)
