"""The gateway's side of Fabric: per-process connections, chaincode calls, ledger queries, and
writes submitted at most once per Idempotency-Key."""
