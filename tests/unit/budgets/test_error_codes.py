from pathlib import Path

import grootboek.chaincode.budgets as budgets_package
from grootboek.chaincode.budgets.domain.errors import BudgetError, ErrorCode

README = Path(budgets_package.__file__).with_name("README.md").read_text()


def test_every_code_is_documented_in_the_readme_exactly_as_in_the_code():
    for code in ErrorCode:
        assert f"| `{code}` | {code.description} |" in README, code


def test_codes_are_their_own_names_and_errors_read_code_colon_message():
    assert all(code.value == code.name for code in ErrorCode)
    error = BudgetError(ErrorCode.INSUFFICIENT_BALANCE, "budget b-1 has 5 left, 10 asked")
    assert str(error) == "INSUFFICIENT_BALANCE: budget b-1 has 5 left, 10 asked"
    assert (error.code, error.message) == (ErrorCode.INSUFFICIENT_BALANCE, "budget b-1 has 5 left, 10 asked")
