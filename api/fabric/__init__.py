"""The gateway's side of Fabric: per-process connections, chaincode calls, ledger queries."""
