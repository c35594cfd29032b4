// Makes payment codes and query tokens with the wallet's own module (api/apps/wallet/static/codes.js)
// under Node's WebCrypto, for test_wallet_codes.py to read with the chaincode's Python reader.
// Usage: node wallet_codes.mjs <path of codes.js> <keys> <codes per key>; prints one JSON line per code.
const [modulePath, keys, perKey] = process.argv.slice(2);
const codes = await import(modulePath);
const expires = new Date(Date.now() + 5 * 60 * 1000);
for (let k = 0; k < Number(keys); k += 1) {
  const { privateKey, publicKey } = await codes.makeKey();
  const pem = await codes.publicKeyPem(publicKey);
  const budget = `b-node-${k}`;
  for (let n = 0; n < Number(perKey); n += 1) {
    const options = n % 3 === 0 ? { expires } : { expires, maxAmount: 100 * n, merchant: `shop-${n}` };
    const kind = n % 5 === 4 ? "query" : "pay";
    const code = kind === "pay" ? await codes.paymentCode(privateKey, budget, options)
      : await codes.queryToken(privateKey, budget, expires);
    console.log(JSON.stringify({ pem, budget, kind, code }));
  }
}
