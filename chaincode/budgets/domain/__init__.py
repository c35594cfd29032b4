"""The budgets rules as plain Python: no stub, no clock, no randomness. Every rule takes the
transaction (`tx.Tx`: id, timestamp, creator) and the records it needs, and returns new records.
"""
