"""The storage ports of `services.records` over a chaincode stub: keys, JSON, endorsement policies."""
