"""Grootboek's Python client for Hyperledger Fabric's Gateway (modelled on the official Go client,
fabric-gateway pkg/client with pkg/identity beside it), plus the admin calls our tooling makes.

Applications:

    from grootboek.client import X509Identity, PrivateKeySigner, Endpoint, connect

    identity = X509Identity.from_msp_directory("MunicipalityMSP", msp_dir)
    signer = PrivateKeySigner.from_msp_directory(msp_dir)
    with connect(identity, signer, endpoint=Endpoint(address, tls_root_certs=ca_pem,
                                                     server_name_override=host)) as gateway:
        contract = gateway.network("kindpakket").contract("budgets", "Budgets")
        balance = contract.evaluate("balance", args=["b-0001"])
        contract.submit("pay", args=["b-0001", "1250", "bicycles", payment_code])

or `connect_with_profile("profiles/Municipality.json", identity, signer)`.

Layout:

- here, the application API (its public names are exported by `grootboek.client`):
  `gateway` (connect), `profile` (connect_with_profile), `endpoint`, `deadlines`, `network`,
  `contract`, `proposal`, `transaction`, `commit`, `chaincode_events`, `block_events`,
  `event_stream`, `checkpoint`, `retry` (submit_with_retry), `errors`; under them `signable`
  (offline signing), `gateway_client` (the Gateway service's calls) and `atomic_file`.
- `identity/`: who signs and how: identities, signers, hashes, `SigningIdentity`, `FileWallet`.
- `protocol/`: Fabric's messages and block streams beneath both: transaction ids and headers,
  proposals, transaction envelopes, seek requests, the Deliver services.
- `admin/`: gateway-less calls for admin tooling: `admin.query` / `admin.transact` with
  invocations from `system_chaincodes` (cscc, qscc) and `lifecycle` (_lifecycle), `Endorser`,
  `Orderer`, `CommitWaiter`.

grpc channels are not fork-safe: in a pre-forking server, connect in each worker after the fork.
"""
from .chaincode_events import ChaincodeEvent
from .checkpoint import FileCheckpointer, InMemoryCheckpointer
from .commit import Commit, Status, SubmittedTransaction
from .contract import Contract
from .deadlines import Deadlines
from .endpoint import Endpoint
from .errors import (
    BroadcastError,
    ChaincodeEventsError,
    CommitError,
    CommitStatusError,
    DeliverError,
    EndorseError,
    EndorserError,
    ErrorDetail,
    EvaluateError,
    GatewayError,
    SubmitError,
)
from .event_stream import EventStream
from .gateway import Gateway, connect
from .identity import (
    FileWallet,
    Identity,
    PrivateKeySigner,
    Signer,
    SignerUnavailableError,
    WalletEntry,
    X509Identity,
)
from .network import Network
from .profile import ConnectionProfile, connect_with_profile
from .proposal import Proposal
from .retry import RetryPolicy, settle, submit_with_retry
from .transaction import Transaction

__all__ = [
    "BroadcastError", "ChaincodeEvent", "ChaincodeEventsError", "Commit", "CommitError",
    "CommitStatusError", "ConnectionProfile", "Contract", "Deadlines", "DeliverError",
    "EndorseError", "EndorserError", "Endpoint", "ErrorDetail", "EvaluateError", "EventStream",
    "FileCheckpointer", "FileWallet", "Gateway", "GatewayError", "Identity",
    "InMemoryCheckpointer", "Network", "PrivateKeySigner", "Proposal", "RetryPolicy", "Signer",
    "SignerUnavailableError", "Status", "SubmitError", "SubmittedTransaction", "Transaction",
    "WalletEntry", "X509Identity", "connect", "connect_with_profile", "settle", "submit_with_retry",
]
