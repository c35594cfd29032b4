"""The budgets chaincode (Kindpakket / Stadjerspas): schemes, merchants, budgets, payments by
holder-signed codes, refunds, settlement and expiry. See README.md for the model and the codes.
"""
