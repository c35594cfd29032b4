"""The budgets rules as plain Python: no stub, no clock, no randomness. Every rule takes the
transaction (`caller.Tx`: id, timestamp, creator) and the records it needs, and returns new records.
"""
