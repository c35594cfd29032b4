// Node's side of test_wallet_codes.py: node run_codes.mjs <codes.js URL> <keys> <codes per key>
// prints the codes make_codes.js made, as one JSON array.
const [moduleUrl, keys, perKey] = process.argv.slice(2);
const codes = await import(moduleUrl);
await import(new URL("./make_codes.js", import.meta.url));
console.log(JSON.stringify(await globalThis.makeWalletCodes(codes, Number(keys), Number(perKey))));
