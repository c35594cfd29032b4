"""Chaincode of the Grootboek consortium: the Python runtime (shim), the budgets and registry
chaincodes, and the conformance chaincode that tests the runtime on real peers."""
