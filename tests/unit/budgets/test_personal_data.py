import pytest

from grootboek.chaincode.budgets.domain.errors import BudgetError, ErrorCode
from grootboek.chaincode.budgets.domain.fields import parse
from grootboek.chaincode.budgets.domain.personal_data import PersonalData

VALID = {"name": "J. de Vries", "bsn": "111222333", "address": "Hoofdstraat 1, 9801 AA Zuidhorn"}


def test_a_valid_record_parses():
    assert parse(PersonalData, VALID).bsn == "111222333"


@pytest.mark.parametrize("changes", [{"bsn": "111222334"}, {"bsn": "12345678"}, {"name": ""}, {"iban": "NL00"}])
def test_invalid_records_are_refused(changes):
    with pytest.raises(BudgetError) as err:
        parse(PersonalData, VALID | changes)
    assert err.value.code is ErrorCode.INVALID_ARGUMENT
