"""The orderers' channel participation API (what `osnadmin channel ...` does), over mutual TLS with
the orderer organisation's admin TLS certificate.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import requests


class ParticipationError(RuntimeError):
    pass


@dataclass(frozen=True)
class ChannelInfo:
    name: str
    status: str              # "active", "onboarding", "inactive", "failed"
    consensus_relation: str  # "consenter", "follower", ...
    height: int


@dataclass(frozen=True)
class ChannelParticipation:
    admin_address: str
    ca_file: Path       # the orderer's TLS CA
    client_cert: Path   # orderer admin's TLS client pair
    client_key: Path

    def _url(self, path: str = "") -> str:
        return f"https://{self.admin_address}/participation/v1/channels{path}"

    def _call(self, method: str, path: str = "", **kwargs) -> requests.Response:
        try:
            response = requests.request(method, self._url(path), verify=str(self.ca_file),
                                        cert=(str(self.client_cert), str(self.client_key)),
                                        timeout=kwargs.pop("timeout", 15), **kwargs)
        except requests.RequestException as exc:
            raise ParticipationError(f"orderer admin endpoint {self.admin_address}: {exc}") from None
        return response

    def channels(self) -> list[str]:
        response = self._call("GET")
        if response.status_code != 200:
            raise ParticipationError(f"listing channels on {self.admin_address}: {response.text.strip()}")
        return [c["name"] for c in (response.json().get("channels") or [])]

    def info(self, channel: str) -> ChannelInfo | None:
        response = self._call("GET", f"/{channel}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ParticipationError(f"channel {channel} on {self.admin_address}: {response.text.strip()}")
        doc = response.json()
        return ChannelInfo(doc["name"], doc["status"], doc["consensusRelation"], int(doc["height"]))

    def join(self, block: bytes) -> ChannelInfo:
        response = self._call("POST", files={"config-block": ("config.block", block)})
        if response.status_code not in (200, 201):
            raise ParticipationError(f"joining on {self.admin_address}: {response.text.strip()}")
        doc = response.json()
        return ChannelInfo(doc["name"], doc["status"], doc["consensusRelation"], int(doc["height"]))

    def remove(self, channel: str) -> None:
        response = self._call("DELETE", f"/{channel}")
        if response.status_code not in (200, 204, 404):
            raise ParticipationError(f"removing {channel} from {self.admin_address}: {response.text.strip()}")
