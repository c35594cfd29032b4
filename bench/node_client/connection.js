// Connects the official Fabric Gateway client as a user our tooling generated: the organisation's
// connection profile (profiles/<Org>.json, its first peer) and the user's MSP directory
// (crypto/<Org>/users/<user>/msp, with signcerts/ and keystore/).
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';

// The same defaults as our Python client's Deadlines, so both sides give up alike.
const DEADLINES_MS = { evaluate: 5_000, endorse: 15_000, submit: 5_000, commitStatus: 60_000 };

function within(ms) {
    return () => ({ deadline: Date.now() + ms });
}

// The file our Python client's msp_directory picks: the one ending in `suffix`, else the only one.
function onlyFile(directory, suffix) {
    const files = readdirSync(directory);
    const preferred = files.filter((name) => name.endsWith(suffix));
    const [file] = preferred.length === 1 ? preferred : files;
    if (preferred.length !== 1 && files.length !== 1) {
        throw new Error(`expected exactly one *${suffix} file in ${directory}, found ${files.length}`);
    }
    return readFileSync(join(directory, file));
}

function pemOf(tlsCACerts, profilePath) {
    if (tlsCACerts.pem !== undefined) {
        return Buffer.from([].concat(tlsCACerts.pem).join('\n'));
    }
    return readFileSync(resolve(dirname(profilePath), tlsCACerts.path));
}

// grpcs:// is TLS with the profile's CA certificates; grpc:// or a bare host:port is plaintext.
function credentialsFor(peer, profilePath) {
    return peer.url.startsWith('grpcs://')
        ? grpc.credentials.createSsl(pemOf(peer.tlsCACerts, profilePath))
        : grpc.credentials.createInsecure();
}

/** The first peer of the profile's client organisation: a gRPC client on it, and the MSP ID. */
function firstPeer(profilePath) {
    const profile = JSON.parse(readFileSync(profilePath, 'utf8'));
    const organization = profile.organizations[profile.client.organization];
    const peer = profile.peers[organization.peers[0]];
    const hostOverride = peer.grpcOptions?.['ssl-target-name-override'];
    const client = new grpc.Client(
        peer.url.replace(/^grpcs?:\/\//, ''),
        credentialsFor(peer, profilePath),
        hostOverride ? { 'grpc.ssl_target_name_override': hostOverride } : {},
    );
    return { client, mspId: organization.mspid };
}

/**
 * `{profile, msp}` (paths) -> `{gateway, close}`. The caller closes the gRPC client with `close()`.
 */
export function connectAs({ profile, msp }) {
    const { client, mspId } = firstPeer(profile);
    const gateway = connect({
        client,
        identity: { mspId, credentials: onlyFile(join(msp, 'signcerts'), '.pem') },
        signer: signers.newPrivateKeySigner(createPrivateKey(onlyFile(join(msp, 'keystore'), '_sk'))),
        hash: hash.sha256,
        evaluateOptions: within(DEADLINES_MS.evaluate),
        endorseOptions: within(DEADLINES_MS.endorse),
        submitOptions: within(DEADLINES_MS.submit),
        commitStatusOptions: within(DEADLINES_MS.commitStatus),
    });
    return {
        gateway,
        close() {
            gateway.close();
            client.close();
        },
    };
}
