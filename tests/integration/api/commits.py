"""Waiting for another organisation's peer: a gateway answers a write once its own peer committed
it; a next step through another organisation's gateway may need that peer to have it too."""
from __future__ import annotations

from grootboek.network.nodes.readiness import wait_for


def committed_on(client, channel: str, response) -> dict:
    """Waits until the peer behind `client`'s gateway has committed `response`'s transaction;
    returns its status (from the gateway's transaction status endpoint)."""
    path = f"/v1/channels/{channel}/transactions/{response.headers['X-Transaction-Id']}"

    def committed():
        answer = client.get(path)
        return answer.json() if answer.status_code == 200 else None

    return wait_for(committed, f"transaction committed on {client.base_url}'s peer", timeout=30)
