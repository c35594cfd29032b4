"""`refused(CODE)`: asserts a BudgetError with exactly that code."""
from __future__ import annotations

import pytest

from grootboek.chaincode.budgets.domain.errors import BudgetError, ErrorCode


def refused(code: ErrorCode):
    return pytest.raises(BudgetError, match=f"^{code}: ")
