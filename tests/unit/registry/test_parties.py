from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode import signing
from grootboek.chaincode.registry.domain.errors import ErrorCode
from grootboek.chaincode.registry.domain.party import PartyDetails

from .desk import OFFICER, REGISTRY_CLERK, START, refused

DETAILS = PartyDetails(name="Jan Jansen", address="Markt 1, Groningen", bsn="111222333")


def test_a_party_is_a_pseudonymous_id_and_a_public_key(desk):
    pem = signing.public_key_pem(ec.generate_private_key(ec.SECP256R1()))
    party = desk.parties().register(pem)
    assert party.id == f"pty_{1:064x}" and party.public_key == pem and party.registered_at == START
    assert desk.queries(OFFICER).party(party.id) == party


def test_only_registrars_register_parties_with_p256_keys(desk):
    pem = signing.public_key_pem(ec.generate_private_key(ec.SECP256R1()))
    for caller in (OFFICER, REGISTRY_CLERK):
        with refused(ErrorCode.NOT_REGISTRY):
            desk.parties(caller).register(pem)
    with refused(ErrorCode.INVALID_ARGUMENT):
        desk.parties().register(signing.public_key_pem(ec.generate_private_key(ec.SECP384R1())))
    with refused(ErrorCode.NOT_FOUND):
        desk.queries().party("pty_unknown")


def test_personal_details_are_written_privately_and_nothing_public(desk):
    holder = desk.new_party()
    public_before = dict(desk.records.state)
    assert desk.parties().set_details(holder.id, DETAILS) is None  # a response would land on the ledger
    assert desk.records.state == public_before
    assert desk.parties().details(holder.id) == DETAILS
    with refused(ErrorCode.NOT_REGISTRY):
        desk.parties(OFFICER).details(holder.id)
    with refused(ErrorCode.NOT_FOUND):
        desk.parties().set_details("pty_unknown", DETAILS)


def test_purging_personal_details_leaves_the_party_and_its_parcels(desk):
    holder = desk.new_party()
    desk.new_parcel([holder.share("1/1")])
    desk.parties().set_details(holder.id, DETAILS)
    desk.parties().purge_details(holder.id)
    with refused(ErrorCode.NOT_FOUND):
        desk.parties().details(holder.id)
    assert desk.queries().party(holder.id).id == holder.id
    assert desk.queries().parcel("GNG00-K-1").ownership.owners[0].party == holder.id
    with refused(ErrorCode.NOT_FOUND):
        desk.parties().purge_details(holder.id)
