"""Records and values of the registry, each validating its own invariants; no storage, no clock."""
