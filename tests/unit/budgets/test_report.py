from grootboek.chaincode.budgets.domain.balance import Balance
from grootboek.chaincode.budgets.domain.budget import BudgetStatus
from grootboek.chaincode.budgets.domain.report import SchemeTotals

from .scenario import END, OFFICER, START, budget, open_scheme, tx


def _spent(scheme, budget_id, *payments):
    b = budget(scheme, budget_id)
    for amount, category, merchant in payments:
        b, _ = b.debited(scheme, amount, category, merchant, "p", tx(OFFICER))
    return b


def test_totals_of_pages_add_up_to_the_schemes_totals():
    scheme = open_scheme()
    budgets = [_spent(scheme, "b1", (5_000, "bicycles", "fiets"), (2_000, "sports", "sport")),
               _spent(scheme, "b2", (1_000, "sports", "sport")),
               _spent(scheme, "b3").revoked(scheme, tx(OFFICER))[0]]
    whole = SchemeTotals.of(budgets)
    assert whole == SchemeTotals.of(budgets[:1]) + SchemeTotals.of(budgets[1:])
    assert (whole.beneficiaries, whole.granted, whole.spent, whole.remaining, whole.returned) == (
        3, 75_000, 8_000, 42_000, 25_000)
    assert whole.spent_by_category == {"bicycles": 5_000, "sports": 3_000}
    assert whole.spent_by_merchant == {"fiets": 5_000, "sport": 3_000}
    assert SchemeTotals.of([]) == SchemeTotals()


def test_balance_view():
    scheme = open_scheme()
    view = Balance.of(_spent(scheme, "b1", (5_000, "bicycles", "fiets")), scheme)
    assert (view.balance, view.spent, view.granted, view.status) == (20_000, 5_000, 25_000, BudgetStatus.ACTIVE)
    assert (view.valid_from, view.valid_until, view.unit.name) == (START, END, "eur-cent")
