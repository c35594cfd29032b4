// One transaction with the official Node client, for the interop test.
//
// Parameters as JSON in argv[2], or on stdin without one:
//   {"profile": path, "msp": path, "channel": "kindpakket", "chaincode": "conformance",
//    "transaction": "State:put", "args": ["k", "v"], "submit": true}
// Prints JSON: {"transactionId", "result" (base64)} and for a submit also
// {"status": {"code", "name", "blockNumber"}}. A failure exits 1 with the error on stderr.
import { readFileSync } from 'node:fs';

import { StatusCode } from '@hyperledger/fabric-gateway';

import { connectAs } from './connection.js';

const STATUS_NAMES = Object.fromEntries(Object.entries(StatusCode).map(([name, code]) => [code, name]));

function base64(bytes) {
    return Buffer.from(bytes).toString('base64');
}

async function submit(contract, transaction, args) {
    const submitted = await contract.submitAsync(transaction, { arguments: args });
    const status = await submitted.getStatus();
    return {
        transactionId: submitted.getTransactionId(),
        result: base64(submitted.getResult()),
        status: { code: status.code, name: STATUS_NAMES[status.code], blockNumber: Number(status.blockNumber) },
    };
}

async function evaluate(contract, transaction, args) {
    const proposal = contract.newProposal(transaction, { arguments: args });
    return { transactionId: proposal.getTransactionId(), result: base64(await proposal.evaluate()) };
}

async function main() {
    const params = JSON.parse(process.argv[2] ?? readFileSync(0, 'utf8'));
    const connection = connectAs(params);
    try {
        const contract = connection.gateway.getNetwork(params.channel).getContract(params.chaincode);
        const run = params.submit ? submit : evaluate;
        process.stdout.write(JSON.stringify(await run(contract, params.transaction, params.args ?? [])) + '\n');
    } finally {
        connection.close();
    }
}

main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
});
