"""core.yaml for peers and orderer.yaml for orderers, generated from the consortium.

The settings follow Fabric's sampleconfig semantics with what running natively on one machine
needs: no Docker (vm.endpoint empty), our CCaaS external builder, TLS everywhere, Prometheus metrics
on the operations endpoint (readiness and `status` read them), and a short gossip reconnect
interval (peers dial other organisations' anchor peers before they know the channel's TLS CAs and
fail; with the default 25 s retry, bring-up takes ~30 s instead of ~5 s). Peers pull blocks from
orderers with a reconnect back-off capped at RECONNECT_BACKOFF_MAX instead of Fabric's hour: after
an orderer restart a peer that doubled its wait while it was down would otherwise stop seeing
commits for minutes, and every transaction in flight would look lost.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from grootboek.network.config.consortium import OrdererNode
from grootboek.network.config.layout import Layout, Peer

MAX_MESSAGE_SIZE = 100 * 1024 * 1024  # Fabric's gRPC limit
RECONNECT_BACKOFF_MAX = "2s"


def _operations(address: str, tls_dir: Path) -> dict:
    # /healthz is open; /metrics and /logspec want a client certificate from the org's TLS CA.
    return {
        "listenAddress": address,
        "tls": {
            "enabled": True,
            "cert": {"file": str(tls_dir / "server.crt")},
            "key": {"file": str(tls_dir / "server.key")},
            "clientAuthRequired": False,
            "clientRootCAs": {"files": [str(tls_dir / "ca.crt")]},
        },
    }


def core_yaml(layout: Layout, peer: Peer, builder_dir: Path) -> dict:
    crypto = layout.crypto(peer.org.name)
    node = crypto.node_dir(peer.host)
    tls = node / "tls"
    data = layout.node_dir(peer.id) / "data"
    org_peers = [p.address for p in layout.peers(peer.org)]
    bootstrap = " ".join(a for a in org_peers if a != peer.address) or peer.address
    return {
        "peer": {
            "id": peer.host,
            "networkId": layout.consortium.name,
            "listenAddress": layout.listen_address(peer.spec.port),
            "address": peer.address,
            "addressAutoDetect": False,
            "chaincodeListenAddress": layout.listen_address(peer.spec.chaincode_port),
            "chaincodeAddress": layout.address(peer.spec.chaincode_port),
            "gateway": {"enabled": True, "endorsementTimeout": "30s", "broadcastTimeout": "30s",
                        "dialTimeout": "2m"},
            # A member's host may vanish without a word (power, a cut cable): its connections
            # then stall rather than close. Pinging every 10 s (answer within 5) finds such a
            # connection to an orderer within 15 s instead of Fabric's 80, so blocks and
            # broadcasts move to another orderer (a cut Raft leader's host paused ordering for
            # 80 s with the defaults: bench/RESULTS.md); servers accept pings that often.
            "keepalive": {
                "interval": "7200s", "timeout": "20s", "minInterval": "5s",
                "client": {"interval": "10s", "timeout": "5s"},
                "deliveryClient": {"interval": "10s", "timeout": "5s"},
            },
            "gossip": {
                "bootstrap": bootstrap,
                "useLeaderElection": False,
                "orgLeader": True,
                "membershipTrackerInterval": "500ms",  # also how often the membership metric updates
                "endpoint": peer.address,
                "externalEndpoint": peer.address,
                "maxBlockCountToStore": 10,
                "maxPropagationBurstLatency": "10ms",
                "maxPropagationBurstSize": 10,
                "propagateIterations": 1,
                "propagatePeerNum": 3,
                "pullInterval": "4s",
                "pullPeerNum": 3,
                "requestStateInfoInterval": "4s",
                "publishStateInfoInterval": "4s",
                "stateInfoRetentionInterval": None,
                "publishCertPeriod": "10s",
                "skipBlockVerification": False,
                "dialTimeout": "3s",
                "connTimeout": "2s",
                "recvBuffSize": 20,
                "sendBuffSize": 200,
                "digestWaitTime": "1s",
                "requestWaitTime": "1500ms",
                "responseWaitTime": "2s",
                "aliveTimeInterval": "5s",
                "aliveExpirationTimeout": "25s",
                "reconnectInterval": "1s",
                "maxConnectionAttempts": 120,
                "msgExpirationFactor": 20,
                "election": {"startupGracePeriod": "15s", "membershipSampleInterval": "1s",
                             "leaderAliveThreshold": "10s", "leaderElectionDuration": "5s"},
                "pvtData": {
                    "pullRetryThreshold": "60s",
                    "transientstoreMaxBlockRetention": 20000,
                    "pushAckTimeout": "3s",
                    "btlPullMargin": 10,
                    "reconcileBatchSize": 10,
                    "reconcileSleepInterval": "1m",
                    "reconciliationEnabled": True,
                    "skipPullingInvalidTransactionsDuringCommit": False,
                    "implicitCollectionDisseminationPolicy": {"requiredPeerCount": 0, "maxPeerCount": 1},
                },
                "state": {"enabled": False, "checkInterval": "10s", "responseTimeout": "3s",
                          "batchSize": 10, "blockBufferSize": 20, "maxRetries": 3},
            },
            "tls": {
                "enabled": True,
                "clientAuthRequired": False,
                "cert": {"file": str(tls / "server.crt")},
                "key": {"file": str(tls / "server.key")},
                "rootcert": {"file": str(tls / "ca.crt")},
                "clientRootCAs": {"files": [str(tls / "ca.crt")]},
                # The peer presents this pair when it dials orderers and chaincode servers.
                "clientKey": {"file": str(tls / "server.key")},
                "clientCert": {"file": str(tls / "server.crt")},
            },
            "authentication": {"timewindow": "15m"},
            "fileSystemPath": str(data),
            "BCCSP": {"Default": "SW", "SW": {"Hash": "SHA2", "Security": 256,
                                              "FileKeyStore": {"KeyStore": None}}},
            "mspConfigPath": str(node / "msp"),
            "localMspId": peer.msp_id,
            "client": {"connTimeout": "3s"},
            "deliveryclient": {
                "blockGossipEnabled": False,
                "reconnectTotalTimeThreshold": "3600s",
                "connTimeout": "3s",
                "reConnectBackoffThreshold": RECONNECT_BACKOFF_MAX,
                "blockCensorshipTimeoutKey": "30s",
                "minimalReconnectInterval": "100ms",
                "addressOverrides": None,
                "policy": "cluster",
            },
            "localMspType": "bccsp",
            "profile": {"enabled": False, "listenAddress": "127.0.0.1:0"},
            "handlers": {
                "authFilters": [{"name": "DefaultAuth"}, {"name": "ExpirationCheck"},
                                {"name": "TimeWindowCheck"}],
                "decorators": [{"name": "DefaultDecorator"}],
                "endorsers": {"escc": {"name": "DefaultEndorsement", "library": None}},
                "validators": {"vscc": {"name": "DefaultValidation", "library": None}},
            },
            "validatorPoolSize": None,
            "discovery": {"enabled": True, "authCacheEnabled": True, "authCacheMaxSize": 1000,
                          "authCachePurgeRetentionRatio": 0.75, "orgMembersAllowedAccess": False},
            "limits": {"concurrency": {"endorserService": 2500, "deliverService": 2500,
                                       "gatewayService": 500}},
            "maxRecvMsgSize": MAX_MESSAGE_SIZE,
            "maxSendMsgSize": MAX_MESSAGE_SIZE,
        },
        "vm": {"endpoint": ""},
        "chaincode": {
            "id": {"path": None, "name": None},
            "pull": False,
            "externalBuilders": [{
                "name": "grootboek-ccaas",
                "path": str(builder_dir),
                "propagateEnvironment": ["GROOTBOEK_CCAAS_CONFIG", "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG"],
            }],
            "installTimeout": "300s",
            "startuptimeout": "300s",
            # The organisation's chaincode servers end a transaction before this fires
            # (Organization.chaincode_timeout_seconds says why).
            "executetimeout": f"{peer.org.chaincode_timeout_seconds}s",
            "mode": "net",
            "keepalive": 0,
            "system": {"_lifecycle": "enable", "cscc": "enable", "lscc": "enable", "qscc": "enable"},
            "logging": {"level": "info", "shim": "warning", "format": "%{time} %{module} %{level} %{message}"},
            "runtimeParams": {"useWriteBatch": True, "maxSizeWriteBatch": 1000,
                              "useGetMultipleKeys": True, "maxSizeGetMultipleKeys": 1000},
        },
        "ledger": {
            "blockchain": None,
            "state": {"stateDatabase": "goleveldb", "totalQueryLimit": 100000,
                      "couchDBConfig": {"couchDBAddress": "127.0.0.1:5984", "maxRetries": 3,
                                        "maxRetriesOnStartup": 10, "requestTimeout": "35s",
                                        "internalQueryLimit": 1000, "maxBatchUpdateSize": 1000,
                                        "createGlobalChangesDB": False, "cacheSize": 64}},
            "history": {"enableHistoryDatabase": True},
            "pvtdataStore": {"collElgProcMaxDbBatchSize": 5000, "collElgProcDbBatchesInterval": 1000,
                             "deprioritizedDataReconcilerInterval": "60m", "purgeInterval": 100,
                             "purgedKeyAuditLogging": True},
            "snapshots": {"rootDir": str(data / "snapshots")},
        },
        "operations": _operations(layout.listen_address(peer.spec.operations_port), tls),
        "metrics": {"provider": "prometheus"},
    }


def orderer_yaml(layout: Layout, orderer: OrdererNode) -> dict:
    org = layout.consortium.orderer_owner(orderer.name)
    crypto = layout.crypto(org.name)
    host = layout.orderer_host(orderer.name)
    node = crypto.node_dir(host)
    tls = node / "tls"
    data = layout.node_dir(orderer.name) / "data"
    tlsca = str(crypto.root / "tlsca" / "cert.pem")
    return {
        "General": {
            "ListenAddress": layout.listen_host(orderer.port),
            "ListenPort": orderer.port,
            "TLS": {
                "Enabled": True,
                "PrivateKey": str(tls / "server.key"),
                "Certificate": str(tls / "server.crt"),
                "RootCAs": [str(tls / "ca.crt")],
                "ClientAuthRequired": False,
                "ClientRootCAs": None,
            },
            # Peers ping every 10 s to find a vanished host (core_yaml): allowed.
            "Keepalive": {"ServerMinInterval": "5s", "ServerInterval": "7200s", "ServerTimeout": "20s"},
            "Backoff": {"BaseDelay": "1s", "Multiplier": 1.6, "MaxDelay": "2m"},
            "MaxRecvMsgSize": MAX_MESSAGE_SIZE,
            "MaxSendMsgSize": MAX_MESSAGE_SIZE,
            "Throttling": {"Rate": 0, "InactivityTimeout": "5s"},
            # Raft traffic shares the general listener; the node's TLS pair authenticates it.
            "Cluster": {
                "SendBufferSize": 100,
                "ClientCertificate": str(tls / "server.crt"),
                "ClientPrivateKey": str(tls / "server.key"),
                "ListenPort": None,
                "ListenAddress": None,
                "ServerCertificate": None,
                "ServerPrivateKey": None,
                "ReplicationPolicy": None,
            },
            "BootstrapMethod": "none",
            "LocalMSPDir": str(node / "msp"),
            "LocalMSPID": org.msp_id,
            "Profile": {"Enabled": False, "Address": "127.0.0.1:0"},
            "BCCSP": {"Default": "SW", "SW": {"Hash": "SHA2", "Security": 256,
                                              "FileKeyStore": {"KeyStore": None}}},
            "Authentication": {"TimeWindow": "15m"},
        },
        "FileLedger": {"Location": str(data)},
        "Debug": {"BroadcastTraceDir": None, "DeliverTraceDir": None},
        "Operations": {
            "ListenAddress": layout.listen_address(orderer.operations_port),
            "TLS": {"Enabled": True, "Certificate": str(tls / "server.crt"),
                    "PrivateKey": str(tls / "server.key"), "ClientAuthRequired": False,
                    "ClientRootCAs": [tlsca]},
        },
        "Metrics": {"Provider": "prometheus"},
        # Channel participation API: mutual TLS, only the orderer organisation's TLS CA.
        "Admin": {
            "ListenAddress": layout.listen_address(orderer.admin_port),
            "TLS": {"Enabled": True, "Certificate": str(tls / "server.crt"),
                    "PrivateKey": str(tls / "server.key"), "ClientAuthRequired": True,
                    "ClientRootCAs": [tlsca]},
        },
        "ChannelParticipation": {"Enabled": True, "MaxRequestBodySize": "1 MB"},
        "Consensus": {"WALDir": str(data / "etcdraft" / "wal"), "SnapDir": str(data / "etcdraft" / "snapshot")},
    }


def write_yaml(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False))
