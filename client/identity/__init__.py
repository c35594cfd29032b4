"""Who signs and how (modelled on the Go client's pkg/identity and pkg/hash): an MSP identity,
a signer, the digest signed, and identities kept on disk.

- `identity`: `Identity`, `X509Identity`, `serialized_identity` (the creator bytes in headers).
- `signer`: `Signer` (any digest -> signature callable), `PrivateKeySigner` (ECDSA low-S, Ed25519).
- `hashing`: the digests applied before signing (SHA-256 by default).
- `signing_identity`: `SigningIdentity`, the three bundled; every outgoing message is signed by one.
- `msp_directory`: the signcerts/ and keystore/ layout cryptogen and fabric-ca-client write.
- `wallet`: `FileWallet`, identities in the SDKs' shared `<label>.id` JSON format.
"""
from .identity import Identity, X509Identity, serialized_identity
from .signer import PrivateKeySigner, Signer, SignerUnavailableError
from .signing_identity import SigningIdentity
from .wallet import FileWallet, WalletEntry

__all__ = [
    "FileWallet", "Identity", "PrivateKeySigner", "Signer", "SignerUnavailableError",
    "SigningIdentity", "WalletEntry", "X509Identity", "serialized_identity",
]
