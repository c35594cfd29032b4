"""Issuing many budgets in one transaction (`issue_budgets`): the same budgets as one by one, all
or none, and a batch that contradicts itself or the ledger is refused naming what repeats."""
from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode.budgets.domain.activation import activation_digest, activation_secret
from grootboek.chaincode.budgets.domain.budget import MAX_GRANTS_PER_BATCH
from grootboek.chaincode.budgets.domain.errors import ErrorCode
from grootboek.chaincode.signing import public_key_pem

from .kindpakket import CLERK, OFFICER, SCHEME, TERMS, Kindpakket
from .scenario import NOW


def with_key(budget_id: str) -> dict:
    return {"budget_id": budget_id, "beneficiary": f"pseudo-{budget_id}",
            "holder_key": public_key_pem(ec.generate_private_key(ec.SECP256R1()))}


def with_letter(budget_id: str) -> dict:
    terms = {"digest": activation_digest(budget_id, activation_secret()),
             "expires_at": (NOW + timedelta(days=30)).isoformat()}
    return {"budget_id": budget_id, "beneficiary": f"pseudo-{budget_id}", "activation": terms}


@pytest.fixture
def world() -> Kindpakket:
    return Kindpakket().setup()


def test_a_batch_issues_what_one_by_one_would(world):
    grants = [with_key("b-1"), with_letter("b-2"), with_key("b-3")]
    issued = world.ok(OFFICER, "issue_budgets", SCHEME, grants)
    assert issued == {"scheme_id": SCHEME, "budget_ids": ["b-1", "b-2", "b-3"],
                      "granted": 3 * TERMS["amount_per_beneficiary"]}
    for grant in grants:
        assert world.balance(grant["budget_id"]) == TERMS["amount_per_beneficiary"]
    one_by_one = Kindpakket().setup()
    one_by_one.ok(OFFICER, "issue_budget", "b-1", SCHEME, "pseudo-b-1", grants[0]["holder_key"])
    def entries(of: Kindpakket) -> list[dict]:
        return [{k: v for k, v in entry.items() if k != "tx_id"} for entry in of.ok(OFFICER, "history", "b-1", 10)["items"]]
    assert entries(one_by_one) == entries(world)


@pytest.mark.parametrize("field", ["budget_id", "beneficiary"])
def test_a_batch_naming_a_budget_or_beneficiary_twice_is_refused_naming_it(world, field):
    first, second = with_key("b-1"), with_key("b-2")
    second[field] = first[field]
    message = world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "issue_budgets", SCHEME, [first, second])
    assert first[field] in message and "more than once" in message


def test_one_budget_already_on_the_ledger_refuses_the_whole_batch(world):
    world.ok(OFFICER, "issue_budgets", SCHEME, [with_key("b-2")])
    message = world.refused(ErrorCode.ALREADY_EXISTS, OFFICER, "issue_budgets", SCHEME,
                            [with_key("b-1"), with_key("b-2"), with_key("b-3")])
    assert "b-2" in message
    world.refused(ErrorCode.NOT_FOUND, OFFICER, "balance", "b-1")


def test_a_batch_has_a_size_and_an_officer(world):
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "issue_budgets", SCHEME, [])
    too_many = [{"budget_id": f"b-{n}", "beneficiary": f"p-{n}", "holder_key": "x"}
                for n in range(MAX_GRANTS_PER_BATCH + 1)]
    assert str(MAX_GRANTS_PER_BATCH) in world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "issue_budgets",
                                                      SCHEME, too_many)
    world.refused(ErrorCode.FORBIDDEN, CLERK, "issue_budgets", SCHEME, [with_key("b-1")])
