/**
 * What the phone signs with a budget's key: payment codes and query tokens, in exactly the wire
 * format of chaincode/budgets/domain/holder_codes.py, so the chaincode accepts them.
 *
 * A code is base64url without padding of the canonical JSON of {"signature", "statement"}; the
 * signature is standard base64 of a DER ECDSA-P256-SHA256 signature over the statement's canonical
 * JSON. WebCrypto signs in IEEE P1363 form (r || s, 32 bytes each), so we re-encode it as DER.
 * Runs unchanged in the browser and in Node (globalThis.crypto), which the unit test uses.
 */

const PAY_PURPOSE = "budgets.pay.v1";
const QUERY_PURPOSE = "budgets.query.v1";
const ECDSA = { name: "ECDSA", namedCurve: "P-256" };
const SIGNING = { name: "ECDSA", hash: "SHA-256" };

/**
 * Python's json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) for what
 * statements hold (strings, integers, objects, arrays). Keys are ASCII, so sorting by UTF-16
 * code units is Python's code-point order.
 */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new TypeError(`statements hold whole numbers only, not ${value}`);
  }
  return JSON.stringify(value);
}

function base64(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

export function base64url(bytes) {
  return base64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** One DER INTEGER of an unsigned big-endian number: leading zeros dropped, and a zero byte put
 * back when the high bit is set, since DER integers are signed. */
function derInteger(bytes) {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const body = bytes.slice(start);
  const padded = body[0] & 0x80 ? [0, ...body] : [...body];
  return [0x02, padded.length, ...padded];
}

/** WebCrypto's r || s as DER SEQUENCE { INTEGER r, INTEGER s } (at most 72 bytes: short lengths). */
export function p1363ToDer(signature) {
  const bytes = new Uint8Array(signature);
  const half = bytes.length / 2;
  const body = [...derInteger(bytes.slice(0, half)), ...derInteger(bytes.slice(half))];
  return new Uint8Array([0x30, body.length, ...body]);
}

/** A budget's key pair: the private key cannot be exported, only used to sign (kept in IndexedDB). */
export function makeKey() {
  return globalThis.crypto.subtle.generateKey(ECDSA, false, ["sign", "verify"]);
}

/** The public key as the PEM (SubjectPublicKeyInfo) that POST /v1/budgets/activations expects. */
export async function publicKeyPem(publicKey) {
  const der = new Uint8Array(await globalThis.crypto.subtle.exportKey("spki", publicKey));
  const lines = base64(der).match(/.{1,64}/g).join("\n");
  return `-----BEGIN PUBLIC KEY-----\n${lines}\n-----END PUBLIC KEY-----\n`;
}

async function seal(privateKey, statement) {
  const signed = new TextEncoder().encode(canonicalJson(statement));
  const p1363 = await globalThis.crypto.subtle.sign(SIGNING, privateKey, signed);
  const envelope = { signature: base64(p1363ToDer(p1363)), statement };
  return base64url(new TextEncoder().encode(canonicalJson(envelope)));
}

function unixSeconds(expires) {
  if (!(expires instanceof Date) || Number.isNaN(expires.getTime())) {
    throw new TypeError(`expires must be a Date, got ${expires}`);
  }
  return Math.floor(expires.getTime() / 1000);
}

/** A fresh nonce: 16 random bytes as 22 base64url characters (the chaincode takes 16-64). */
export function newNonce() {
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * A payment code: one payment from `budget` until `expires` (a Date, at most 24 hours ahead), at
 * most `maxAmount` (in the scheme's unit) and only to `merchant` when given.
 */
export function paymentCode(privateKey, budget, { expires, maxAmount, merchant, nonce } = {}) {
  return seal(privateKey, {
    budget, expires: unixSeconds(expires), max_amount: maxAmount ?? undefined,
    merchant: merchant || undefined, nonce: nonce ?? newNonce(), purpose: PAY_PURPOSE,
  });
}

/** A query token: whoever holds it reads the budget's balance and history until `expires`. */
export function queryToken(privateKey, budget, expires) {
  return seal(privateKey, { budget, expires: unixSeconds(expires), purpose: QUERY_PURPOSE });
}
