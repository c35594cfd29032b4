"""Chaincode of the Grootboek consortium: the Python runtime (shim), the contract API on it
(contractapi) and its test doubles (shimtest); the budgets and registry chaincodes; and the
conformance chaincode that tests the runtime on real peers."""
