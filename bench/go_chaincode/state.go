package main

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// State mirrors the Python conformance contract's State:put and State:get
// (grootboek.chaincode.conformance.state): the same names, arguments and
// payloads, so the benchmark calls both chaincodes identically.
type State struct {
	contractapi.Contract
}

// Put stores value under key; the response payload is empty.
func (State) Put(ctx contractapi.TransactionContextInterface, key string, value string) error {
	return ctx.GetStub().PutState(key, []byte(value))
}

// Get returns the value under key as text, or an empty payload when there is none.
func (State) Get(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	value, err := ctx.GetStub().GetState(key)
	return string(value), err
}

// GetEvaluateTransactions marks Get as a query in the contract metadata, as
// @transaction(evaluate=True) does in Python.
func (State) GetEvaluateTransactions() []string {
	return []string{"Get"}
}
