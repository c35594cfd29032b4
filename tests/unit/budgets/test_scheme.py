from datetime import timedelta

import pytest

from grootboek.chaincode.budgets.domain.errors import BudgetError, ErrorCode
from grootboek.chaincode.budgets.domain.fields import parse
from grootboek.chaincode.budgets.domain.scheme import Scheme, SchemeStatus, SchemeTerms
from grootboek.chaincode.budgets.domain.units import Unit

from .refusals import refused
from .scenario import CLERK, END, FAKE_OFFICER, NOW, OFFICER, REGISTRAR, START, draft_scheme, open_scheme, terms, tx


def test_an_officer_creates_a_draft_owned_by_their_municipality():
    scheme = draft_scheme()
    assert (scheme.owner, scheme.status) == ("MunicipalityMSP", SchemeStatus.DRAFT)
    assert scheme.terms.unit.name == "eur-cent" and scheme.terms.unit.cents(250) == 250


@pytest.mark.parametrize("caller", [CLERK, REGISTRAR, FAKE_OFFICER])
def test_only_municipality_officers_create_schemes(caller):
    with refused(ErrorCode.FORBIDDEN):
        Scheme.create("s1", terms(), tx(caller))


def test_lifecycle_draft_open_closed_and_only_forwards():
    scheme = draft_scheme()
    amended = scheme.amended(terms(amount_per_beneficiary=30_000), tx(OFFICER))
    assert amended.terms.amount_per_beneficiary == 30_000
    opened = amended.opened(tx(OFFICER))
    assert opened.status is SchemeStatus.OPEN
    with refused(ErrorCode.INVALID_STATE):
        opened.amended(terms(), tx(OFFICER))
    with refused(ErrorCode.INVALID_STATE):
        opened.opened(tx(OFFICER))
    closed = opened.closed(tx(OFFICER))
    assert closed.status is SchemeStatus.CLOSED
    with refused(ErrorCode.INVALID_STATE):
        closed.closed(tx(OFFICER))


def test_only_the_owner_changes_a_scheme():
    scheme = draft_scheme()
    for change in (lambda c: scheme.amended(terms(), tx(c)), lambda c: scheme.opened(tx(c)),
                   lambda c: scheme.closed(tx(c))):
        with refused(ErrorCode.FORBIDDEN):
            change(FAKE_OFFICER)
        with refused(ErrorCode.FORBIDDEN):
            change(CLERK)


def test_a_scheme_whose_period_ended_cannot_open():
    with refused(ErrorCode.OUTSIDE_PERIOD):
        draft_scheme().opened(tx(OFFICER, END))


@pytest.mark.parametrize("changes, problem", [
    ({"ends_at": START}, "ends_at must be after starts_at"),
    ({"categories": ["bicycles", "bicycles"]}, "must not repeat"),
    ({"category_caps": {"liquor": 100}}, "caps for categories the scheme does not allow: liquor"),
    ({"categories": []}, "categories"),
    ({"amount_per_beneficiary": 0}, "amount_per_beneficiary"),
    ({"amount_per_beneficiary": "25000"}, "amount_per_beneficiary"),
    ({"starts_at": "2025-01-01T00:00:00"}, "starts_at"),  # no timezone
    ({"categories": ["Bicycles!"]}, "categories.0"),
])
def test_terms_are_validated_as_invalid_arguments(changes, problem):
    data = terms().model_dump() | changes
    with pytest.raises(BudgetError) as err:
        parse(SchemeTerms, data)
    assert err.value.code is ErrorCode.INVALID_ARGUMENT and problem in err.value.message


def test_timestamps_are_normalised_to_utc():
    parsed = parse(SchemeTerms, terms().model_dump(mode="json") | {"starts_at": "2025-01-01T01:00:00+01:00"})
    assert parsed.starts_at == START and parsed.starts_at.utcoffset() == timedelta(0)
    assert parsed.model_dump(mode="json")["starts_at"] == "2025-01-01T00:00:00Z"


def test_payment_gates_follow_status_and_period():
    with refused(ErrorCode.SCHEME_NOT_OPEN):
        draft_scheme().require_payable(NOW)
    scheme = open_scheme()
    scheme.require_payable(NOW)
    with refused(ErrorCode.OUTSIDE_PERIOD):
        scheme.require_payable(START - timedelta(seconds=1))
    with refused(ErrorCode.BUDGET_EXPIRED):
        scheme.require_payable(END)
    with refused(ErrorCode.SCHEME_CLOSED):
        scheme.closed(tx(OFFICER)).require_payable(NOW)


def test_payment_terms_category_and_maximum():
    scheme = open_scheme()
    scheme.require_payment_terms("bicycles", 20_000)
    with refused(ErrorCode.CATEGORY_NOT_ALLOWED):
        scheme.require_payment_terms("liquor", 100)
    with refused(ErrorCode.AMOUNT_ABOVE_MAXIMUM):
        scheme.require_payment_terms("bicycles", 20_001)
    open_scheme(max_per_payment=None).require_payment_terms("bicycles", 25_000)


def test_grants_and_expiry_windows():
    scheme = open_scheme()
    draft_scheme().require_grants_open(NOW)
    with refused(ErrorCode.OUTSIDE_PERIOD):
        scheme.require_grants_open(END)
    with refused(ErrorCode.SCHEME_CLOSED):
        scheme.closed(tx(OFFICER)).require_grants_open(NOW)
    with refused(ErrorCode.INVALID_STATE):
        scheme.require_expirable(NOW)
    scheme.require_expirable(END)
    scheme.closed(tx(OFFICER)).require_expirable(NOW)


def test_an_entitlement_scheme_counts_units_and_prices_them_by_tariff():
    pool = terms(name="Stadjerspas zwembad", amount_per_beneficiary=10, categories=["swimming"],
                 category_caps={}, max_per_payment=2, unit={"name": "swimming-entry", "tariff_cents": 350})
    assert pool.unit == Unit(name="swimming-entry", tariff_cents=350)
    assert pool.unit.cents(3) == 1050
    assert Unit(name="museum-visit", tariff_cents=None).cents(3) is None


def test_the_scheme_id_is_validated():
    with refused(ErrorCode.INVALID_ARGUMENT):
        Scheme.create("kind pakket/2025", terms(), tx(OFFICER))
