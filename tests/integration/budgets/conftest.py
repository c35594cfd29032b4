"""A network of its own with the budgets chaincode on channel kindpakket, as the lead fixed it:
endorsement by both organisations, the municipality-only collection `personal`, and two shops'
client identities in the merchants' organisation."""
from __future__ import annotations

import pytest
from fabric_protos.msp import identities_pb2

from grootboek.chaincode.shim import ClientIdentity
from grootboek.network.network import Network

BUDGETS = {
    "name": "budgets",
    "version": "1.0",
    "contract": "grootboek.chaincode.budgets:chaincode",
    "endorsement_policy": "AND('MunicipalityMSP.peer','MerchantsMSP.peer')",
    "collections": [{
        "name": "personal",
        "policy": "OR('MunicipalityMSP.member')",
        "required_peer_count": 0,
        "max_peer_count": 1,
        "member_only_read": True,
        "member_only_write": True,
        "endorsement_policy": "OR('MunicipalityMSP.peer')",
    }],
    "servers": {"Municipality": 1, "Merchants": 2},  # replaced by free ports
}
SHOPS = ("fietsenwinkel", "sportwinkel")


def with_budgets(data: dict) -> dict:
    """Adds what the consortium file does not declare (yet): the chaincode and the shops' users."""
    channel = next(c for c in data["channels"] if c["name"] == "kindpakket")
    if not any(cc["name"] == "budgets" for cc in channel.setdefault("chaincodes", [])):
        channel["chaincodes"].append(BUDGETS)
    merchants = next(o for o in data["organizations"] if o["msp_id"] == "MerchantsMSP")
    known = {user["name"] for user in merchants["users"]}
    merchants["users"] += [{"name": shop, "admin": False, "attributes": {}} for shop in SHOPS if shop not in known]
    return data


@pytest.fixture(scope="module")
def network(start_network, integration_consortium) -> Network:
    network = start_network(integration_consortium(with_budgets), "budgets")
    yield network
    network.down()


@pytest.fixture(scope="module")
def fabric_id(network):
    """`fabric_id(org, user)`: the user's identity as chaincode sees it (x509::subject::issuer)."""

    def fabric_id(org: str, user: str) -> str:
        msp = network.layout.crypto(org).user_dir(user) / "msp"
        pem = next((msp / "signcerts").iterdir()).read_bytes()
        creator = identities_pb2.SerializedIdentity(
            mspid=network.consortium.organization(org).msp_id, id_bytes=pem).SerializeToString()
        return ClientIdentity(creator).id

    return fabric_id
