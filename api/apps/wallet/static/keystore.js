/**
 * The wallet's memory on this phone (IndexedDB): one record per budget with its own key pair, so
 * no two budgets share a key and siblings cannot be linked on the ledger. The private key is a
 * non-extractable CryptoKey: IndexedDB keeps the object, no script can read its bytes. The last
 * known balance and history are kept too, to show them offline.
 *
 * Record: {budgetId, schemeId, label, keys: {privateKey, publicKey}, activatedAt, balance,
 *          history, places, seenAt}
 */

const DATABASE = "grootboek-wallet";
const STORE = "budgets";

function opened() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "budgetId" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, work) {
  const database = await opened();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    database.close();
  }
}

export function allBudgets() {
  return run("readonly", (store) => store.getAll());
}

export function budget(budgetId) {
  return run("readonly", (store) => store.get(budgetId));
}

export function saveBudget(record) {
  return run("readwrite", (store) => store.put(record));
}

export function forgetBudget(budgetId) {
  return run("readwrite", (store) => store.delete(budgetId));
}

/** Asks the browser not to evict the wallet's storage when space runs low (granted more readily
 * to an app installed on the home screen); whether it did. */
export async function keepStorage() {
  if (!navigator.storage || !navigator.storage.persist) return false;
  return (await navigator.storage.persisted()) || navigator.storage.persist();
}
