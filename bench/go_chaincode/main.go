// Command go_chaincode serves the State contract as a chaincode-as-a-service
// server, configured like Grootboek's Python chaincode servers: the address,
// package id and TLS files come from CHAINCODE_SERVER_ADDRESS, CHAINCODE_ID,
// CHAINCODE_TLS_CERT, CHAINCODE_TLS_KEY and CHAINCODE_CLIENT_CA_CERT, and the
// peer must present a client certificate signed by that CA.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

func main() {
	if err := run(); err != nil {
		log.Fatalf("go_chaincode: %v", err)
	}
}

func run() error {
	chaincode, err := contractapi.NewChaincode(&State{})
	if err != nil {
		return err
	}
	server := &shim.ChaincodeServer{
		CCID:    os.Getenv("CHAINCODE_ID"),
		Address: os.Getenv("CHAINCODE_SERVER_ADDRESS"),
		CC:      chaincode,
	}
	if server.TLSProps, err = tlsFromEnv(); err != nil {
		return err
	}
	return server.Start()
}

func tlsFromEnv() (shim.TLSProperties, error) {
	var props shim.TLSProperties
	var err error
	if props.Cert, err = readFileNamedBy("CHAINCODE_TLS_CERT"); err != nil {
		return props, err
	}
	if props.Key, err = readFileNamedBy("CHAINCODE_TLS_KEY"); err != nil {
		return props, err
	}
	props.ClientCACerts, err = readFileNamedBy("CHAINCODE_CLIENT_CA_CERT")
	return props, err
}

// readFileNamedBy reads the file an environment variable names; TLS with
// client authentication is required, so a missing variable is an error.
func readFileNamedBy(variable string) ([]byte, error) {
	path := os.Getenv(variable)
	if path == "" {
		return nil, fmt.Errorf("%s is not set (TLS with client authentication is required)", variable)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", variable, err)
	}
	return content, nil
}
