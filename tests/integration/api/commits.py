"""Writes as a client is told to make them, and waiting for another organisation's peer: a gateway
answers a write once its own peer committed it; a next step through another organisation's gateway
may need that peer to have it too."""
from __future__ import annotations

import secrets

from grootboek.network.nodes.readiness import wait_for

# The answers the error catalogue says to repeat with the same Idempotency-Key.
REPEAT = {(503, "ENDORSEMENT_UNAVAILABLE"), (504, "OUTCOME_UNKNOWN"), (409, "OUTCOME_UNKNOWN")}


def submitted(client, path: str, body: dict, what: str):
    """POSTs a transaction and repeats it, with the same Idempotency-Key, while the answer says to.
    Nodes that came up or restarted moments ago give such answers: a new consortium's members may
    not yet know every endorser (gossip spreads that within seconds), and a restarted peer may not
    yet confirm a commit while it catches up with the orderers."""
    key = secrets.token_hex(16)

    def answered():
        response = client.post(path, body, headers={"Idempotency-Key": key})
        code = response.json().get("code") if response.status_code in (409, 503, 504) else None
        repeat = (response.status_code, code) in REPEAT
        return None if repeat else response

    return wait_for(answered, f"a settled {what}", timeout=120, interval=0.5)


def committed_on(client, channel: str, response) -> dict:
    """Waits until the peer behind `client`'s gateway has committed `response`'s transaction;
    returns its status (from the gateway's transaction status endpoint)."""
    path = f"/v1/channels/{channel}/transactions/{response.headers['X-Transaction-Id']}"

    def committed():
        answer = client.get(path)
        return answer.json() if answer.status_code == 200 else None

    return wait_for(committed, f"transaction committed on {client.base_url}'s peer", timeout=30)


def synced_with(reader, writer, channel: str, timeout: float = 30) -> None:
    """Waits until the peer behind `reader`'s gateway has every block that the one behind `writer`'s
    has now: for a write made through `writer`'s gateway whose answer the test never saw (a browser
    made it)."""
    def height(client) -> int:
        return client.get(f"/v1/channels/{channel}/height").json()["height"]

    wanted = height(writer)
    wait_for(lambda: height(reader) >= wanted, f"{reader.base_url}'s peer at height {wanted} of {channel}",
             timeout=timeout, interval=1.0)
