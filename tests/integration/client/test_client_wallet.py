"""An application's path: identity from a wallet, connection from the organisation's profile."""
from __future__ import annotations

from grootboek.client.identity import FileWallet, WalletEntry, msp_directory
from grootboek.client.profile import connect_with_profile
from grootboek.client.retry import submit_with_retry


def test_wallet_identity_and_profile_connect_and_submit(fabric, key, tmp_path):
    msp = fabric.layout.crypto("Merchants").user_dir("admin") / "msp"
    wallet = FileWallet(tmp_path / "wallet")
    wallet.put("merchants-admin", WalletEntry(fabric.consortium.organization("Merchants").msp_id,
                                              msp_directory.signing_certificate(msp),
                                              msp_directory.private_key(msp)))

    entry = FileWallet(tmp_path / "wallet").get("merchants-admin")
    with connect_with_profile(fabric.layout.profile("Merchants"), entry.identity,
                              entry.signer()) as gateway:
        contract = gateway.network("kindpakket").contract("conformance")
        assert submit_with_retry(contract, "State:put", [key, "from a wallet"]) == b""
        assert contract.evaluate("State:get", [key]) == b"from a wallet"
