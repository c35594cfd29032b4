"""An orderer's AtomicBroadcast service: Broadcast envelopes, Deliver blocks."""
from __future__ import annotations

import grpc
from fabric_protos.common import common_pb2
from google.protobuf.message import DecodeError

from ..errors import BroadcastError
from ..protocol.deliver import OrdererDeliver


def envelope_transaction_id(envelope: common_pb2.Envelope) -> str | None:
    """For error reports: None if the envelope has no transaction id or does not parse (the
    orderer is the judge of malformed envelopes)."""
    try:
        payload = common_pb2.Payload.FromString(envelope.payload)
        return common_pb2.ChannelHeader.FromString(payload.header.channel_header).tx_id or None
    except DecodeError:
        return None


class Orderer(OrdererDeliver):
    def broadcast(self, envelope: common_pb2.Envelope, timeout: float = 30.0) -> None:
        """Sends one envelope for ordering. Raises BroadcastError unless the orderer answers
        SUCCESS (which means accepted for ordering, not yet committed)."""
        tx_id = envelope_transaction_id(envelope)
        responses = self._stub.Broadcast(iter([envelope]), timeout=timeout)
        try:
            response = next(responses)
        except grpc.RpcError as error:
            raise BroadcastError.from_rpc_error(error, tx_id) from None
        except StopIteration:
            raise BroadcastError("orderer closed the stream without answering",
                                 transaction_id=tx_id) from None
        finally:
            responses.cancel()
        if response.status != common_pb2.SUCCESS:
            raise BroadcastError(response.info, status=common_pb2.Status.Name(response.status),
                                 transaction_id=tx_id)
