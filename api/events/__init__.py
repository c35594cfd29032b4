"""Chaincode events as server-sent events, resumable with Last-Event-ID."""
