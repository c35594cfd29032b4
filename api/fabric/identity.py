"""How chaincode names an identity: Fabric's `x509::<subject DN>::<issuer DN>` (what a merchants'
registrar binds a shop to)."""
from __future__ import annotations

from grootboek.chaincode.shim.identity import ClientIdentity
from grootboek.client import X509Identity
from grootboek.client.identity import serialized_identity


def fabric_id(identity: X509Identity) -> str:
    return ClientIdentity(serialized_identity(identity)).id
