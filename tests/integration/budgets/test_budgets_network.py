"""The budgets chaincode on real Fabric peers: both organisations endorse, personal data stays
with the municipality, refusals arrive as "CODE: message", and MVCC keeps one budget from being
spent twice."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode.budgets.domain.holder_codes import payment_code, query_token
from grootboek.chaincode.signing import public_key_pem
from grootboek.client.errors import CommitError, EndorseError, EvaluateError
from grootboek.client.retry import RetryPolicy, submit_with_retry

pytestmark = pytest.mark.integration

CHANNEL, SCHEME = "kindpakket", "kindpakket-it"
PERSONAL = {"name": "J. de Vries", "bsn": "111222333", "address": "Hoofdstraat 1, 9801 AA Zuidhorn"}


class Party:
    """One user's view of the budgets contract. A submit returns once every peer of the channel
    has the block, so the next step may run through any organisation's peer."""

    def __init__(self, contract, synced) -> None:
        self.contract = contract
        self.synced = synced

    def submit(self, function: str, *args: object, **options) -> dict | None:
        submitted = self.contract.submit_async(function, [_arg(a) for a in args], **options)
        status = submitted.status().check()
        self.synced(status.block_number)
        return json.loads(submitted.result) if submitted.result else None

    def evaluate(self, function: str, *args: object, **options) -> dict:
        return json.loads(self.contract.evaluate(function, [_arg(a) for a in args], **options))

    def endorse(self, function: str, *args: object, **options):
        return self.contract.new_proposal(function, [_arg(a) for a in args], **options).endorse()


def _arg(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@pytest.fixture(scope="module")
def parties(network, connect_as, fabric_id, wait_synced):
    with ExitStack() as stack:
        def party(org: str, user: str) -> Party:
            gateway = stack.enter_context(connect_as(network, org, user))
            return Party(gateway.network(CHANNEL).contract("budgets", "Budgets"),
                         lambda block: wait_synced(network, CHANNEL, block))

        cast = {
            "officer": party("Municipality", "officer"),
            "registrar": party("Merchants", "registrar"),
            "bike": party("Merchants", "fietsenwinkel"),
            "sports": party("Merchants", "sportwinkel"),
        }
        now = datetime.now(timezone.utc)
        terms = {"name": "Kindpakket (integration)", "starts_at": (now - timedelta(days=1)).isoformat(),
                 "ends_at": (now + timedelta(days=30)).isoformat(), "amount_per_beneficiary": 25_000,
                 "categories": ["bicycles", "sports"], "max_per_payment": 20_000}
        cast["officer"].submit("create_scheme", SCHEME, terms)
        cast["officer"].submit("open_scheme", SCHEME)
        for merchant_id, user, categories in (("fietsenwinkel", "fietsenwinkel", ["bicycles"]),
                                              ("sportwinkel", "sportwinkel", ["sports"])):
            cast["registrar"].submit("register_merchant", merchant_id, {
                "kvk": "12345678", "name": merchant_id, "categories": categories,
                "identity": fabric_id("Merchants", user)})
            cast["officer"].submit("admit_merchant", SCHEME, merchant_id)
        yield cast


class Holder:
    """A parent's app: the budget's key, making codes and query tokens."""

    def __init__(self, officer: Party, budget_id: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.budget_id = budget_id
        officer.submit("issue_budget", budget_id, SCHEME, f"pseudo-{budget_id}", public_key_pem(self.key))

    def code(self) -> str:
        return payment_code(self.key, self.budget_id, datetime.now(timezone.utc) + timedelta(minutes=5))

    def token(self) -> str:
        return query_token(self.key, self.budget_id, datetime.now(timezone.utc) + timedelta(minutes=5))


def test_pay_refund_settle_on_real_peers_with_events(network, connect_as, parties):
    officer, bike = parties["officer"], parties["bike"]
    holder = Holder(officer, "it-story")
    proposal = bike.contract.new_proposal("pay", [holder.budget_id, "4500", "bicycles", holder.code()])
    submitted = proposal.endorse().submit()
    status = submitted.status().check()
    bike.synced(status.block_number)
    payment = json.loads(submitted.result)
    assert (payment["id"], payment["amount"]) == (proposal.transaction_id, 4_500)

    with connect_as(network, "Merchants", "fietsenwinkel") as gateway:
        with gateway.network(CHANNEL).chaincode_events("budgets", start_block=status.block_number) as events:
            event = next(e for e in events if e.transaction_id == proposal.transaction_id)
    assert event.event_name == "PaymentMade"
    assert json.loads(event.payload)["merchant_id"] == "fietsenwinkel"

    assert bike.evaluate("balance", holder.budget_id, holder.token())["balance"] == 20_500
    assert bike.submit("refund", payment["id"], "1500")["refunded"] == 1_500
    settlement = officer.submit("settle", SCHEME, "fietsenwinkel", "NL-IT-0001")
    assert settlement["quantity"] == 3_000
    assert bike.submit("confirm_settlement", settlement["id"])["status"] == "confirmed"
    history = officer.evaluate("history", holder.budget_id, "10")
    assert [entry["kind"] for entry in history["items"]] == ["issued", "paid", "refunded"]


def test_refusals_arrive_as_code_and_message(parties):
    officer, bike = parties["officer"], parties["bike"]
    holder = Holder(officer, "it-refusals")
    code = holder.code()
    bike.submit("pay", holder.budget_id, "1000", "bicycles", code)
    with pytest.raises(EndorseError) as replayed:
        bike.submit("pay", holder.budget_id, "1000", "bicycles", code)
    assert "CODE_REPLAYED: this payment code was already used" in str(replayed.value)
    with pytest.raises(EndorseError) as liquor:
        bike.submit("pay", holder.budget_id, "1000", "liquor", holder.code())
    assert "CATEGORY_NOT_ALLOWED: " in str(liquor.value)
    with pytest.raises(EvaluateError) as forbidden:
        bike.evaluate("balance", holder.budget_id)
    assert "FORBIDDEN: " in str(forbidden.value)
    assert officer.evaluate("balance", holder.budget_id)["balance"] == 24_000


def test_personal_data_stays_with_the_municipality(parties):
    officer = parties["officer"]
    holder = Holder(officer, "it-personal")
    municipality_only = {"endorsing_organizations": ["MunicipalityMSP"]}
    officer.submit("record_personal_data", holder.budget_id,
                   transient={"personal": json.dumps(PERSONAL)}, **municipality_only)
    assert officer.evaluate("read_personal_data", holder.budget_id, **municipality_only) == PERSONAL
    with pytest.raises(EvaluateError):  # the merchants' peer holds no copy
        officer.evaluate("read_personal_data", holder.budget_id, endorsing_organizations=["MerchantsMSP"])
    officer.submit("purge_personal_data", holder.budget_id, **municipality_only)
    with pytest.raises(EvaluateError) as purged:
        officer.evaluate("read_personal_data", holder.budget_id, **municipality_only)
    assert "NOT_FOUND: " in str(purged.value)
    assert officer.evaluate("balance", holder.budget_id)["balance"] == 25_000


def test_payments_need_both_organisations(parties):
    officer, bike = parties["officer"], parties["bike"]
    holder = Holder(officer, "it-policy")
    transaction = bike.endorse("pay", holder.budget_id, "1000", "bicycles", holder.code(),
                               endorsing_organizations=["MerchantsMSP"])
    with pytest.raises(CommitError) as invalid:
        transaction.submit().status().check()
    assert invalid.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
    assert officer.evaluate("balance", holder.budget_id)["balance"] == 25_000


def test_two_payments_on_one_budget_cannot_both_commit(parties):
    officer, bike, sports = parties["officer"], parties["bike"], parties["sports"]
    holder = Holder(officer, "it-race")
    # Both endorsed on the same state, as two tills scanning at the same moment.
    first = bike.endorse("pay", holder.budget_id, "15000", "bicycles", holder.code())
    late_code = holder.code()
    second = sports.endorse("pay", holder.budget_id, "15000", "sports", late_code)
    committed = first.submit().status()
    assert committed.code_name == "VALID"
    assert second.submit().status().code_name == "MVCC_READ_CONFLICT"
    sports.synced(committed.block_number)
    assert officer.evaluate("balance", holder.budget_id)["balance"] == 10_000
    # The conflicting payment wrote nothing, its code included: a retry is judged on the new balance.
    with pytest.raises(EndorseError) as retry:
        sports.submit("pay", holder.budget_id, "15000", "sports", late_code)
    assert "INSUFFICIENT_BALANCE: " in str(retry.value)
    assert sports.submit("pay", holder.budget_id, "10000", "sports", late_code)["amount"] == 10_000


def test_payments_at_one_shop_on_different_budgets_all_commit(parties):
    officer, bike = parties["officer"], parties["bike"]
    holders = [Holder(officer, f"it-parallel-{n}") for n in range(4)]
    endorsed = [bike.endorse("pay", h.budget_id, "1000", "bicycles", h.code()) for h in holders]
    statuses = [tx.submit().status() for tx in endorsed]
    assert [s.code_name for s in statuses] == ["VALID"] * 4
    officer.synced(max(s.block_number for s in statuses))
    assert {officer.evaluate("balance", h.budget_id)["balance"] for h in holders} == {24_000}


def test_twenty_concurrent_payments_never_overspend_a_budget(network, parties):
    """Twenty tills pay on one budget at once; conflicting payments fail cleanly (MVCC) and are
    retried with the same code. Exactly what the balance allows is paid; the rest is refused."""
    officer, bike = parties["officer"], parties["bike"]
    holder = Holder(officer, "it-twenty")  # 25 000 cents
    codes = [holder.code() for _ in range(20)]
    policy = RetryPolicy(attempts=30, max_backoff=0.5)

    def pay(code: str) -> str:
        try:
            submit_with_retry(bike.contract, "pay", [holder.budget_id, "2000", "bicycles", code], policy=policy)
            return "paid"
        except EndorseError as refused:
            assert "INSUFFICIENT_BALANCE: " in str(refused), refused
            return "refused"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(pay, codes))
    assert outcomes.count("paid") == 12 and outcomes.count("refused") == 8
    merchants_peer = network.layout.peers(network.consortium.organization("Merchants"))[0]
    height = network.peer_operations(merchants_peer).metric("ledger_blockchain_height", channel=CHANNEL)
    officer.synced(int(height) - 1)  # the payments committed there; the municipality reads next
    assert officer.evaluate("balance", holder.budget_id)["balance"] == 25_000 - 12 * 2_000
    history = officer.evaluate("history", holder.budget_id, "50")["items"]
    assert sum(e["amount"] for e in history if e["kind"] == "paid") == 24_000
