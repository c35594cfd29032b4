"""The transaction context: ids, time, proposal, transient data, identity, events, policies, calls."""
from __future__ import annotations

import base64

from grootboek.chaincode.contractapi import Context, Contract, transaction
from grootboek.chaincode.shim import KeyEndorsementPolicy

from .records import policy


class Tx(Contract):
    @transaction(evaluate=True)
    def info(self, ctx: Context) -> dict:
        stub = ctx.stub
        return {
            "tx_id": stub.tx_id,
            "channel_id": stub.channel_id,
            "timestamp": stub.get_tx_timestamp().isoformat(),
            "signed_proposal": stub.get_signed_proposal() is not None,
            "binding": stub.get_binding().hex(),
            "function": stub.get_function_and_parameters()[0],
            "args": stub.get_string_args()[1:],
        }

    @transaction(evaluate=True)
    def transient(self, ctx: Context) -> dict[str, str]:
        """The transient map, values base64 encoded (they are arbitrary bytes)."""
        return {k: base64.b64encode(v).decode() for k, v in ctx.stub.get_transient().items()}

    @transaction(evaluate=True)
    def whoami(self, ctx: Context) -> dict:
        identity = ctx.client_identity
        return {"msp_id": identity.msp_id, "id": identity.id, "attributes": identity.attributes}

    @transaction(evaluate=True)
    def assert_attribute(self, ctx: Context, name: str, value: str) -> str:
        ctx.assert_attribute_value(name, value)
        return "ok"

    @transaction
    def emit(self, ctx: Context, name: str, payload: str) -> None:
        ctx.stub.set_event(name, payload)

    @transaction
    def set_endorsement(self, ctx: Context, key: str, orgs: list[str], role: str = "member") -> None:
        """Requires `orgs` (all of them) to endorse any later change of `key`."""
        ctx.stub.set_state_validation_parameter(key, policy(orgs, role))

    @transaction(evaluate=True)
    def get_endorsement(self, ctx: Context, key: str) -> list[str]:
        return KeyEndorsementPolicy(ctx.stub.get_state_validation_parameter(key)).list_orgs()

    @transaction
    def call(self, ctx: Context, chaincode: str, args: list[str], channel: str = "") -> dict:
        """Invokes another chaincode and reports its response (a failure is not raised)."""
        response = ctx.stub.invoke_chaincode(chaincode, args, channel)
        payload = response.payload.decode(errors="replace")
        return {"status": response.status, "message": response.message, "payload": payload}
