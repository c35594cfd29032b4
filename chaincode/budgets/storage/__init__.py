"""Storage of the budgets records: typed records (`Records`) over a small ledger port (`Ledger`),
which the chaincode stub implements (`StubLedger`)."""
