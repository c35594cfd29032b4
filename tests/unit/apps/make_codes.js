// Makes payment codes and query tokens with the wallet's own module (api/apps/wallet/static/codes.js,
// passed in as `codes`), for the chaincode's Python reader to check (tests/unit/apps/wallet_codes.py).
// A plain script, so both Node (run_codes.mjs) and a page in Chromium (the browser test) can run it.
globalThis.makeWalletCodes = async (codes, keys, perKey) => {
  const made = [];
  const expires = new Date(Date.now() + 5 * 60 * 1000);
  for (let k = 0; k < keys; k += 1) {
    const { privateKey, publicKey } = await codes.makeKey();
    const pem = await codes.publicKeyPem(publicKey);
    const budget = `b-made-${k}`;
    for (let n = 0; n < perKey; n += 1) {
      const limits = n % 3 === 0 ? {} : { maxAmount: 100 * n, merchant: `shop-${n}` };
      const kind = n % 5 === 4 ? "query" : "pay";
      const code = kind === "pay" ? await codes.paymentCode(privateKey, budget, { expires, ...limits })
        : await codes.queryToken(privateKey, budget, expires);
      made.push({ pem, budget, kind, code });
    }
  }
  return made;
};
