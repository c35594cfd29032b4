// The client bench's load worker on the official Node client (bench/client.py runs one next to
// its Python twin and measures both alike).
//
// Parameters as JSON in argv[2]: {"profile", "msp", "channel", "chaincode"}. Prints {"ready": true}
// once connected, then answers each command line on stdin with one JSON line:
//   {"op": "submit" | "evaluate", "concurrency": 8, "duration": 4.0, "key": "prefix"}
//   -> {"latencies_ms": [...], "errors": 0, "first_error": null, "elapsed_s": 4.01}
// `concurrency` async loops keep that many requests in flight for `duration` seconds; a submit
// writes a fresh key under the prefix and waits for its commit, an evaluate reads the key itself.
// Exits when stdin closes.
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

import { connectAs } from './connection.js';

const OPERATIONS = {
    submit: (contract, key) => (n) => contract.submitTransaction('State:put', `${key}-${n}`, 'v'),
    evaluate: (contract, key) => () => contract.evaluateTransaction('State:read', key),
};

async function closedLoop(operation, concurrency, durationMs) {
    const latencies = [];
    let errors = 0;
    let firstError = null;
    let sequence = 0;
    const started = performance.now();
    const end = started + durationMs;
    async function loop() {
        while (performance.now() < end) {
            const begun = performance.now();
            try {
                await operation(sequence++);
                latencies.push(performance.now() - begun);
            } catch (error) {
                errors += 1;
                firstError ??= String(error);
            }
        }
    }
    await Promise.all(Array.from({ length: concurrency }, loop));
    return { latencies_ms: latencies, errors, first_error: firstError, elapsed_s: (performance.now() - started) / 1000 };
}

async function main() {
    const params = JSON.parse(process.argv[2]);
    const connection = connectAs(params);
    const contract = connection.gateway.getNetwork(params.channel).getContract(params.chaincode);
    process.stdout.write(JSON.stringify({ ready: true }) + '\n');
    try {
        for await (const line of createInterface({ input: process.stdin })) {
            const command = JSON.parse(line);
            const operation = OPERATIONS[command.op](contract, command.key);
            const outcome = await closedLoop(operation, command.concurrency, command.duration * 1000);
            process.stdout.write(JSON.stringify(outcome) + '\n');
        }
    } finally {
        connection.close();
    }
}

main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
});
