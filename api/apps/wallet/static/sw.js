// The wallet's service worker: keeps the app's page and files so the wallet opens, and shows a
// payment code, without a network. Network first (a fresh page when online), the cache when not.
// Balances are not cached here: the app keeps the last known one with its budget in IndexedDB.
"use strict";

const CACHE = "grootboek-wallet-v1";
const SHELL = [
  "/wallet/", "/wallet/static/wallet.js", "/wallet/static/codes.js", "/wallet/static/keystore.js",
  "/wallet/static/wallet.css", "/wallet/static/manifest.webmanifest", "/wallet/static/icon.svg",
  "/web/static/web.js", "/web/static/web.css", "/web/static/icon.svg", "/web/static/vendor/jsQR.js",
  "/web/static/vendor/qrcode.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

function cached(request) {
  // The page may be asked for with ?lang=…: any cached copy of it beats none.
  return caches.match(request).then((hit) => hit || caches.match(request, { ignoreSearch: true }));
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/v1/")) {
    return;
  }
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(event.request, copy)));
    }
    return response;
  }).catch(() => cached(event.request).then((hit) => hit || Response.error())));
});
