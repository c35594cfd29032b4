"""Fabric's configtxlator for the two jobs where Fabric's own encoding is the point: a config as the
JSON everyone knows (`proto_decode`, every nested message decoded), and an organisation's
definition from configtxgen's JSON back to protobuf (`proto_encode`)."""
from __future__ import annotations

import json
import subprocess

from google.protobuf.message import Message

from grootboek.network.nodes.binaries import Binaries


class ConfigtxlatorError(RuntimeError):
    pass


def _run(binaries: Binaries, args: list[str], data: bytes) -> bytes:
    result = subprocess.run([binaries["configtxlator"], *args], input=data, capture_output=True, timeout=60)
    if result.returncode != 0:
        raise ConfigtxlatorError(f"configtxlator {args[0]} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def decode(binaries: Binaries, message: Message) -> dict:
    """The message as configtxlator's JSON; `message` is a Fabric type such as common.Config."""
    return json.loads(_run(binaries, ["proto_decode", "--type", message.DESCRIPTOR.full_name],
                           message.SerializeToString()))


def encode(binaries: Binaries, document: dict, message_type: type[Message]) -> Message:
    """configtxlator JSON as a message of `message_type` (nested config values are decoded by their
    place in a common.Config, so encode config parts inside one)."""
    data = _run(binaries, ["proto_encode", "--type", message_type.DESCRIPTOR.full_name],
                json.dumps(document).encode())
    return message_type.FromString(data)
