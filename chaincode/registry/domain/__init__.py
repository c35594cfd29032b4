"""The registry's domain as plain Python: records and values, each validating its own invariants,
the roles, and every error code (`errors`); no storage, no clock."""
