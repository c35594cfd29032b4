"""Invocations of the peer's configuration (cscc) and query (qscc) system chaincodes.

Send them to a peer's Endorser with `admin.query`, on the empty channel: cscc and qscc name the
channel in their arguments, as the peer CLI does.
"""
from __future__ import annotations

from fabric_protos.common import common_pb2, ledger_pb2
from fabric_protos.peer import query_pb2, transaction_pb2

from .invocation import Invocation


def join_chain(genesis_block: common_pb2.Block) -> Invocation:
    """Joins the peer to the channel whose (genesis or config) block this is. Needs the peer
    organisation's admin."""
    return Invocation.of("cscc", "JoinChain", genesis_block, header_type=common_pb2.CONFIG)


def get_channels() -> Invocation[query_pb2.ChannelQueryResponse]:
    return Invocation.of("cscc", "GetChannels", result_type=query_pb2.ChannelQueryResponse)


def get_config_block(channel: str) -> Invocation[common_pb2.Block]:
    return Invocation.of("cscc", "GetConfigBlock", channel, result_type=common_pb2.Block)


def get_chain_info(channel: str) -> Invocation[ledger_pb2.BlockchainInfo]:
    """Height and current/previous block hashes of the channel's ledger on this peer."""
    return Invocation.of("qscc", "GetChainInfo", channel, result_type=ledger_pb2.BlockchainInfo)


def get_block_by_number(channel: str, number: int) -> Invocation[common_pb2.Block]:
    return Invocation.of("qscc", "GetBlockByNumber", channel, str(number),
                         result_type=common_pb2.Block)


def get_block_by_tx_id(channel: str, tx_id: str) -> Invocation[common_pb2.Block]:
    return Invocation.of("qscc", "GetBlockByTxID", channel, tx_id, result_type=common_pb2.Block)


def get_transaction_by_id(channel: str,
                          tx_id: str) -> Invocation[transaction_pb2.ProcessedTransaction]:
    """The transaction envelope with its validation code."""
    return Invocation.of("qscc", "GetTransactionByID", channel, tx_id,
                         result_type=transaction_pb2.ProcessedTransaction)
