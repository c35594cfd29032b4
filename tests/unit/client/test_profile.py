import json

import grpc
import pytest
import yaml

from grootboek.client.endpoint import Endpoint
from grootboek.client.errors import EvaluateError
from grootboek.client.identity import PrivateKeySigner, X509Identity
from grootboek.client.profile import ConnectionProfile, connect_with_profile

from .conftest import budget_chaincode
from .credentials import issue
from .fake_fabric import FakeFabric

PEER_HOST = "peer0.org1.example.com"


def profile_doc(url: str, tls_pem: str) -> dict:
    """Shaped like the profiles our network tooling writes."""
    return {
        "name": "grootboek-org1", "version": "1.0.0",
        "client": {"organization": "Org1", "connection": {"timeout": {"peer": {"endorser": "30"}}}},
        "organizations": {"Org1": {"mspid": "Org1MSP", "peers": [PEER_HOST],
                                   "certificateAuthorities": ["ca.org1.example.com"]}},
        "peers": {PEER_HOST: {"url": url, "tlsCACerts": {"pem": tls_pem},
                              "grpcOptions": {"ssl-target-name-override": PEER_HOST,
                                              "hostnameOverride": PEER_HOST}}},
        "certificateAuthorities": {"ca.org1.example.com": {"url": "https://127.0.0.1:7054",
                                                           "tlsCACerts": {"pem": [tls_pem]}}},
    }


@pytest.fixture
def tls_fabric():
    server = issue("Org1MSP", PEER_HOST, san=PEER_HOST)
    credentials = grpc.ssl_server_credentials([(server.key_pem, server.certificate_pem)])
    fake = FakeFabric({"budgets": budget_chaincode()}, server_credentials=credentials)
    yield fake, server
    fake.stop()


def test_reads_organisation_peers_and_endpoints_from_json(tmp_path):
    path = tmp_path / "Org1.json"
    path.write_text(json.dumps(profile_doc("grpcs://127.0.0.1:7051", "PEM")))
    profile = ConnectionProfile.load(path)
    assert profile.organization == "Org1"
    assert profile.msp_id() == "Org1MSP"
    assert profile.peers() == [PEER_HOST]
    assert profile.peer_endpoint(PEER_HOST) == Endpoint("127.0.0.1:7051", b"PEM", PEER_HOST)


def test_yaml_profile_with_a_relative_tls_certificate_path_and_orderers(tmp_path):
    (tmp_path / "tls").mkdir()
    (tmp_path / "tls" / "ca.pem").write_bytes(b"CA PEM")
    doc = profile_doc("grpcs://127.0.0.1:7051", "unused")
    doc["peers"][PEER_HOST]["tlsCACerts"] = {"path": "tls/ca.pem"}
    doc["orderers"] = {"orderer0": {"url": "grpc://127.0.0.1:7050"}}
    (tmp_path / "org1.yaml").write_text(yaml.safe_dump(doc))
    profile = ConnectionProfile.load(tmp_path / "org1.yaml")
    assert profile.peer_endpoint(PEER_HOST).tls_root_certs == b"CA PEM"
    assert profile.orderers() == ["orderer0"]
    assert profile.orderer_endpoint("orderer0") == Endpoint("127.0.0.1:7050")


def test_missing_entries_are_reported_by_name(tmp_path):
    profile = ConnectionProfile(profile_doc("grpcs://127.0.0.1:1", "PEM"))
    with pytest.raises(ValueError, match="no peer 'peer9'"):
        profile.peer_endpoint("peer9")
    with pytest.raises(ValueError, match="no organization 'Org9'"):
        profile.msp_id("Org9")
    with pytest.raises(ValueError, match="client.organization"):
        _ = ConnectionProfile({}).organization


def test_connect_with_profile_over_tls_with_name_override(tls_fabric, tmp_path):
    fabric, server = tls_fabric
    path = tmp_path / "Org1.json"
    path.write_text(json.dumps(profile_doc(f"grpcs://{fabric.address}",
                                           server.certificate_pem.decode())))
    identity = X509Identity(fabric.user.msp_id, fabric.user.certificate_pem)
    with connect_with_profile(path, identity, PrivateKeySigner(fabric.user.key)) as gateway:
        contract = gateway.network("mychannel").contract("budgets", "Budget")
        assert contract.evaluate("Get", ["alice"]) == b"100"


def test_tls_fails_against_an_untrusted_server(tls_fabric):
    fabric, _ = tls_fabric
    stranger = issue("Org1MSP", PEER_HOST, san=PEER_HOST)
    identity = X509Identity(fabric.user.msp_id, fabric.user.certificate_pem)
    profile = ConnectionProfile(profile_doc(f"grpcs://{fabric.address}",
                                            stranger.certificate_pem.decode()))
    with connect_with_profile(profile, identity, PrivateKeySigner(fabric.user.key)) as gateway:
        with pytest.raises(EvaluateError) as caught:
            gateway.network("mychannel").contract("budgets", "Budget").evaluate("Get", ["alice"],
                                                                                timeout=5)
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE
