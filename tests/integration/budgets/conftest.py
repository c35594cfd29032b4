"""A network of its own with the consortium's budgets chaincode on channel kindpakket (endorsed by
both organisations, the municipality-only collection `personal`), plus two shops' client identities
in the merchants' organisation."""
from __future__ import annotations

import pytest
from fabric_protos.msp import identities_pb2

from grootboek.chaincode.shim import ClientIdentity
from grootboek.network.nodes.network import Network

SHOPS = ("fietsenwinkel", "sportwinkel")


def with_shops(data: dict) -> dict:
    merchants = next(o for o in data["organizations"] if o["msp_id"] == "MerchantsMSP")
    known = {user["name"] for user in merchants["users"]}
    merchants["users"] += [{"name": shop, "admin": False, "attributes": {}} for shop in SHOPS if shop not in known]
    return data


@pytest.fixture(scope="module")
def network(start_network, integration_consortium) -> Network:
    network = start_network(integration_consortium(with_shops), "budgets")
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
