"""The budgets rules as plain Python: no stub, no clock, no randomness. Every rule takes the
transaction (contractapi's `Tx`: id, timestamp, caller) and the records it needs, and returns new
records, or refuses with a `BudgetError`.
"""
