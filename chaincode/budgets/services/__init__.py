"""The budgets operations: each loads the records it needs, applies the domain rules with the
transaction's context (`Tx`) and stores what changed. The contract only translates to these."""
